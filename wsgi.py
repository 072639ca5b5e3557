"""WSGI entry point: `gunicorn wsgi:app`."""
from arbitration import create_app

app = create_app()
