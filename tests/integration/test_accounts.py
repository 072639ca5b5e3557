"""Creating and editing accounts: roles, merchant membership, password rules, the event log."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from arbitration.audit.services import events_of
from arbitration.auth import services as accounts
from arbitration.auth.models import Role, User
from arbitration.errors import Conflict, InvalidInput, NotAllowed


def _count(session):
    return session.scalar(sa.select(sa.func.count()).select_from(User))


def test_merchant_staff_are_created_inside_their_merchant_and_the_creation_is_logged(session, personas):
    admin = personas["admin"]
    user = accounts.create_user(admin, username="Shop2", display_name="店员二", role=Role.merchant_staff,
                                password="long-enough-pass", merchant_id=personas["merchant"].merchant_id)
    assert user.username == "shop2"
    assert user.password_hash.startswith("$argon2id$")
    assert [e.action for e in events_of("user", user.id)] == ["user.created"]


@pytest.mark.parametrize("kwargs, error", [
    ({"role": Role.merchant_staff}, InvalidInput),                          # staff without a merchant
    ({"role": Role.buyer, "merchant_id": "merchant"}, InvalidInput),       # a buyer inside a merchant
    ({"role": Role.buyer, "password": "short"}, InvalidInput),
    ({"role": Role.buyer, "username": "buyer"}, Conflict),                 # taken
])
def test_invalid_accounts_are_refused_and_nothing_is_created(session, personas, kwargs, error):
    before = _count(session)
    args = {"username": "newbie", "display_name": "新人", "password": "long-enough-pass", **kwargs}
    if args.get("merchant_id") == "merchant":
        args["merchant_id"] = personas["merchant"].merchant_id
    with pytest.raises(error):
        accounts.create_user(personas["admin"], **args)
    assert _count(session) == before


def test_disabling_a_user_signs_them_out_everywhere(session, personas):
    buyer = personas["buyer"]
    nonce = buyer.session_nonce
    accounts.update_user(personas["admin"], buyer, display_name=buyer.display_name, role=buyer.role, email=None,
                         merchant_id=None, active=False)
    assert buyer.active is False and buyer.session_nonce != nonce
    assert accounts.load_user(f"{buyer.id}:{nonce}") is None


def test_an_admin_cannot_disable_themselves(session, personas):
    admin = personas["admin"]
    with pytest.raises(NotAllowed):
        accounts.update_user(admin, admin, display_name="x", role=admin.role, email=None, merchant_id=None,
                             active=False)
