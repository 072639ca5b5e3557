"""The audit keys, kept outside the database: ARBITRATION_AUDIT_KEY ("id:hex", several comma-separated, the last
one current) or the file ARBITRATION_AUDIT_KEY_FILE; on the embedded default the file instance/audit_keys, made on
first use. The file's lines: `since ISO-TIME` (when keying began: events older than that may be unkeyed) and
`key ID HEX`, one per key, the last current. Rotation: append a new key line and keep the old ones (their events
keep verifying); docs/VERIFYING.md."""
from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

from flask import current_app

from arbitration import clock
from arbitration.audit.chain import Keys

FILE_NAME = "audit_keys"


class AuditKeyError(Exception):
    pass


def _time(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def _parse_file(text: str) -> tuple[list[tuple[str, bytes]], dt.datetime | None]:
    keys, since = [], None
    for number, line in enumerate(text.splitlines(), 1):
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        try:
            if parts[0] == "since" and len(parts) == 2:
                since = _time(parts[1])
            elif parts[0] == "key" and len(parts) == 3:
                keys.append((parts[1], bytes.fromhex(parts[2])))
            else:
                raise ValueError(line)
        except ValueError as err:
            raise AuditKeyError(f"audit key file line {number}: expected `since ISO-TIME` or `key ID HEX`") from err
    return keys, since


def _default_file(folder: Path) -> Path:
    path = folder / FILE_NAME
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        body = (f"# audit keys (docs/VERIFYING.md): keep this file out of the database and its backups\n"
                f"since {clock.now_utc().isoformat()}\nkey k1 {secrets.token_hex(32)}\n")
        tmp = folder / f".{FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(body)
        try:
            os.link(tmp, path)          # whole or not at all; a process that came first wins
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    return path


def instance_key_file(folder: Path) -> Path:
    """The key file of an instance folder, made (with a new key) when it has none yet."""
    return _default_file(folder)


def load(config) -> tuple[str, Keys]:
    """(the current key id, every key) from the configuration."""
    if config.get("AUDIT_KEY"):
        keys = []
        for item in config["AUDIT_KEY"].split(","):
            key_id, _sep, value = item.strip().partition(":")
            try:
                keys.append((key_id, bytes.fromhex(value)))
            except ValueError as err:
                raise AuditKeyError("ARBITRATION_AUDIT_KEY: use id:hex[,id:hex…]") from err
        since = _time(config["AUDIT_KEYED_SINCE"]) if config.get("AUDIT_KEYED_SINCE") else None
    else:
        path = Path(config.get("AUDIT_KEY_FILE") or _default_file(Path(config["INSTANCE_PATH"])))
        keys, since = _parse_file(path.read_text())
        if config.get("AUDIT_KEYED_SINCE"):
            since = _time(config["AUDIT_KEYED_SINCE"])
    if not keys or any(not k or len(v) < 16 for k, v in keys):
        raise AuditKeyError("an audit key needs an id and at least 16 bytes")
    return keys[-1][0], Keys(dict(keys), since)


def ring() -> tuple[str, Keys]:
    ext = current_app.extensions.setdefault("audit_keys", {})
    settings = ("AUDIT_KEY", "AUDIT_KEY_FILE", "AUDIT_KEYED_SINCE", "INSTANCE_PATH")
    marker = tuple(current_app.config.get(k) for k in settings)
    if ext.get("marker") != marker:
        ext["marker"], ext["ring"] = marker, load(current_app.config)
    return ext["ring"]


def current() -> tuple[str, bytes]:
    key_id, keys = ring()
    return key_id, keys.keys[key_id]
