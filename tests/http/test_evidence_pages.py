"""Evidence through the web form, with real files, on the local store: accepted by content, refused
with a message naming what is accepted, read back only by those allowed."""
from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from arbitration.audit.services import events_of
from arbitration.evidence.models import Evidence
from arbitration.evidence.services import store
from arbitration.orders import requests as order_requests
from tests import files
from tests.conftest import login
from tests.factories import make_order, upload


@pytest.fixture
def request_(session, personas):
    order = make_order(personas["buyer"], "delivered", merchant_staff=personas["merchant"])
    return order_requests.request_after_sales(order, personas["buyer"], problem="invalid_code",
                                              description="卡密兑换时提示已被使用")


def rows(session, req):
    return session.scalars(sa.select(Evidence).where(Evidence.subject_id == str(req.id))).all()


def test_a_buyer_uploads_a_png_and_a_pdf_and_both_are_recorded_with_their_hashes(client, session, request_):
    login(client, "buyer")
    image, document = files.png(), files.pdf()
    response = upload(client, request_, ("兑换失败.png", image), ("订单截图.pdf", document))
    assert response.status_code == 302, response.get_data(as_text=True)[-500:]
    stored = sorted(rows(session, request_), key=lambda e: e.id)
    assert [(e.mime, e.size, e.sha256, e.party) for e in stored] == [
        ("image/png", len(image), hashlib.sha256(image).hexdigest(), "buyer"),
        ("application/pdf", len(document), hashlib.sha256(document).hexdigest(), "buyer")]
    assert store().sha256_of(stored[0].storage_key) == stored[0].sha256
    added = [e for e in events_of("order", request_.order_id) if e.action == "evidence.added"]
    assert [e.data["sha256"] for e in added] == [s.sha256 for s in stored]
    page = client.get(f"/orders/{request_.order.number}").get_data(as_text=True)
    assert "兑换失败.png" in page and stored[0].sha256 in page


def test_a_chat_log_in_gb18030_is_accepted_as_text(client, session, request_):
    login(client, "merchant")
    assert upload(client, request_, ("聊天记录.txt", files.CHAT_LOG_GB18030), kind="chat_log").status_code == 302
    ev = rows(session, request_)[0]
    assert (ev.mime, ev.charset, ev.party) == ("text/plain", "gb18030", "merchant")


@pytest.mark.parametrize("name, content", [
    ("截图.png", files.HTML_AS_PNG),
    ("图.svg", files.SVG_WITH_SCRIPT),
    ("工具.exe", files.WINDOWS_EXE),
    ("run", files.ELF),
    ("证据.zip", files.zip_archive()),
    ("poly.png", files.polyglot()),
])
def test_files_that_are_not_accepted_types_are_refused_by_content(client, session, request_, name, content):
    login(client, "buyer")
    response = upload(client, request_, (name, content))
    assert response.status_code == 303
    page = client.get(f"/orders/{request_.order.number}").get_data(as_text=True)
    assert "不接受此类文件" in page and "PNG" in page and "PDF" in page
    assert rows(session, request_) == []


def test_an_empty_file_is_refused(client, session, request_):
    login(client, "buyer")
    upload(client, request_, ("空.png", b""))
    assert rows(session, request_) == []


def test_a_file_over_the_limit_is_stopped_and_nothing_is_recorded(client, session, request_, config):
    config["EVIDENCE_MAX_FILE_MB"] = 1
    login(client, "buyer")
    big = files.png() + b"\x00" * (2 * 1024 * 1024)
    response = upload(client, request_, ("大.png", big))
    assert response.status_code in (303, 413)
    assert rows(session, request_) == []


@pytest.mark.parametrize("name, shown", [
    ("../../etc/passwd.png", "passwd.png"),
    ("ev\x00il\x1b[31m.png", "evil[31m.png"),
    ("\u202egnp.exe", "gnp.exe"),
])
def test_file_names_are_cleaned_and_never_used_for_the_key(client, session, request_, name, shown):
    login(client, "buyer")
    assert upload(client, request_, (name, files.png())).status_code == 302
    ev = rows(session, request_)[0]
    assert ev.display_name == shown
    assert "passwd" not in ev.storage_key and ev.storage_key.startswith("evidence/")


def test_a_windows_path_in_the_name_never_reaches_the_key(client, session, request_):
    login(client, "buyer")
    assert upload(client, request_, ("C:\\Users\\x\\截图.png", files.png())).status_code == 302
    ev = rows(session, request_)[0]
    assert ev.display_name.endswith("截图.png") and not set("\\/:") & set(ev.display_name)
    assert ev.storage_key.startswith("evidence/") and "截图" not in ev.storage_key


def test_a_truncated_body_stores_nothing(client, session, request_):
    login(client, "buyer")
    boundary = "----trunc"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nscreenshot\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.png\"\r\n"
            f"Content-Type: image/png\r\n\r\n").encode() + files.png()  # no closing boundary
    response = client.post(f"/orders/{request_.order.number}/requests/{request_.id}/evidence", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 303
    assert rows(session, request_) == []
    assert "上传中断" in client.get(f"/orders/{request_.order.number}").get_data(as_text=True)


def test_an_unknown_kind_or_no_file_is_refused(client, session, request_):
    login(client, "buyer")
    assert upload(client, request_, ("a.png", files.png()), kind="selfie").status_code == 303
    assert upload(client, request_).status_code == 303
    assert rows(session, request_) == []


def test_the_upload_needs_the_csrf_token(app, client, session, request_, config):
    login(client, "buyer")
    config["WTF_CSRF_ENABLED"] = True
    assert upload(client, request_, ("a.png", files.png())).status_code == 400
    assert rows(session, request_) == []


def test_strangers_cannot_upload_or_download(app, client, session, personas, request_):
    login(client, "buyer")
    upload(client, request_, ("a.png", files.png()))
    ev = rows(session, request_)[0]
    for username in ("buyer_b", "merchant_b", "support", "arbitrator"):
        other = app.test_client()
        login(other, username)
        assert other.get(f"/evidence/{ev.id}/download").status_code == 404
        assert upload(other, request_, ("b.png", files.png())).status_code == 404
    for username in ("merchant", "supervisor", "regulator"):
        reader = app.test_client()
        login(reader, username)
        assert reader.get(f"/evidence/{ev.id}/download").status_code == 200


def test_downloads_are_attachments_with_a_safe_type_and_previews_only_for_images(client, session, request_):
    login(client, "buyer")
    upload(client, request_, ("截图.png", files.png()), ("log.txt", "买家：卡密无效".encode()))
    image, text = sorted(rows(session, request_), key=lambda e: e.id)
    response = client.get(f"/evidence/{image.id}/download")
    assert response.data == files.png()
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E6%88%AA%E5%9B%BE.png" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/evidence/{image.id}/preview").headers["Content-Type"] == "image/png"
    assert client.get(f"/evidence/{text.id}/preview").status_code == 404
    assert client.get(f"/evidence/{text.id}/download").headers["Content-Type"].startswith("text/plain")


def test_evidence_verify_and_cleanup_commands(app, client, session, request_):
    login(client, "buyer")
    upload(client, request_, ("a.png", files.png()))
    ev = rows(session, request_)[0]
    runner = app.test_cli_runner()
    assert runner.invoke(args=["evidence", "verify"]).exit_code == 0
    path = store().root / ev.storage_key
    path.chmod(0o644)
    path.write_bytes(files.png(5, 5))
    result = runner.invoke(args=["evidence", "verify", f"order_request:{request_.id}"])
    assert result.exit_code == 1 and f"MISMATCH evidence {ev.id}" in result.output
    path.unlink()
    result = runner.invoke(args=["evidence", "verify"])
    assert result.exit_code == 1 and "MISSING" in result.output


def test_a_store_failure_mid_upload_leaves_no_row_and_says_so(client, session, request_, monkeypatch):
    from arbitration.errors import StorageError

    backend = store()
    real = backend.put_stream

    def failing(key, source, **kw):
        def broken():
            yield next(iter(source))
            raise StorageError(_l("磁盘故障"))
        return real(key, broken(), **kw)

    monkeypatch.setattr(backend, "put_stream", failing)
    login(client, "buyer")
    assert upload(client, request_, ("a.png", files.png() + b"\x00" * 3_000_000)).status_code == 303
    assert rows(session, request_) == []
    assert list(backend.iter_keys("evidence")) == [] or all(
        k not in {e.storage_key for e in rows(session, request_)} for k in backend.iter_keys("evidence"))


def test_a_database_failure_after_storing_leaves_an_orphan_that_cleanup_removes(
        app, client, session, request_, monkeypatch):
    import datetime as dt
    import os

    from arbitration import clock
    from arbitration.evidence import services as evidence_services

    backend = store()
    before = set(backend.iter_keys("evidence"))

    def broken_event(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(evidence_services, "record_event", broken_event)
    login(client, "buyer")
    assert upload(client, request_, ("a.png", files.png())).status_code == 500
    assert rows(session, request_) == []
    orphans = set(backend.iter_keys("evidence")) - before
    assert len(orphans) == 1
    monkeypatch.undo()
    runner = app.test_cli_runner()
    assert "0 orphaned" in runner.invoke(args=["evidence", "cleanup"]).output  # younger than an hour: kept
    old = (clock.now_utc() - dt.timedelta(hours=2)).timestamp()  # two hours before the (frozen) now
    os.utime(backend.root / orphans.pop(), (old, old))
    result = runner.invoke(args=["evidence", "cleanup"])
    assert "1 orphaned objects removed" in result.output
    assert set(backend.iter_keys("evidence")) - before == set()
