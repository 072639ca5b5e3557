"""The local-folder backend: one file per key, written to a temp file then linked into place."""
from __future__ import annotations

import contextlib
import datetime as dt
import errno
import logging
import os
import tempfile
from pathlib import Path
from typing import Iterator

from arbitration.storage.base import (Accept, Inspector, KeyExists, Meter, ObjectMissing, Reader, Source, Store,
                                      StoredObject, check_aware, check_key, check_prefix, check_span, is_key,
                                      unavailable)

log = logging.getLogger(__name__)

TEMP_PREFIX = ".incoming-"  # never a key: keys cannot start with a dot
FILE_MODE = 0o440  # evidence is not edited in place; read-only says so to anyone on the host


@contextlib.contextmanager
def _os_errors(action: str, key: str, *, reading: bool = False):
    try:
        yield
    except FileNotFoundError as exc:
        if not reading:
            log.warning("local storage: %s %s failed: %s", action, key, exc)
            raise unavailable() from exc
        raise ObjectMissing(key) from exc
    except OSError as exc:
        log.warning("local storage: %s %s failed: %s", action, key, exc)
        raise unavailable() from exc


class LocalStore(Store):
    scheme = "local"

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root)
        if not self.root.is_absolute():
            raise ValueError("the local store needs an absolute path")

    def __repr__(self) -> str:
        return f"LocalStore({str(self.root)!r})"

    def _path(self, key: str) -> Path:
        path = self.root / check_key(key)
        # The key's shape already rules out escaping the root; this also catches a symlinked folder.
        if not path.resolve().is_relative_to(self.root.resolve()):
            raise ValueError(f"storage key escapes the store: {key!r}")
        return path

    def put_stream(self, key: str, source: Source, *, max_bytes: int,
                   content_type: str = "application/octet-stream", inspector: Inspector | None = None,
                   retain_until: dt.datetime | None = None, accept: Accept | None = None) -> StoredObject:
        check_aware(retain_until)
        meter = Meter(max_bytes, inspector, accept=accept)
        with _os_errors("prepare", key):
            path = self._path(key)
            if path.exists():
                raise KeyExists(key)
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=path.parent)
        out = os.fdopen(fd, "wb")
        try:
            for chunk in meter.chunks(source):  # errors from the source or the inspector pass through as they are
                with _os_errors("write", key):
                    out.write(chunk)
            with _os_errors("write", key):
                out.flush()
                os.fsync(out.fileno())
                out.close()
            with _os_errors("commit", key):
                os.chmod(tmp_name, FILE_MODE)
                _link_no_clobber(tmp_name, path, key)
                _fsync_dir(path.parent)
        finally:
            with contextlib.suppress(OSError):  # never hide the error that brought us here
                out.close()
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_name)
        return StoredObject(key=key, size=meter.size, sha256=meter.sha256)

    def open_read(self, key: str, offset: int = 0, length: int | None = None) -> Reader:
        check_span(offset, length)
        with _os_errors("open", key, reading=True):
            raw = open(self._path(key), "rb")
            try:
                raw.seek(offset)
            except BaseException:
                raw.close()
                raise
        return Reader(raw, lambda: _os_errors("read", key, reading=True), length)

    def exists(self, key: str) -> bool:
        with _os_errors("stat", key):
            return self._path(key).is_file()

    def size(self, key: str) -> int:
        with _os_errors("stat", key, reading=True):
            return self._path(key).stat().st_size

    def delete(self, key: str) -> None:
        with _os_errors("delete", key), contextlib.suppress(FileNotFoundError):
            self._path(key).unlink()

    def iter_keys(self, prefix: str = "", older_than: dt.datetime | None = None) -> Iterator[str]:
        check_prefix(prefix)
        cutoff = check_aware(older_than).timestamp() if older_than else None
        start = self.root / prefix.rpartition("/")[0]  # walk only the folder the prefix names
        with _os_errors("list", prefix):
            for folder, dirs, files in os.walk(start):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith("."):
                        continue
                    path = Path(folder, name)
                    key = path.relative_to(self.root).as_posix()
                    if not key.startswith(prefix) or not is_key(key):  # only what we write
                        continue
                    try:
                        mtime = path.stat().st_mtime
                    except FileNotFoundError:  # deleted while we walked
                        continue
                    if cutoff is None or mtime < cutoff:
                        yield key

    def abort_incomplete(self, older_than: dt.datetime) -> int:
        cutoff = check_aware(older_than).timestamp()
        removed = 0
        with _os_errors("clean", TEMP_PREFIX):
            for folder, _dirs, files in os.walk(self.root):
                for name in files:
                    if not name.startswith(TEMP_PREFIX):
                        continue
                    path = Path(folder, name)
                    with contextlib.suppress(FileNotFoundError):  # finished (or removed) while we looked
                        if path.stat().st_mtime < cutoff:
                            path.unlink()
                            removed += 1
        return removed


def _link_no_clobber(tmp_name: str, path: Path, key: str) -> None:
    """Atomically publish the finished file, refusing an existing key (a link fails where rename would replace)."""
    try:
        os.link(tmp_name, path)
    except FileExistsError as exc:
        raise KeyExists(key) from exc
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        # Some filesystems (FAT, some network shares) have no hard links: rename instead. Keys are fresh
        # random names, so the window between the check and the rename is not a real risk.
        if path.exists():
            raise KeyExists(key) from exc
        os.replace(tmp_name, path)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
