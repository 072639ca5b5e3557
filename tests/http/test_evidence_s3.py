"""The evidence pages on the S3 backend: moto in server mode on 127.0.0.1, spoken to over real HTTP."""
from __future__ import annotations

import urllib.request
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from arbitration.evidence.models import Evidence
from arbitration.orders import requests as order_requests
from arbitration.storage import open_store
from tests import files
from tests.conftest import login
from tests.factories import make_order, upload
from tests.integration.s3server import DUMMY_CREDENTIALS, ThreadServer


@pytest.fixture(scope="module")
def moto():
    server = ThreadServer().start()
    yield server
    server.stop()


@pytest.fixture
def s3_evidence(app, moto, monkeypatch, tmp_path):
    import boto3

    for name, value in DUMMY_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    bucket = "evidence-" + uuid.uuid4().hex[:8]
    boto3.client("s3", endpoint_url=moto.endpoint, region_name="us-east-1").create_bucket(Bucket=bucket)
    saved = app.extensions.get("store")
    app.extensions["store"] = open_store(
        f"s3://{bucket}/arb?endpoint={moto.endpoint}&addressing=path&region=us-east-1")
    yield bucket
    app.extensions["store"] = saved


def test_an_upload_lands_in_the_bucket_and_downloads_through_a_short_presigned_url(client, session, personas,
                                                                                   s3_evidence):
    order = make_order(personas["buyer"], "delivered", merchant_staff=personas["merchant"])
    req = order_requests.request_after_sales(order, personas["buyer"], problem="invalid_code",
                                             description="卡密兑换时提示已被使用")
    login(client, "buyer")
    image = files.png()
    assert upload(client, req, ("截图.png", image)).status_code == 302
    ev = session.scalar(sa.select(Evidence).where(Evidence.subject_id == str(req.id)))
    assert ev.storage_backend == "s3" and ev.storage_key.startswith("evidence/")
    response = client.get(f"/evidence/{ev.id}/download")
    assert response.status_code == 302
    url = response.headers["Location"]
    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Expires"] == ["300"]
    assert query["response-content-disposition"][0].startswith("attachment;")
    with urllib.request.urlopen(url) as fetched:   # real HTTP to the S3 server
        assert fetched.read() == image
        assert fetched.headers["Content-Disposition"].startswith("attachment;")


def test_a_refused_type_leaves_nothing_in_the_bucket(client, session, personas, s3_evidence, moto):
    import boto3

    order = make_order(personas["buyer"], "delivered", merchant_staff=personas["merchant"])
    req = order_requests.request_after_sales(order, personas["buyer"], problem="invalid_code",
                                             description="卡密兑换时提示已被使用")
    login(client, "buyer")
    assert upload(client, req, ("a.png", files.HTML_AS_PNG)).status_code == 303
    listed = boto3.client("s3", endpoint_url=moto.endpoint, region_name="us-east-1").list_objects_v2(
        Bucket=s3_evidence)
    assert listed.get("KeyCount", 0) == 0


def test_a_presigned_download_is_named_with_the_sniffed_types_extension(client, session, personas, s3_evidence):
    order = make_order(personas["buyer"], "delivered", merchant_staff=personas["merchant"])
    req = order_requests.request_after_sales(order, personas["buyer"], problem="invalid_code",
                                             description="卡密兑换时提示已被使用")
    login(client, "buyer")
    assert upload(client, req, ("聊天记录.js", "买家：卡密无效\n".encode()), kind="chat_log").status_code == 302
    ev = session.scalar(sa.select(Evidence).where(Evidence.subject_id == str(req.id)))
    query = parse_qs(urlsplit(client.get(f"/evidence/{ev.id}/download").headers["Location"]).query)
    disposition = query["response-content-disposition"][0]
    assert disposition.endswith("filename*=UTF-8''%E8%81%8A%E5%A4%A9%E8%AE%B0%E5%BD%95.txt")   # 聊天记录.txt
    assert ".js" not in disposition


def test_a_video_on_s3_plays_through_the_app_with_byte_ranges(client, session, personas, s3_evidence):
    """Inline files are streamed by the app (the page's CSP allows media from this site only, and the sandbox must
    travel with the bytes); only the asked range is read from the bucket."""
    order = make_order(personas["buyer"], "delivered", merchant_staff=personas["merchant"])
    req = order_requests.request_after_sales(order, personas["buyer"], problem="invalid_code",
                                             description="卡密兑换时提示已被使用")
    login(client, "buyer")
    video = files.mp4(300_000)
    assert upload(client, req, ("兑换录屏.mp4", video), kind="auto").status_code == 302
    ev = session.scalar(sa.select(Evidence).where(Evidence.subject_id == str(req.id)))
    response = client.get(f"/evidence/{ev.id}/download?inline=1", headers={"Range": "bytes=200000-200099"})
    assert response.status_code == 206 and response.data == video[200000:200100]
    assert response.headers["Content-Range"] == f"bytes 200000-200099/{len(video)}"
    assert response.headers["Content-Type"] == "video/mp4"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    whole = client.get(f"/evidence/{ev.id}/download?inline=1")
    assert whole.status_code == 200 and whole.data == video
    assert whole.headers["Content-Disposition"].startswith("inline;")
