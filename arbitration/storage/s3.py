"""The S3 backend (AWS, MinIO, Ceph RGW, Aliyun OSS, Tencent COS) through boto3: multipart streaming uploads."""
from __future__ import annotations

import contextlib
import datetime as dt
import io
import logging
import threading
from typing import Iterator

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from flask_babel import lazy_gettext as _l

from arbitration import clock
from arbitration.errors import StorageError
from arbitration.storage.base import (Accept, Inspector, KeyExists, Meter, ObjectMissing, Reader, Source, Store,
                                      StoredObject, check_aware, check_key, check_prefix, check_span,
                                      content_disposition, is_key, safe_content_type, unavailable)
from arbitration.storage.multipart import PartWriter, content_md5
from arbitration.storage.url import S3Settings

log = logging.getLogger(__name__)

_MISSING = ("404", "NoSuchKey", "NotFound")
_NO_LOCK = ("ObjectLockConfigurationNotFoundError", "NotImplemented", "MethodNotAllowed", "InvalidRequest")
MAX_PRESIGN_SECONDS = 7 * 24 * 3600  # SigV4's limit


@contextlib.contextmanager
def _s3_errors(action: str, key: str, *, reading: bool = False):
    try:
        yield
    except ClientError as exc:
        if reading and exc.response.get("Error", {}).get("Code") in _MISSING:
            raise ObjectMissing(key) from exc
        log.warning("s3 storage: %s %s failed: %s", action, key, exc)
        raise unavailable() from exc
    except BotoCoreError as exc:  # connection refused, timeouts, bad credentials...
        log.warning("s3 storage: %s %s failed: %s", action, key, exc)
        raise unavailable() from exc


def _client(settings: S3Settings, endpoint: str | None):
    config = Config(
        signature_version="s3v4",
        s3={"addressing_style": settings.addressing},
        connect_timeout=settings.connect_timeout,
        read_timeout=settings.read_timeout,
        retries={"total_max_attempts": settings.retries + 1, "mode": "standard"},
        request_checksum_calculation=settings.checksums,
        response_checksum_validation=settings.checksums,
        max_pool_connections=max(10, settings.concurrency + 2),  # part threads must not wait for a connection
    )
    session = boto3.session.Session(profile_name=settings.profile)
    return session.client("s3", endpoint_url=endpoint, region_name=settings.region, config=config)


class S3Store(Store):
    scheme = "s3"

    def __init__(self, settings: S3Settings) -> None:
        self.settings = settings
        self.bucket = settings.bucket
        self.prefix = settings.prefix
        self.part_size = settings.part_size
        self.client = _client(settings, settings.endpoint)
        self._presigner = (_client(settings, settings.public_endpoint) if settings.public_endpoint
                           else self.client)
        # Opted in (checksums=when_supported: AWS, recent MinIO): a CRC32 per part, checked by the store, as
        # boto3's own uploads do. Off by default: older S3-compatible stores refuse these headers.
        self._checksum = {"ChecksumAlgorithm": "CRC32"} if settings.checksums == "when_supported" else {}
        self._lock_enabled: bool | None = None
        self._lock_guard = threading.Lock()

    def __repr__(self) -> str:
        return f"S3Store(bucket={self.bucket!r}, prefix={self.prefix!r}, endpoint={self.settings.endpoint!r})"

    def _name(self, key: str) -> str:
        return self.prefix + check_key(key)

    # -- writing --------------------------------------------------------------------------------------

    def put_stream(self, key: str, source: Source, *, max_bytes: int,
                   content_type: str = "application/octet-stream", inspector: Inspector | None = None,
                   retain_until: dt.datetime | None = None, accept: Accept | None = None) -> StoredObject:
        name = self._name(key)
        meter = Meter(max_bytes, inspector, accept=accept)
        args = {"ContentType": safe_content_type(content_type), **self._encryption_args()}
        lock = self._lock_args(check_aware(retain_until))
        args.update(lock)
        with _s3_errors("check", key):
            # A policy without s3:ListBucket answers 403 for a missing key: then we cannot tell, and go on
            # (keys are fresh random names; this check only guards against a bug reusing one).
            if self._head(name, forbidden_is_missing=True) is not None:
                raise KeyExists(key)
        upload_id = None

        def open_upload():  # called by the writer once a second part is needed
            nonlocal upload_id
            with _s3_errors("start upload", key):
                upload_id = self.client.create_multipart_upload(Bucket=self.bucket, Key=name, **args,
                                                                **self._checksum)["UploadId"]

            def send_part(number: int, body: bytearray) -> dict:
                with _s3_errors("upload part", key):
                    sent = self.client.upload_part(Bucket=self.bucket, Key=name, UploadId=upload_id, PartNumber=number,
                                                   Body=body, **self._md5_arg(body, lock), **self._checksum)
                return {"ETag": sent["ETag"], **({"ChecksumCRC32": sent["ChecksumCRC32"]} if self._checksum else {})}
            return send_part

        writer = PartWriter(self.part_size, self.settings.concurrency, open_upload)
        try:
            # Errors from the source or the inspector pass through as they are; the backend's become StorageError.
            for chunk in meter.chunks(source):
                writer.write(chunk)
            if not writer.started:  # small enough for one request
                body = writer.single_body()
                with _s3_errors("put", key):
                    self.client.put_object(Bucket=self.bucket, Key=name, Body=body, **self._md5_arg(body, lock),
                                           **args, **self._checksum)
            else:
                etags = writer.finish()
                with _s3_errors("complete upload", key):
                    self.client.complete_multipart_upload(Bucket=self.bucket, Key=name, UploadId=upload_id,
                                                          MultipartUpload={"Parts": etags})
                if lock:
                    self._ensure_retention(key, name, lock)
        except BaseException:
            writer.close()
            if upload_id is not None:
                self._abort(name, upload_id)
            raise
        return StoredObject(key=key, size=meter.size, sha256=meter.sha256,
                            retained_until=lock.get("ObjectLockRetainUntilDate"))

    def _ensure_retention(self, key: str, name: str, lock: dict) -> None:
        """Some S3-compatible stores (moto among them) ignore lock headers on multipart uploads: check, and lock
        the finished object if they did. S3 itself applies them, and the check is one HEAD request."""
        with _s3_errors("retain", key):
            if "ObjectLockRetainUntilDate" not in self.client.head_object(Bucket=self.bucket, Key=name):
                self.client.put_object_retention(Bucket=self.bucket, Key=name, Retention={
                    "Mode": lock["ObjectLockMode"], "RetainUntilDate": lock["ObjectLockRetainUntilDate"]})

    @staticmethod
    def _md5_arg(body: bytearray, lock: dict) -> dict:
        # S3 demands a checksum with object-lock parameters. Otherwise the SigV4 payload hash (plain HTTP) or
        # TLS (HTTPS) already protects the bytes in transit, so we spare the extra pass over them.
        return {"ContentMD5": content_md5(body)} if lock else {}

    def _abort(self, name: str, upload_id: str) -> None:
        """Best effort: a failed abort is logged, and the upload is left to abort_incomplete (or a lifecycle rule)."""
        try:
            self.client.abort_multipart_upload(Bucket=self.bucket, Key=name, UploadId=upload_id)
        except (BotoCoreError, ClientError) as exc:
            log.error("s3 storage: could not abort multipart upload %s of %s: %s", upload_id, name, exc)

    def _encryption_args(self) -> dict:
        args = {}
        if self.settings.sse:
            args["ServerSideEncryption"] = self.settings.sse
        if self.settings.kms_key_id:
            args["SSEKMSKeyId"] = self.settings.kms_key_id
        return args

    def _lock_args(self, retain_until: dt.datetime | None) -> dict:
        """Lock new objects when asked (or configured) and the bucket can; configured but impossible is an error."""
        days = self.settings.object_lock_days
        if retain_until is None and days is None:
            return {}
        if not self.object_lock_enabled():
            if days is None:
                return {}  # the caller locks where the store can: this one cannot
            log.error("s3 storage: object_lock_days is set but bucket %s has no object lock", self.bucket)
            raise StorageError(_l("The file store is misconfigured: object lock is not enabled on the bucket."))
        if retain_until is None:
            retain_until = clock.now_utc() + dt.timedelta(days=days)
        return {"ObjectLockMode": self.settings.object_lock_mode, "ObjectLockRetainUntilDate": retain_until}

    def object_lock_enabled(self) -> bool:
        """Whether the bucket has object lock (asked once per process)."""
        with self._lock_guard:
            if self._lock_enabled is None:
                with _s3_errors("lock configuration", self.bucket):
                    try:
                        config = self.client.get_object_lock_configuration(Bucket=self.bucket)
                    except ClientError as exc:
                        code = exc.response.get("Error", {}).get("Code")
                        if code == "AccessDenied":  # a tight IAM policy must not stop every upload
                            log.warning("s3 storage: may not read the object lock configuration of %s; "
                                        "writing without retention", self.bucket)
                        elif code not in _NO_LOCK:
                            raise
                        config = {}  # no lock configured, or a store without the API
                self._lock_enabled = config.get("ObjectLockConfiguration", {}).get("ObjectLockEnabled") == "Enabled"
            return self._lock_enabled

    def retain(self, key: str, until: dt.datetime) -> bool:
        check_aware(until)
        if not self.object_lock_enabled():
            return False
        with _s3_errors("retain", key):
            self.client.put_object_retention(Bucket=self.bucket, Key=self._name(key),
                                             Retention={"Mode": self.settings.object_lock_mode,
                                                        "RetainUntilDate": until})
        return True

    # -- reading --------------------------------------------------------------------------------------

    def _head(self, name: str, *, forbidden_is_missing: bool = False) -> dict | None:
        try:
            return self.client.head_object(Bucket=self.bucket, Key=name)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code")
            if code in _MISSING or (forbidden_is_missing and code in ("403", "AccessDenied", "Forbidden")):
                return None
            raise

    def open_read(self, key: str, offset: int = 0, length: int | None = None) -> Reader:
        check_span(offset, length)
        if length == 0:
            return Reader(io.BytesIO(), contextlib.nullcontext)
        ranged = {}
        if offset or length is not None:   # asked of the store: only these bytes travel
            ranged["Range"] = f"bytes={offset}-{'' if length is None else offset + length - 1}"
        with _s3_errors("open", key, reading=True):
            body = self.client.get_object(Bucket=self.bucket, Key=self._name(key), **ranged)["Body"]
        return Reader(body, lambda: _s3_errors("read", key, reading=True), length)

    def exists(self, key: str) -> bool:
        with _s3_errors("head", key):
            return self._head(self._name(key)) is not None

    def size(self, key: str) -> int:
        with _s3_errors("head", key, reading=True):
            head = self._head(self._name(key))
        if head is None:
            raise ObjectMissing(key)
        return head["ContentLength"]

    def presigned_url(self, key: str, *, filename: str, content_type: str,
                      expires_seconds: int = 300) -> str | None:
        if not 1 <= expires_seconds <= MAX_PRESIGN_SECONDS:
            raise ValueError(f"expires_seconds must be from 1 to {MAX_PRESIGN_SECONDS}")
        params = {"Bucket": self.bucket, "Key": self._name(key),
                  "ResponseContentDisposition": content_disposition(filename),
                  "ResponseContentType": safe_content_type(content_type)}
        with _s3_errors("presign", key):  # local signing: no request is made
            return self._presigner.generate_presigned_url("get_object", Params=params, ExpiresIn=expires_seconds)

    # -- listing and cleanup --------------------------------------------------------------------------

    def delete(self, key: str) -> None:
        # On a versioned (lock-enabled) bucket this adds a delete marker: locked versions stay until they expire.
        with _s3_errors("delete", key):
            self.client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def iter_keys(self, prefix: str = "", older_than: dt.datetime | None = None) -> Iterator[str]:
        check_prefix(prefix)
        check_aware(older_than)
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix + prefix)
        with _s3_errors("list", prefix):
            for page in pages:
                for item in page.get("Contents", ()):
                    key = item["Key"][len(self.prefix):]
                    # Skip what we never write, e.g. the "folder/" markers some consoles (OSS, COS) create.
                    if is_key(key) and (older_than is None or item["LastModified"] < older_than):
                        yield key

    def abort_incomplete(self, older_than: dt.datetime) -> int:
        check_aware(older_than)
        aborted = 0
        pages = self.client.get_paginator("list_multipart_uploads").paginate(Bucket=self.bucket, Prefix=self.prefix)
        with _s3_errors("list uploads", self.prefix):
            for page in pages:
                for upload in page.get("Uploads", ()):
                    if upload["Initiated"] < older_than:
                        self.client.abort_multipart_upload(Bucket=self.bucket, Key=upload["Key"],
                                                           UploadId=upload["UploadId"])
                        aborted += 1
        return aborted
