"""Translated words for oversight pages."""
from flask_babel import lazy_gettext as _l

from arbitration.audit import events

EXPORT_STATE_LABELS = {"queued": _l("queued"), "running": _l("running"), "done": _l("done"),
                       "failed": _l("failed"), "cancelled": _l("cancelled")}

events.declare({
    "export.requested": _l("A bulk export of dossiers was asked for"),
    "export.cancel_requested": _l("The export was asked to stop"),
    "export.cancelled": _l("The export stopped"),
    "export.failed": _l("The export failed"),
    "export.done": _l("The export is ready"),
    "export.downloaded": _l("The export was downloaded"),
    "export.written": _l("An operator wrote an export on the command line"),
    "case.dossier_exported": _l("The case's dossier was exported"),
    "export.unmasked_requested": _l("An export with personal information unmasked was asked for"),
    "case.personal_data_purged": _l("The case's personal information was removed after its retention period"),
})
