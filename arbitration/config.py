"""Configuration from environment variables (each documented in README.md)."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

PREFIX = "ARBITRATION_"


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(PREFIX + name)
    return value if value not in (None, "") else default


def _flag(name: str, default: bool) -> bool:
    value = _env(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _paths(name: str) -> tuple[str, ...]:
    """File paths separated by the system's path separator (":" on Linux)."""
    return tuple(p for p in (_env(name) or "").split(os.pathsep) if p)


def instance_path() -> Path:
    default = Path(__file__).resolve().parent.parent / "instance"
    return Path(_env("INSTANCE_PATH", str(default))).resolve()


def _secret_key(folder: Path) -> str:
    """The configured key, else one generated once and kept in the instance folder."""
    configured = _env("SECRET_KEY")
    if configured:
        return configured
    path = folder / "secret_key"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()


def from_environment() -> dict:
    folder = instance_path()
    folder.mkdir(parents=True, exist_ok=True)
    return {
        "INSTANCE_PATH": str(folder),
        "DATABASE_URL": _env("DATABASE_URL", f"sqlite:///{folder / 'arbitration.db'}"),
        "STORAGE_URL": _env("STORAGE_URL", f"local://{folder / 'evidence'}"),
        "QUEUE_URL": _env("QUEUE_URL", f"sqlite://{folder / 'jobs.db'}"),
        # In the embedded default the web process runs its own job consumer (no cron to set up).
        "EMBEDDED_WORKER": _flag("EMBEDDED_WORKER", _env("QUEUE_URL") is None),
        "SECRET_KEY": _secret_key(folder),
        "DISPLAY_TIMEZONE": _env("TIMEZONE", "Asia/Shanghai"),
        "BABEL_DEFAULT_LOCALE": _env("DEFAULT_LOCALE", "zh"),
        "SESSION_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", False),
        # login throttle (docs/DECISIONS.md): lock an account for one address, lock an address, slow an account
        "LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS": int(_env("LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS", "5")),
        "LOGIN_MAX_FAILURES_PER_ADDRESS": int(_env("LOGIN_MAX_FAILURES_PER_ADDRESS", "20")),
        "LOGIN_MAX_FAILURES_PER_ACCOUNT": int(_env("LOGIN_MAX_FAILURES_PER_ACCOUNT", "20")),
        "LOGIN_ACCOUNT_SLOWDOWN_SECONDS": int(_env("LOGIN_ACCOUNT_SLOWDOWN_SECONDS", "30")),
        "LOGIN_THROTTLE_MINUTES": int(_env("LOGIN_THROTTLE_MINUTES", "15")),
        "TESTING_HOOKS": _flag("TESTING_HOOKS", False),
        # proxies in front of the app that set X-Forwarded-For/-Proto (0: the app faces clients directly)
        "PROXY_HOPS": int(_env("PROXY_HOPS", "0")),
        # evidence limits: per file, per case (or request), files per submission
        "EVIDENCE_MAX_FILE_MB": int(_env("EVIDENCE_MAX_FILE_MB", "200")),
        "EVIDENCE_MAX_CASE_MB": int(_env("EVIDENCE_MAX_CASE_MB", "1024")),
        "EVIDENCE_MAX_FILES": int(_env("EVIDENCE_MAX_FILES", "10")),
        # e-mail (optional): notifications are also sent by e-mail when SMTP_HOST is set
        "SMTP_HOST": _env("SMTP_HOST"),
        "SMTP_PORT": int(_env("SMTP_PORT", "25")),
        "SMTP_USER": _env("SMTP_USER"),
        "SMTP_PASSWORD": _env("SMTP_PASSWORD"),
        "SMTP_STARTTLS": _flag("SMTP_STARTTLS", False),
        "SMTP_FROM": _env("SMTP_FROM", "noreply@localhost"),
        "PUBLIC_URL": _env("PUBLIC_URL", "http://127.0.0.1:5000"),
        # processes rendering dossiers in a bulk export (0: one per core)
        "EXPORT_PROCESSES": int(_env("EXPORT_PROCESSES", "0")),
        # the platform's name at the head of every ruling (争议处理决定书)
        "PLATFORM_NAME": _env("PLATFORM_NAME", "卡盟争议仲裁平台"),
        # risk control: lock an order after N orders within M minutes, or K account switches in a day
        "RISK_ORDERS": int(_env("RISK_ORDERS", "5")),
        "RISK_WITHIN_MINUTES": int(_env("RISK_WITHIN_MINUTES", "10")),
        "RISK_ACCOUNT_SWITCHES": int(_env("RISK_ACCOUNT_SWITCHES", "3")),
        # the platform API: requests per minute per client (an admin may set another figure per client), and
        # where the counts live (Redis, shared by every app process; default: the queue's Redis if it has one)
        "API_RATE_LIMIT": int(_env("API_RATE_LIMIT", "600")),
        "RATE_LIMIT_URL": _env("RATE_LIMIT_URL", _env("QUEUE_URL") if (_env("QUEUE_URL") or "").startswith(
            ("redis://", "rediss://")) else None),
        # outbound webhooks: attempts before a delivery is given up (an admin can still replay it)
        "WEBHOOK_MAX_ATTEMPTS": int(_env("WEBHOOK_MAX_ATTEMPTS", "8")),
        "WEBHOOK_TIMEOUT_SECONDS": int(_env("WEBHOOK_TIMEOUT_SECONDS", "10")),
        # development and tests only: webhooks to loopback, private and other internal addresses (never to a
        # cloud metadata service), and over plain http://; production sends to public https:// addresses only
        "WEBHOOK_ALLOW_PRIVATE": _flag("WEBHOOK_ALLOW_PRIVATE", False),
        "WEBHOOK_ALLOW_HTTP": _flag("WEBHOOK_ALLOW_HTTP", False),
        # signed documents (docs/VERIFYING.md): the platform's key and certificate chain as PEM/DER files or a
        # PKCS#12 archive; none set: a development certificate made once in the instance folder
        "SIGNING_KEY": _env("SIGNING_KEY"),
        "SIGNING_CERT": _env("SIGNING_CERT"),
        "SIGNING_CHAIN": _paths("SIGNING_CHAIN"),
        "SIGNING_KEY_PASSWORD": _env("SIGNING_KEY_PASSWORD"),
        "SIGNING_PKCS12": _env("SIGNING_PKCS12"),
        "SIGNING_PKCS12_PASSWORD": _env("SIGNING_PKCS12_PASSWORD"),
        # or a key in a hardware security module (PKCS#11): the module, the token's label, the user PIN (from the
        # environment or a file), the labels of the key and of its certificate on the token (the cert's defaults
        # to the key's); SIGNING_CHAIN adds the intermediate certificates
        "SIGNING_PKCS11_MODULE": _env("SIGNING_PKCS11_MODULE"),
        "SIGNING_PKCS11_TOKEN": _env("SIGNING_PKCS11_TOKEN"),
        "SIGNING_PKCS11_PIN": _env("SIGNING_PKCS11_PIN"),
        "SIGNING_PKCS11_PIN_FILE": _env("SIGNING_PKCS11_PIN_FILE"),
        "SIGNING_PKCS11_KEY": _env("SIGNING_PKCS11_KEY"),
        "SIGNING_PKCS11_CERT": _env("SIGNING_PKCS11_CERT"),
        # certificates whose signatures still count as the platform's (the keys before a rotation)
        "SIGNING_TRUST": _paths("SIGNING_TRUST"),
        # trusted time: an RFC 3161 time stamping authority (none: documents are signed without a timestamp and
        # say so), its optional HTTP basic credentials, and its root certificate(s) for verifying
        "TSA_URL": _env("TSA_URL"),
        "TSA_USERNAME": _env("TSA_USERNAME"),
        "TSA_PASSWORD": _env("TSA_PASSWORD"),
        "TSA_CA": _paths("TSA_CA"),
        # the event log's HMAC keys, outside the database (docs/VERIFYING.md): "id:hex,…" (the last current) and
        # when keying began, or a key file; none set: instance/audit_keys, made on first use
        "AUDIT_KEY": _env("AUDIT_KEY"),
        "AUDIT_KEYED_SINCE": _env("AUDIT_KEYED_SINCE"),
        "AUDIT_KEY_FILE": _env("AUDIT_KEY_FILE"),
    }


DEFAULTS = {
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "arb_session",
    "PERMANENT_SESSION_LIFETIME": 8 * 3600,
    "WTF_CSRF_TIME_LIMIT": 4 * 3600,
    "MAX_CONTENT_LENGTH": 1024 * 1024,  # forms; the evidence upload raises its own limit per request
    "LANGUAGES": {"zh": "中文", "en": "English"},
    "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).resolve().parent.parent / "translations"),
    "SWEEP_BATCH_SIZE": 200,
}
