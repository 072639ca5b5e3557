"""Translated words for oversight pages."""
from flask_babel import lazy_gettext as _l

EXPORT_STATE_LABELS = {"queued": _l("queued"), "running": _l("running"), "done": _l("done"),
                       "failed": _l("failed"), "cancelled": _l("cancelled")}
