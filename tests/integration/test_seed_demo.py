"""`flask seed-demo`: merchants of both kinds and a user for every role, once."""
from __future__ import annotations

import sqlalchemy as sa

from arbitration.auth.models import Role, User
from arbitration.merchants.models import Merchant, MerchantKind


def test_seed_demo_creates_a_user_for_every_role_and_prints_their_passwords_once(app, session):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    users = session.scalars(sa.select(User).where(User.username.in_(
        ["buyer2", "agent", "arbitrator2", "supervisor", "regulator", "support"]))).all()
    assert len(users) == 6
    roles = set(session.scalars(sa.select(User.role)))
    assert roles == set(Role)
    kinds = set(session.scalars(sa.select(Merchant.kind).where(Merchant.name.in_(["星辰游戏官方直营店", "飞鱼卡盟"]))))
    assert kinds == {MerchantKind.official, MerchantKind.agent}
    password_line = next(line for line in first.output.splitlines() if line.strip().startswith("arbitrator2"))
    password = password_line.split()[-1]

    from arbitration.orders.models import Order
    from arbitration.orders.rules import OrderState

    for name in ("官方直营店", "飞鱼卡盟"):  # the merchants with staff (here the personas' shops)
        merchant_id = session.scalar(sa.select(Merchant.id).where(Merchant.name == name))
        states = set(session.scalars(sa.select(Order.state).where(Order.merchant_id == merchant_id)))
        assert states == set(OrderState), name

    from arbitration.cases.models import Case
    from arbitration.cases.workflow import CaseState

    assert set(session.scalars(sa.select(Case.state))) == set(CaseState)     # one demo case in each stage
    from arbitration.rulings.models import Ruling

    demo_rulings = session.scalars(sa.select(Ruling)).all()     # the ruled, the reconsidered, the final cases
    assert len(demo_rulings) == 3 and all(r.pdf_state == "ready" and len(r.pdf_sha256) == 64 for r in demo_rulings)
    from arbitration.library.models import PublicDecision

    (public,) = session.scalars(sa.select(PublicDecision)).all()   # the final one is in the public library
    assert public.ruling_id in {r.id for r in demo_rulings} and public.round == 1

    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0 and password not in second.output
    client = app.test_client()
    assert client.post("/login", data={"username": "arbitrator2", "password": password}).status_code == 302
