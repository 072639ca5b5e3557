"""Translated names of the roles."""
from flask_babel import lazy_gettext as _l

from arbitration.audit import events
from arbitration.auth.models import Role

ROLE_LABELS = {
    Role.buyer: _l("Buyer"),
    Role.merchant_staff: _l("Merchant staff"),
    Role.support: _l("Support"),
    Role.arbitrator: _l("Arbitrator"),
    Role.supervisor: _l("Supervisor"),
    Role.regulator: _l("Regulator"),
    Role.admin: _l("Administrator"),
}

events.declare({
    "user.created": _l("An account was created"),
    "user.updated": _l("An account was changed"),
    "user.logged_in": _l("The user signed in"),
    "user.logged_out": _l("The user signed out"),
})
