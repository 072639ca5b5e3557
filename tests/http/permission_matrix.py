"""Who may use which endpoint: one row per endpoint in app.url_map. A new route without a row
fails tests/http/test_permission_matrix.py. Later features add their rows here."""
from __future__ import annotations

ROLES = ("buyer", "merchant_staff", "support", "arbitrator", "supervisor", "regulator", "admin")
EVERYONE = frozenset(ROLES) | {"anonymous"}
SIGNED_IN = frozenset(ROLES)
ADMIN = frozenset({"admin"})
CALENDAR_READERS = frozenset({"admin", "supervisor", "arbitrator", "support"})


def _user(p):
    return {"user_id": p["buyer"].id}


# endpoints whose allowed use ends on the login page (so "sent to login" is no refusal there)
ENDS_AT_LOGIN = {"auth.logout"}

# endpoint: (method, url arguments (a function of the personas, or None), form data, who may use it)
MATRIX = {
    "static": ("GET", lambda p: {"filename": "css/app.css"}, None, EVERYONE),
    "auth.login": ("GET", None, None, EVERYONE),
    "auth.logout": ("POST", None, {}, SIGNED_IN),
    "auth.language": ("POST", None, {"lang": "en"}, EVERYONE),
    "home.index": ("GET", None, None, SIGNED_IN),
    "admin.users": ("GET", None, None, ADMIN),
    "admin.create_user": ("GET", None, None, ADMIN),
    "admin.edit_user": ("GET", _user, None, ADMIN),
    "admin.calendar_page": ("GET", None, None, CALENDAR_READERS),
    "admin.add_calendar_day": ("POST", None, {"day": "2027-01-01", "kind": "holiday", "name": "元旦"}, ADMIN),
    "admin.remove_calendar_day": ("POST", None, {"day": "2027-01-01"}, ADMIN),
    "admin.mark_calendar_year": ("POST", None, {"year": "2027"}, ADMIN),
}
