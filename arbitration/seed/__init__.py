"""Demo data for `flask seed-demo`: merchants, one user per role, the calendar. Idempotent."""
from __future__ import annotations

import secrets

import sqlalchemy as sa

from arbitration import clock
from arbitration.auth.models import Role, User
from arbitration.auth.services import create_user, hash_password
from arbitration.calendar.services import seed_from_package
from arbitration.db import db
from arbitration.law.services import load_file as load_law_library
from arbitration.deadlines.services import sweep
from arbitration.evidence.samples import png
from arbitration.evidence.services import add_file
from arbitration.merchants.models import Merchant, MerchantKind
from arbitration.orders.models import OrderRequest
from arbitration.seed.cases import seed_cases
from arbitration.seed.orders import seed_orders

MERCHANTS = [("星辰游戏官方直营店", MerchantKind.official), ("飞鱼卡盟", MerchantKind.agent)]

# (username, display name, role, merchant index)
USERS = [
    ("buyer", "张三（买家）", Role.buyer, None),
    ("buyer2", "李四（买家）", Role.buyer, None),
    ("merchant", "星辰直营店客服", Role.merchant_staff, 0),
    ("agent", "飞鱼卡盟店主", Role.merchant_staff, 1),
    ("support", "平台客服", Role.support, None),
    ("arbitrator", "王仲裁员", Role.arbitrator, None),
    ("arbitrator2", "赵仲裁员", Role.arbitrator, None),
    ("supervisor", "陈主管", Role.supervisor, None),
    ("regulator", "市场监管员", Role.regulator, None),
    ("admin", "系统管理员", Role.admin, None),
]


def seed_demo(reset_passwords: bool = False) -> list[str]:
    now = clock.now_utc()
    session = db.session
    lines: list[str] = []
    added = seed_from_package(now)
    if added:
        lines.append(f"calendar: {added} holidays and make-up working days loaded")
    loaded = load_law_library(now=now)
    if loaded.added or loaded.amended:
        lines.append(f"law library: {loaded.added} provisions added, {loaded.amended} amended")
    merchants = []
    for name, kind in MERCHANTS:
        merchant = session.scalar(sa.select(Merchant).where(Merchant.name == name))
        if merchant is None:
            merchant = Merchant(name=name, kind=kind, active=True, created_at=now)
            session.add(merchant)
            session.flush()
            lines.append(f"merchant: {name} ({kind.value})")
        merchants.append(merchant)
    created = []
    for username, display, role, m in USERS:
        user = session.scalar(sa.select(User).where(User.username == username))
        password = "demo-" + secrets.token_urlsafe(8)
        if user is None:
            create_user(None, username=username, display_name=display, role=role, password=password,
                        merchant_id=merchants[m].id if m is not None else None, now=now)
            created.append((username, role.value, password))
        elif reset_passwords:
            user.password_hash = hash_password(password)
            user.session_nonce = secrets.token_hex(16)
            created.append((username, role.value, password))
    lines += _seed_orders(session)
    if created:
        lines.append("demo users (the passwords are shown only now; `flask seed-demo --reset-passwords` "
                     "makes new ones):")
        lines += [f"  {u:<12} {r:<15} {p}" for u, r, p in created]
    else:
        lines.append("demo data already present (use --reset-passwords to get new demo passwords)")
    session.flush()
    return lines


def _seed_orders(session) -> list[str]:
    buyers = session.scalars(sa.select(User).where(User.role == Role.buyer).order_by(User.id)).all()
    staff = {}
    for user in session.scalars(sa.select(User).where(User.role == Role.merchant_staff).order_by(User.id)):
        staff.setdefault(user.merchant_id, user)
    merchants = [m for m in session.scalars(sa.select(Merchant).order_by(Merchant.id)) if m.id in staff]
    if not buyers or not merchants:
        return []
    lines = seed_orders(buyers, staff, merchants)
    if lines:
        lines += _seed_evidence(session)
        lines += seed_cases(buyers[0], staff[merchants[-1].id], merchants[-1])
        session.flush()
        result = sweep()  # what would have happened by now (unpaid orders closing, ...)
        lines.append(f"deadlines already passed in the demo history: {result.applied} applied")
    return lines


def _seed_evidence(session) -> list[str]:
    """A screenshot and a chat log on each open after-sales request, stored in the configured store."""
    added = 0
    for req in session.scalars(sa.select(OrderRequest).where(OrderRequest.kind == "after_sales",
                                                             OrderRequest.state == "pending")):
        buyer = session.get(User, req.buyer_id)
        add_file(buyer, req, filename="兑换失败截图.png", chunks=[png()], kind="screenshot",
                 description="兑换页面提示：该卡密已被使用")
        add_file(buyer, req, filename="客服聊天记录.txt", kind="chat_log",
                 chunks=["买家：卡密兑换提示已被使用\n客服：请提供截图\n".encode("gb18030")])
        added += 2
    return [f"evidence: {added} files stored"] if added else []
