"""Both storage backends pass one suite: a local folder, and S3 spoken over real HTTP to moto in server mode."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import random
import resource
import signal
import time
import urllib.request
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from werkzeug.exceptions import ClientDisconnected

from arbitration import clock
from arbitration.errors import InvalidInput, StorageError
from arbitration.evidence.sniff import ContentInspector, Refused
from arbitration.storage import KeyExists, ObjectMissing, StorageConfigError, TooLarge, open_store
from arbitration.storage.base import unavailable
from arbitration.storage.local import TEMP_PREFIX
from arbitration.storage.multipart import PartWriter
from tests.integration.s3server import DUMMY_CREDENTIALS, Relay, ThreadServer, free_port

MiB = 1024 * 1024
UTC = dt.timezone.utc


# -- fixtures ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def s3_server():
    server = ThreadServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def s3_admin(s3_server):
    """A plain boto3 client on the same server: the bucket seen from outside the store, for setup and checks."""
    import boto3

    return boto3.client("s3", endpoint_url=s3_server.endpoint, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


@pytest.fixture
def aws_env(monkeypatch, tmp_path):
    """Dummy credentials, and no developer's ~/.aws leaking into the tests."""
    for name, value in DUMMY_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture
def make_s3_store(s3_server, s3_admin, aws_env, request):
    """An S3 store on a fresh bucket; the bucket is emptied afterwards (moto keeps objects in memory)."""

    def make(*, endpoint: str | None = None, lock: bool = False, **options):
        bucket = f"t-{uuid.uuid4().hex[:16]}"
        options = {"endpoint": endpoint or s3_server.endpoint, "addressing": "path", "region": "us-east-1", **options}
        query = "&".join(f"{name}={value}" for name, value in options.items())
        store = open_store(f"s3://{bucket}/evidence?{query}")
        s3_admin.create_bucket(Bucket=bucket, **({"ObjectLockEnabledForBucket": True} if lock else {}))
        if not lock:  # locked objects cannot be deleted: those few bytes stay until the server stops
            request.addfinalizer(lambda: _empty(s3_admin, bucket))
        store.admin = s3_admin
        return store

    return make


def _empty(client, bucket: str) -> None:
    for upload in client.list_multipart_uploads(Bucket=bucket).get("Uploads", ()):
        client.abort_multipart_upload(Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"])
    for item in client.list_objects_v2(Bucket=bucket).get("Contents", ()):
        client.delete_object(Bucket=bucket, Key=item["Key"])
    client.delete_bucket(Bucket=bucket)


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path):
    if request.param == "local":
        return open_store(f"local://{tmp_path}/evidence")
    return request.getfixturevalue("make_s3_store")()


# -- helpers -------------------------------------------------------------------------------------------------

def random_bytes(n: int, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(n)


def chunks_of(data: bytes, size: int = MiB):
    for start in range(0, len(data), size):
        yield data[start:start + size]


class CountingStream:
    """An endless request body (or one that breaks after `fail_after` bytes), counting what was read."""

    def __init__(self, fail_after: int | None = None, error: Exception | None = None) -> None:
        self.read_bytes = 0
        self.fail_after = fail_after
        self.error = error

    def read(self, size: int = -1) -> bytes:
        if self.fail_after is not None and self.read_bytes >= self.fail_after:
            raise self.error
        size = MiB if size is None or size < 0 else size
        self.read_bytes += size
        return b"\xa5" * size


def leftovers(store) -> list[str]:
    """Everything the store holds, partial writes included: temp files, open multipart uploads."""
    if store.scheme == "local":
        return sorted(os.path.relpath(os.path.join(folder, name), store.root)
                      for folder, _dirs, files in os.walk(store.root) for name in files)
    objects = [item["Key"] for item in store.admin.list_objects_v2(Bucket=store.bucket).get("Contents", ())]
    uploads = [f"upload:{u['Key']}" for u in store.admin.list_multipart_uploads(Bucket=store.bucket).get("Uploads", ())]
    return sorted(objects + uploads)


def now() -> dt.datetime:
    return dt.datetime.now(UTC)


# -- the shared suite ----------------------------------------------------------------------------------------

def test_an_object_round_trips_with_its_sha256_and_size(store):
    data = "买家：卡密无效\n".encode() * 1000
    stored = store.put_stream("cases/1/a", io.BytesIO(data), max_bytes=MiB, content_type="text/plain")
    assert (stored.key, stored.size, stored.sha256) == ("cases/1/a", len(data), hashlib.sha256(data).hexdigest())
    assert store.exists("cases/1/a") and store.size("cases/1/a") == len(data)
    with store.open_read("cases/1/a") as reader:
        assert b"".join(iter(lambda: reader.read(4096), b"")) == data
    with store.open_read("cases/1/a") as reader:
        assert b"".join(reader) == data  # or iterated, in 1 MiB chunks
    assert store.sha256_of("cases/1/a") == stored.sha256


def test_sources_may_be_files_chunk_iterators_or_bytes_and_may_be_empty(store):
    data = random_bytes(3 * MiB + 17)
    stored = store.put_stream("it", chunks_of(data, 1000_003), max_bytes=len(data))
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert store.put_stream("raw", data, max_bytes=len(data)).size == len(data)  # exactly at the limit is fine
    assert store.put_stream("empty", iter(()), max_bytes=10).size == 0
    assert store.size("empty") == 0


def test_an_upload_bigger_than_one_part_streams_in_parts(store):
    data = random_bytes(20 * MiB)  # S3: 8 MiB parts, so three of them
    stored = store.put_stream("video/big", io.BytesIO(data), max_bytes=50 * MiB, content_type="video/mp4")
    assert stored.size == len(data) and stored.sha256 == hashlib.sha256(data).hexdigest()
    assert store.sha256_of("video/big") == stored.sha256
    if store.scheme == "s3":
        head = store.admin.head_object(Bucket=store.bucket, Key="evidence/video/big")
        assert head["ETag"].strip('"').endswith("-3")  # a multipart upload of three parts
        assert head["ContentType"] == "video/mp4"
    assert leftovers(store) == (["video/big"] if store.scheme == "local" else ["evidence/video/big"])


def test_an_upload_over_the_limit_is_stopped_early_and_nothing_is_stored(store):
    endless = CountingStream()
    with pytest.raises(TooLarge) as refused:
        store.put_stream("too/big", endless, max_bytes=10 * MiB)
    assert isinstance(refused.value, InvalidInput) and refused.value.limit == 10 * MiB
    assert "10 MB" in str(refused.value.message)  # English here; translated where a request has a language
    assert endless.read_bytes <= 11 * MiB  # stopped at the first chunk past the limit
    assert leftovers(store) == []  # S3: the multipart upload it had opened is aborted


def test_a_request_body_cut_off_mid_upload_raises_its_own_error_and_leaves_nothing(store):
    truncated = CountingStream(fail_after=12 * MiB, error=ClientDisconnected())
    with pytest.raises(ClientDisconnected):
        store.put_stream("cut/off", truncated, max_bytes=50 * MiB)
    assert leftovers(store) == []
    assert not store.exists("cut/off")


def test_a_file_refused_by_its_content_while_streaming_leaves_nothing(store):
    html = b"<!DOCTYPE html><html><script>alert(1)</script></html>"
    with pytest.raises(Refused):
        store.put_stream("refused/html", io.BytesIO(html), max_bytes=MiB, inspector=ContentInspector())
    text_then_binary = "买家：卡密无效\n".encode() * 800_000 + b"\x7fELF\x00\x00"  # ~17 MB, binary at the end
    with pytest.raises(Refused):
        store.put_stream("refused/late", io.BytesIO(text_then_binary), max_bytes=50 * MiB, inspector=ContentInspector())
    assert leftovers(store) == []


def test_the_inspector_reports_the_sniffed_type_of_a_stored_file(store):
    inspector = ContentInspector()
    store.put_stream("log", io.BytesIO("买家：卡密无效\n".encode("gb18030") * 100), max_bytes=MiB, inspector=inspector)
    assert inspector.result.content_type == "text/plain; charset=gb18030"


def test_a_key_is_written_once(store):
    store.put_stream("once", b"first", max_bytes=10)
    with pytest.raises(KeyExists):
        store.put_stream("once", b"second", max_bytes=10)
    with store.open_read("once") as reader:
        assert reader.read() == b"first"


@pytest.mark.parametrize("key", ["../escape", "/abs/key", "a\\b", "a//b", ".hidden", "a/../b", "", "a/", "名字"])
def test_keys_that_could_escape_or_hide_are_refused(store, key):
    with pytest.raises(ValueError):
        store.put_stream(key, b"x", max_bytes=10)
    with pytest.raises(ValueError):
        store.exists(key)


def test_keys_are_listed_by_prefix_and_age(store):
    for key in ("2026/09/30/a", "2026/09/30/b", "2026/10/01/c"):
        store.put_stream(key, key.encode(), max_bytes=100)
    assert sorted(store.iter_keys()) == ["2026/09/30/a", "2026/09/30/b", "2026/10/01/c"]
    assert sorted(store.iter_keys("2026/09/")) == ["2026/09/30/a", "2026/09/30/b"]
    assert sorted(store.iter_keys("2026/10/01/c")) == ["2026/10/01/c"]
    assert list(store.iter_keys("2027/")) == []
    assert sorted(store.iter_keys(older_than=now() + dt.timedelta(minutes=5))) == sorted(store.iter_keys())
    assert list(store.iter_keys(older_than=now() - dt.timedelta(hours=1))) == []  # written just now: too young


def test_listing_skips_what_the_store_never_wrote(store):
    store.put_stream("2026/09/30/mine", b"x", max_bytes=10)
    if store.scheme == "local":
        (store.root / "2026" / "notes.txt~").write_bytes(b"an editor's backup")
    else:
        store.admin.put_object(Bucket=store.bucket, Key="evidence/2026/", Body=b"")  # a console's "folder"
    assert list(store.iter_keys()) == ["2026/09/30/mine"]


def test_delete_removes_one_object_and_tolerates_a_missing_one(store):
    store.put_stream("keep", b"keep", max_bytes=10)
    store.put_stream("orphan", b"orphan", max_bytes=10)
    store.delete("orphan")
    store.delete("orphan")
    assert not store.exists("orphan") and store.exists("keep")
    assert list(store.iter_keys()) == ["keep"]


def test_sha256_of_detects_an_object_changed_behind_the_stores_back(store):
    stored = store.put_stream("tampered", b"original evidence", max_bytes=100)
    if store.scheme == "local":
        path = store.root / "tampered"
        path.chmod(0o600)
        path.write_bytes(b"doctored evidence")
    else:
        store.admin.put_object(Bucket=store.bucket, Key="evidence/tampered", Body=b"doctored evidence")
    assert store.sha256_of("tampered") != stored.sha256


def test_a_missing_object_is_reported_as_missing(store):
    assert not store.exists("gone")
    for read in (store.size, store.sha256_of, store.open_read):
        with pytest.raises(ObjectMissing):
            read("gone")


def test_partial_writes_left_by_a_crash_are_removed_by_abort_incomplete(store):
    store.put_stream("done", b"complete", max_bytes=100)
    if store.scheme == "local":
        partial = store.root / f"{TEMP_PREFIX}crashed"
        partial.write_bytes(b"half a file")
        old = time.time() - 7200
        os.utime(partial, (old, old))
    else:
        store.admin.create_multipart_upload(Bucket=store.bucket, Key="evidence/crashed")
    # Not yet abandoned by this cutoff (moto reports every upload as initiated on 2010-11-10).
    cutoff = now() - dt.timedelta(days=1) if store.scheme == "local" else dt.datetime(2010, 1, 1, tzinfo=UTC)
    assert store.abort_incomplete(older_than=cutoff) == 0
    assert store.abort_incomplete(older_than=now() + dt.timedelta(minutes=1)) == 1
    assert leftovers(store) == (["done"] if store.scheme == "local" else ["evidence/done"])


def test_only_s3_hands_out_presigned_urls(store):
    store.put_stream("shot", b"\x89PNG...", max_bytes=100)
    url = store.presigned_url("shot", filename="截图.png", content_type="image/png")
    assert (url is None) == (store.scheme == "local")


def test_an_object_is_locked_only_where_the_store_can(store):
    until = now() + dt.timedelta(days=3 * 365)
    stored = store.put_stream("plain", b"x", max_bytes=10, retain_until=until)
    assert stored.retained_until is None  # neither a local folder nor a bucket without object lock can
    assert store.retain("plain", until) is False


# -- S3 only -------------------------------------------------------------------------------------------------

def test_a_presigned_url_downloads_as_an_attachment_for_five_minutes(make_s3_store):
    store = make_s3_store()
    data = random_bytes(100_000)
    store.put_stream("cases/7/shot", data, max_bytes=MiB, content_type="image/png")
    url = store.presigned_url("cases/7/shot", filename="买家 截图.png", content_type="image/png")
    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Expires"] == ["300"]
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert query["response-content-type"] == ["image/png"]
    assert query["response-content-disposition"] == [
        "attachment; filename=\"file.png\"; filename*=UTF-8''%E4%B9%B0%E5%AE%B6%20%E6%88%AA%E5%9B%BE.png"]
    with urllib.request.urlopen(url, timeout=10) as response:  # moto checks neither signature nor expiry
        assert response.read() == data
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert response.headers["Content-Type"] == "image/png"


def test_a_presigned_url_never_serves_html_or_svg_as_such(make_s3_store):
    store = make_s3_store()
    store.put_stream("x", b"<svg/>", max_bytes=100, content_type="image/svg+xml")
    url = store.presigned_url("x", filename="x.svg", content_type="image/svg+xml", expires_seconds=60)
    assert parse_qs(urlsplit(url).query)["response-content-type"] == ["application/octet-stream"]
    assert store.admin.head_object(Bucket=store.bucket, Key="evidence/x")["ContentType"] == "application/octet-stream"


def test_presigned_urls_use_the_public_endpoint_in_virtual_host_style_for_oss_and_cos(aws_env):
    store = open_store("s3://evidence-1250000000/prod?endpoint=http://10.0.0.5:9000"
                       "&public_endpoint=https://cos.ap-shanghai.myqcloud.com&addressing=virtual&region=ap-shanghai")
    url = urlsplit(store.presigned_url("k", filename="a.pdf", content_type="application/pdf", expires_seconds=120))
    assert url.scheme == "https" and url.netloc == "evidence-1250000000.cos.ap-shanghai.myqcloud.com"
    assert url.path == "/prod/k"
    assert "ap-shanghai" in parse_qs(url.query)["X-Amz-Credential"][0]


def test_an_endpoint_that_dies_mid_upload_raises_storage_error_and_the_upload_is_cleaned_up_later(
        make_s3_store, s3_server):
    relay = Relay(s3_server.port)
    store = make_s3_store(endpoint=relay.endpoint, retries=0, connect_timeout=1, read_timeout=5)
    data = random_bytes(30 * MiB)

    def body():
        for number, chunk in enumerate(chunks_of(data), start=1):
            if number == 18:  # two parts on their way: cut once some of their bytes went through
                deadline = time.monotonic() + 30
                while relay.bytes_forwarded < 4 * MiB and time.monotonic() < deadline:
                    time.sleep(0.01)
                relay.cut()
            yield chunk

    with pytest.raises(StorageError) as failed:
        store.put_stream("dies", body(), max_bytes=50 * MiB)
    assert str(failed.value.message) == str(unavailable().message)  # the one message users see, in any language
    assert relay.bytes_forwarded >= 4 * MiB  # it died in the middle of sending parts
    assert not [key for key in leftovers(store) if not key.startswith("upload:")]  # no object
    # The abort could not reach the dead endpoint either: the cleanup command finds the open upload.
    direct = open_store(f"s3://{store.bucket}/evidence?endpoint={s3_server.endpoint}&addressing=path")
    direct.admin = store.admin
    assert direct.abort_incomplete(older_than=now() + dt.timedelta(minutes=1)) == 1
    assert leftovers(direct) == []


def test_a_dead_endpoint_fails_fast_with_storage_error(aws_env):
    store = open_store(f"s3://nobody-home?endpoint=http://127.0.0.1:{free_port()}&connect_timeout=0.5&retries=0")
    started = time.monotonic()
    for action in (lambda: store.put_stream("k", b"x", max_bytes=10), lambda: store.exists("k"),
                   lambda: list(store.iter_keys()), lambda: store.sha256_of("k")):
        with pytest.raises(StorageError):
            action()
    assert time.monotonic() - started < 10


def test_server_side_encryption_applies_to_single_and_multipart_uploads(make_s3_store):
    store = make_s3_store(sse="AES256", part_size_mb=5)
    store.put_stream("small", b"x", max_bytes=10)
    store.put_stream("large", random_bytes(12 * MiB), max_bytes=20 * MiB)
    for key in ("small", "large"):
        assert store.admin.head_object(Bucket=store.bucket, Key=f"evidence/{key}")["ServerSideEncryption"] == "AES256"
    assert store.admin.head_object(Bucket=store.bucket, Key="evidence/large")["ETag"].strip('"').endswith("-3")


def test_stores_that_support_them_can_check_a_crc32_of_every_part(make_s3_store):
    store = make_s3_store(checksums="when_supported")  # AWS S3, current MinIO; off by default for the others
    data = random_bytes(18 * MiB)
    assert store.put_stream("crc", data, max_bytes=20 * MiB).sha256 == hashlib.sha256(data).hexdigest()
    store.put_stream("small", b"x", max_bytes=10)
    for key in ("crc", "small"):
        head = store.admin.head_object(Bucket=store.bucket, Key=f"evidence/{key}", ChecksumMode="ENABLED")
        assert head.get("ChecksumCRC32")
    assert store.sha256_of("crc") == hashlib.sha256(data).hexdigest()


def test_object_lock_retains_evidence_for_the_configured_days(make_s3_store):
    store = make_s3_store(lock=True, object_lock_days=1095)
    stored = store.put_stream("locked", b"evidence", max_bytes=100)
    head = store.admin.head_object(Bucket=store.bucket, Key="evidence/locked")
    assert head["ObjectLockMode"] == "GOVERNANCE"
    assert stored.retained_until == clock.now_utc() + dt.timedelta(days=1095)  # the app's clock (frozen in tests)
    assert abs(head["ObjectLockRetainUntilDate"] - stored.retained_until) < dt.timedelta(seconds=2)
    big = store.put_stream("locked-big", random_bytes(10 * MiB), max_bytes=20 * MiB,
                           retain_until=now() + dt.timedelta(days=10))
    assert store.admin.head_object(Bucket=store.bucket, Key="evidence/locked-big")["ObjectLockMode"] == "GOVERNANCE"
    assert big.retained_until is not None
    later = now() + dt.timedelta(days=4000)
    assert store.retain("locked", later) is True  # 3 years after the case closes, once it does
    head = store.admin.head_object(Bucket=store.bucket, Key="evidence/locked")
    assert abs(head["ObjectLockRetainUntilDate"] - later) < dt.timedelta(seconds=2)


def test_object_lock_configured_on_a_bucket_without_it_is_a_loud_storage_error(make_s3_store):
    store = make_s3_store(object_lock_days=30, object_lock_mode="COMPLIANCE")
    with pytest.raises(StorageError, match="object lock"):
        store.put_stream("k", b"x", max_bytes=10)
    assert leftovers(store) == []


# -- the local folder only -----------------------------------------------------------------------------------

def test_a_local_disk_that_refuses_writes_mid_upload_raises_storage_error_and_leaves_no_temp_file(tmp_path):
    store = open_store(f"local://{tmp_path}/evidence")
    old_limit = resource.getrlimit(resource.RLIMIT_FSIZE)
    old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG instead
    resource.setrlimit(resource.RLIMIT_FSIZE, (4 * MiB, old_limit[1]))
    try:
        with pytest.raises(StorageError):
            store.put_stream("full", CountingStream(), max_bytes=50 * MiB)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, old_limit)
        signal.signal(signal.SIGXFSZ, old_handler)
    assert leftovers(store) == []


def test_local_files_are_read_only_once_written(tmp_path):
    store = open_store(f"local://{tmp_path}/evidence")
    store.put_stream("a/b", b"x", max_bytes=10)
    assert (store.root / "a/b").stat().st_mode & 0o777 == 0o440


# -- configuration -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "ftp://x", "nonsense", "", "s3://", "s3:///prefix", "s3://Bad_Bucket", "s3://ab", "local://relative/path",
    "local://",
    "s3://bucket?unknown=1", "s3://bucket?part_size_mb=1", "s3://bucket?addressing=sideways", "s3://bucket?sse=rot13",
    "s3://bucket?endpoint=ftp://x", "s3://bucket?endpoint=http://h/path", "s3://bucket?retries=many",
    "s3://bucket?object_lock_days=0", "s3://bucket?region=a&region=b", "s3://bucket?kms_key_id=k",
    "s3://bucket/../up",
])
def test_a_bad_storage_url_is_a_clear_config_error(url):
    with pytest.raises(StorageConfigError) as error:
        open_store(url)
    assert isinstance(error.value, ValueError) and str(error.value)


def test_the_app_default_local_url_and_a_full_s3_url_are_understood(tmp_path, aws_env):
    assert open_store(f"local://{tmp_path}/instance/evidence").root == tmp_path / "instance" / "evidence"
    store = open_store("s3://evidence/arb/prod/?endpoint=https://oss-cn-hangzhou.aliyuncs.com&region=cn-hangzhou"
                       "&addressing=virtual&sse=aws:kms&kms_key_id=key-1&object_lock_days=1095"
                       "&object_lock_mode=COMPLIANCE&part_size_mb=16&concurrency=3&connect_timeout=2.5&retries=4")
    assert (store.bucket, store.prefix, store.part_size) == ("evidence", "arb/prod/", 16 * MiB)
    assert store.settings.object_lock_mode == "COMPLIANCE" and store.settings.concurrency == 3


# -- memory --------------------------------------------------------------------------------------------------

def test_multipart_uploads_keep_a_fixed_number_of_part_buffers_whatever_the_size():
    sent = []

    def send_part(number: int, body: bytearray) -> dict:
        sent.append((number, id(body), len(body), bytes(body[:1])))
        return {"ETag": f"etag-{number}"}

    writer = PartWriter(part_size=5 * MiB, depth=2, open_upload=lambda: send_part)
    for number in range(21 * 5):  # 105 MiB in 1 MiB chunks: 21 parts of 5 MiB
        writer.write(bytes([number // 5]) * MiB)
    writer.write(b"tail")
    etags = writer.finish()
    assert etags == [{"PartNumber": n, "ETag": f"etag-{n}"} for n in range(1, 23)]
    assert len({buffer for _n, buffer, _len, _first in sent[:-1]}) <= 3  # depth + 1 buffers, reused
    assert [first for _n, _b, _len, first in sent[:-1]] == [bytes([n]) for n in range(21)]
    assert sent[-1][2:] == (4, b"t")
