"""Translated names of the roles."""
from flask_babel import lazy_gettext as _l

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
