"""Evidence storage behind one small interface, chosen by one URL: `local:///abs/path` or `s3://bucket/prefix?...`."""
from __future__ import annotations

from flask import current_app

from arbitration.storage.base import (Inspector, KeyExists, ObjectMissing, Reader, Store, StorageConfigError,
                                      StoredObject, TooLarge, content_disposition, new_key, safe_content_type)
from arbitration.storage.local import LocalStore
from arbitration.storage.url import parse_local, parse_s3

__all__ = ["open_store", "app_store", "Store", "StoredObject", "Reader", "Inspector", "TooLarge", "ObjectMissing",
           "KeyExists", "StorageConfigError", "content_disposition", "safe_content_type", "new_key"]


def open_store(url: str) -> Store:
    """The store a config string names. No request is made: a bad URL fails here, a dead store at first use."""
    scheme = url.partition("://")[0].lower() if isinstance(url, str) and "://" in url else ""
    if scheme == "local":
        return LocalStore(parse_local(url))
    if scheme == "s3":
        # a written exception to module-level imports: boto3 (tens of MB) loads only on sites that use S3
        from arbitration.storage.s3 import S3Store

        return S3Store(parse_s3(url))
    raise StorageConfigError(f"unknown storage URL {url!r}: use local:///abs/path or s3://bucket/prefix?...")


def app_store() -> Store:
    """The app's store (evidence, ruling documents, exports), opened once per app from STORAGE_URL."""
    app = current_app._get_current_object()
    if "store" not in app.extensions:
        app.extensions["store"] = open_store(app.config["STORAGE_URL"])
    return app.extensions["store"]
