"""Account actions: log in (throttled), create, edit, disable, choose a language."""
from __future__ import annotations

import datetime as dt
import math
import secrets

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l

from arbitration import clock
from arbitration.audit.services import record_event
from arbitration.auth import labels  # noqa: F401  (declares the event types recorded here)
from arbitration.auth.models import LoginAttempt, LoginLock, Role, User
from arbitration.auth.rules import ThrottlePolicy, Wait, login_wait, password_problem
from arbitration.db import db, insert_ignore
from arbitration.errors import Conflict, InvalidInput, NotAllowed
from arbitration.merchants.models import Merchant

_hasher = PasswordHasher()  # Argon2id with the library's reviewed defaults
# verifying against a dummy hash keeps an unknown account as slow as a known one
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(user: User | None, password: str) -> bool:
    try:
        ok = _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return ok and user is not None


def _policy() -> ThrottlePolicy:
    cfg = current_app.config
    return ThrottlePolicy(max_per_pair=cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS"],
                          max_per_address=cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"],
                          max_per_account=cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT"],
                          account_interval=dt.timedelta(seconds=cfg["LOGIN_ACCOUNT_SLOWDOWN_SECONDS"]),
                          window=dt.timedelta(minutes=cfg["LOGIN_THROTTLE_MINUTES"]))


def _wait_message(wait: Wait, now: dt.datetime):
    seconds = (wait.until - now).total_seconds()
    if not wait.locked:
        return _l("This account has had many failed logins: try again in %(seconds)d seconds.",
                  seconds=max(1, math.ceil(seconds)))
    return _l("Too many failed logins. Try again in %(minutes)d minutes.", minutes=max(1, int(seconds // 60) + 1))


def _lock(scope: str, key: str) -> None:
    """Hold the scope's lock row (created on first use) until the transaction ends."""
    session = db.session
    session.execute(insert_ignore(LoginLock.__table__, {"scope": scope, "key": key}))
    session.execute(sa.select(LoginLock.key).where(LoginLock.scope == scope, LoginLock.key == key)
                    .with_for_update())


def _failures(since: dt.datetime, *where) -> list[dt.datetime]:
    return list(db.session.scalars(sa.select(LoginAttempt.at).where(*where, LoginAttempt.at > since)))


def authenticate(username: str, password: str, address: str, now: dt.datetime | None = None) -> User:
    """The user, or an InvalidInput/NotAllowed with a message; each failure is recorded for throttling.

    The account's and the address's lock rows are held from before the failures are counted until the
    request's transaction ends, so simultaneous guesses are decided one after another: no more passwords are
    checked than the policy allows. Always the account first, then the address: one order, no deadlock."""
    now = now or clock.now_utc()
    username = (username or "").strip().lower()[:40]
    address = (address or "unknown")[:64]
    policy = _policy()
    session = db.session
    _lock("account", username)
    _lock("address", address)
    since = now - policy.window
    wait = login_wait(pair=_failures(since, LoginAttempt.username == username, LoginAttempt.address == address),
                      address=_failures(since, LoginAttempt.address == address),
                      account=_failures(since, LoginAttempt.username == username), policy=policy, now=now)
    if wait is not None:
        raise NotAllowed(_wait_message(wait, now))
    user = session.scalar(sa.select(User).where(User.username == username))
    if not check_password(user, password):
        session.add(LoginAttempt(username=username, address=address, at=now))
        session.flush()
        raise InvalidInput(_l("Wrong user name or password."))
    if not user.active:
        raise NotAllowed(_l("This account is disabled. Contact the platform's administrator."))
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now
    # this address knows the password: its own failures go; others' failures at the account stay counted
    session.execute(sa.delete(LoginAttempt).where(LoginAttempt.username == username,
                                                  LoginAttempt.address == address))
    record_event("user", user.id, user, "user.logged_in", {"address": address}, now=now)
    return user


def logout(user: User, now: dt.datetime | None = None) -> None:
    user.session_nonce = secrets.token_hex(16)
    record_event("user", user.id, user, "user.logged_out", {}, now=now)
    db.session.flush()


def load_user(user_id_and_nonce: str) -> User | None:
    user_id, _sep, nonce = (user_id_and_nonce or "").partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not secrets.compare_digest(user.session_nonce, nonce):
        return None
    return user


def _check_password_strength(password: str, username: str) -> None:
    problem = password_problem(password, username)
    if problem == "too_short":
        raise InvalidInput(_l("The password needs at least 10 characters."), field="password")
    if problem == "contains_username":
        raise InvalidInput(_l("The password must not contain the user name."), field="password")
    if problem:
        raise InvalidInput(_l("The password is too simple: use more different characters."), field="password")


def _check_merchant(role: Role, merchant_id: int | None) -> Merchant | None:
    if role == Role.merchant_staff:
        merchant = db.session.get(Merchant, merchant_id) if merchant_id else None
        if merchant is None:
            raise InvalidInput(_l("Merchant staff must belong to a merchant."), field="merchant_id")
        return merchant
    if merchant_id:
        raise InvalidInput(_l("Only merchant staff belong to a merchant."), field="merchant_id")
    return None


def create_user(actor: User | None, *, username: str, display_name: str, role: Role, password: str,
                email: str | None = None, merchant_id: int | None = None, now: dt.datetime | None = None) -> User:
    now = now or clock.now_utc()
    username = username.strip().lower()
    if db.session.scalar(sa.select(User.id).where(User.username == username)) is not None:
        raise Conflict(_l("The user name %(name)s is taken.", name=username), field="username")
    _check_password_strength(password, username)
    _check_merchant(role, merchant_id)
    user = User(username=username, display_name=display_name.strip(), email=(email or None), role=role,
                merchant_id=merchant_id or None, password_hash=hash_password(password), active=True,
                session_nonce=secrets.token_hex(16), created_at=now)
    db.session.add(user)
    db.session.flush()
    record_event("user", user.id, actor, "user.created",
                 {"username": username, "role": role.value, "merchant_id": user.merchant_id}, now=now)
    return user


def update_user(actor: User, user: User, *, display_name: str, role: Role, email: str | None,
                merchant_id: int | None, active: bool, password: str | None = None,
                now: dt.datetime | None = None) -> User:
    if user.id == actor.id and (not active or role != user.role):
        raise NotAllowed(_l("You cannot disable yourself or change your own role."))
    _check_merchant(role, merchant_id)
    changes = {}
    for field, value in (("display_name", display_name.strip()), ("role", role), ("email", email or None),
                         ("merchant_id", merchant_id or None), ("active", active)):
        if getattr(user, field) != value:
            changes[field] = getattr(value, "value", value)
            setattr(user, field, value)
    if password:
        _check_password_strength(password, user.username)
        user.password_hash = hash_password(password)
        changes["password"] = "changed"
    if "password" in changes or "active" in changes or "role" in changes:
        user.session_nonce = secrets.token_hex(16)  # sign the user out everywhere
    db.session.flush()
    if changes:
        record_event("user", user.id, actor, "user.updated", changes, now=now)
    return user


def set_locale(user: User, locale: str) -> None:
    if locale not in current_app.config["LANGUAGES"]:
        raise InvalidInput(_l("Unknown language."))
    user.locale = locale
    db.session.flush()
