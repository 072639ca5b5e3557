"""Parsing the one storage config string: `local:///abs/path` or `s3://bucket/prefix?option=value&...`."""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from arbitration.storage.base import MiB, StorageConfigError, check_prefix

_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")  # S3's rule; OSS, COS (name-appid) and Ceph agree


@dataclass(frozen=True)
class S3Settings:
    bucket: str
    prefix: str = ""  # "" or ends with "/"
    endpoint: str | None = None  # None: AWS itself
    public_endpoint: str | None = None  # host users' browsers reach, for presigned URLs, if not `endpoint`
    region: str | None = None  # None: boto3's usual sources (AWS_DEFAULT_REGION, profile)
    profile: str | None = None
    addressing: str = "auto"  # path (MinIO, Ceph) | virtual (Aliyun OSS, Tencent COS, AWS) | auto
    sse: str | None = None  # AES256 | aws:kms
    kms_key_id: str | None = None
    object_lock_days: int | None = None  # default retention of each new object; needs a lock-enabled bucket
    object_lock_mode: str = "GOVERNANCE"
    part_size: int = 8 * MiB
    concurrency: int = 2  # parts in flight: memory is (concurrency + 1) × part_size; see docs/BENCHMARKS.md
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    retries: int = 2
    # Checksums botocore adds by default (since 1.36) break several S3-compatible stores; we send
    # Content-MD5 ourselves, which all of them check. `when_supported` restores botocore's default.
    checksums: str = "when_required"


_CHOICES = {"addressing": ("auto", "path", "virtual"), "sse": ("AES256", "aws:kms"),
            "object_lock_mode": ("GOVERNANCE", "COMPLIANCE"), "checksums": ("when_required", "when_supported")}
_STRINGS = ("endpoint", "public_endpoint", "region", "profile", "kms_key_id") + tuple(_CHOICES)


def parse_local(url: str) -> str:
    """The folder of `local:///abs/path`. The rest of the string is the path as written (not URL-decoded)."""
    path = url[len("local://"):]
    if not path.startswith("/"):
        raise StorageConfigError(f"local storage needs an absolute path, as local:///srv/evidence (got {url!r})")
    return path


def parse_s3(url: str) -> S3Settings:
    parts = urlsplit(url)
    if not parts.netloc:
        raise StorageConfigError(f"S3 storage needs a bucket, as s3://bucket/prefix (got {url!r})")
    if not _BUCKET.fullmatch(parts.netloc):
        raise StorageConfigError(f"not a valid bucket name: {parts.netloc!r}")
    prefix = parts.path.strip("/")
    try:
        check_prefix(prefix)
    except ValueError as exc:
        raise StorageConfigError(f"not a valid key prefix: {prefix!r}") from exc
    try:
        query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query))
    except ValueError as exc:
        raise StorageConfigError(f"cannot read the options of {url!r}") from exc
    options: dict = {"bucket": parts.netloc, "prefix": prefix + "/" if prefix else ""}
    for name, values in query.items():
        if len(values) != 1:
            raise StorageConfigError(f"storage option {name!r} is given {len(values)} times")
        options.update(_option(name, values[0]))
    settings = S3Settings(**options)
    if settings.kms_key_id and settings.sse != "aws:kms":
        raise StorageConfigError("kms_key_id needs sse=aws:kms")
    return settings


def _option(name: str, value: str) -> dict:
    if name in _CHOICES and value not in _CHOICES[name]:
        raise StorageConfigError(f"storage option {name} must be one of {', '.join(_CHOICES[name])}")
    if name in ("endpoint", "public_endpoint") and not re.fullmatch(r"https?://[^/?#\s]+/?", value):
        raise StorageConfigError(f"storage option {name} must be an http(s) URL without a path (got {value!r})")
    if name in _STRINGS:
        if not value:
            raise StorageConfigError(f"storage option {name} is empty")
        return {name: value.rstrip("/")}
    if name == "object_lock_days":
        return {name: _number(name, value, int, 1, 36500)}
    if name == "part_size_mb":  # S3 refuses parts under 5 MiB (but the last); 5 GiB is its maximum
        return {"part_size": _number(name, value, int, 5, 5120) * MiB}
    if name in ("connect_timeout", "read_timeout"):
        return {name: _number(name, value, float, 0.1, 3600)}
    if name == "concurrency":
        return {name: _number(name, value, int, 1, 16)}
    if name == "retries":
        return {name: _number(name, value, int, 0, 10)}
    raise StorageConfigError(f"unknown storage option {name!r}")


def _number(name: str, value: str, kind: type, low: float, high: float):
    try:
        number = kind(value)
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        raise StorageConfigError(f"storage option {name} must be a number from {low} to {high} (got {value!r})")
    return number
