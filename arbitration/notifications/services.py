"""Telling people: rows in their inbox now, an e-mail by a background job after the commit."""
from __future__ import annotations

import datetime as dt
import json
import smtplib
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from arbitration import clock
from arbitration.auth.models import Role, User
from arbitration.db import db
from arbitration.jobs.queue import job
from arbitration.notifications.models import Notification
from arbitration.notifications.texts import text_of


def merchant_staff(merchant_id: int) -> list[User]:
    return list(db.session.scalars(sa.select(User).where(User.role == Role.merchant_staff,
                                                         User.merchant_id == merchant_id, User.active.is_(True))))


def merchant_staff_of(merchant_ids) -> dict[int, list[User]]:
    """`merchant_staff` of many merchants at once: {merchant id: its active staff}."""
    found: dict[int, list[User]] = {}
    for user in db.session.scalars(sa.select(User).where(User.role == Role.merchant_staff,
                                                         User.merchant_id.in_(sorted(set(merchant_ids))),
                                                         User.active.is_(True))):
        found.setdefault(user.merchant_id, []).append(user)
    return found


def notify(users, kind: str, params: dict, link: str = "", now: dt.datetime | None = None) -> list[Notification]:
    return notify_many([(users, kind, params, link)], now)


def notify_many(notes, now: dt.datetime | None = None) -> list[Notification]:
    """`notify` for many notes at once, (users, kind, params, link) each: one flush."""
    now = now or clock.now_utc()
    made = []
    for users, kind, params, link in notes:
        for user in {u.id: u for u in users if u is not None}.values():
            n = Notification(user_id=user.id, kind=kind, params_json=json.dumps(params, ensure_ascii=False),
                             link=link, created_at=now)
            db.session.add(n)
            made.append(n)
    db.session.flush()
    if current_app.config.get("SMTP_HOST"):
        for n in made:
            send_email.enqueue_after_commit(n.id)
    return made


@job(retries=5, retry_delay=60)
def send_email(notification_id: int) -> None:
    """One e-mail per notification, in the platform's default language; retried by the queue on failure."""
    n = db.session.get(Notification, notification_id)
    if n is None or n.emailed_at is not None:
        return
    user = db.session.get(User, n.user_id)
    if not user or not user.email:
        return
    cfg = current_app.config
    with force_locale(user.locale or cfg["BABEL_DEFAULT_LOCALE"]):
        body = text_of(n)
        subject = _("KaMeng Dispute Resolution")
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = cfg["SMTP_FROM"], user.email, subject
    message.set_content(body + ("\n\n" + cfg.get("PUBLIC_URL", "") + n.link if n.link else ""))
    with smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=20) as smtp:
        if cfg.get("SMTP_STARTTLS"):
            smtp.starttls()
        if cfg.get("SMTP_USER"):
            smtp.login(cfg["SMTP_USER"], cfg["SMTP_PASSWORD"])
        smtp.send_message(message)
    n.emailed_at = clock.now_utc()


def unread_count(user: User) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def inbox(user: User, limit: int = 50) -> list[Notification]:
    return list(db.session.scalars(sa.select(Notification).where(Notification.user_id == user.id)
                                   .order_by(Notification.id.desc()).limit(limit)))


def mark_all_read(user: User, now: dt.datetime | None = None) -> int:
    return db.session.execute(sa.update(Notification).where(Notification.user_id == user.id,
                                                            Notification.read_at.is_(None))
                              .values(read_at=now or clock.now_utc())).rowcount
