"""WSGI entry point: `gunicorn wsgi:app`."""
from arbitration import create_app, settle_heap

app = create_app()
settle_heap()
