"""Error pages with the right status and message; security headers on every response."""
from __future__ import annotations

import pytest
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from arbitration.errors import Conflict
from tests.conftest import login
from tests.factories import scripts_are_our_own_files


def test_a_malformed_id_in_a_url_is_a_404(client, personas):
    login(client, "admin")
    response = client.get("/admin/users/not-a-number")
    assert response.status_code == 404
    assert "页面或记录不存在" in response.get_data(as_text=True)


def test_an_unknown_record_is_a_404(client, personas):
    login(client, "admin")
    assert client.get("/admin/users/99999999").status_code == 404


def test_a_page_the_role_may_not_see_is_a_403_with_a_message(client, personas):
    login(client, "buyer")
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert "您的账号无权访问此页面" in response.get_data(as_text=True)


def test_a_wrong_method_is_a_405(client):
    assert client.get("/logout").status_code == 405


def test_every_response_carries_the_security_headers(client):
    headers = client.get("/login").headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers


def test_hsts_is_sent_over_https(client):
    headers = client.get("/login", base_url="https://arb.example").headers
    assert headers["Strict-Transport-Security"].startswith("max-age=")


def test_pages_use_no_inline_script_or_outside_host(client):
    page = client.get("/login").get_data(as_text=True)
    assert scripts_are_our_own_files(page) and "http://" not in page and "https://" not in page


@pytest.fixture
def failing_app():
    """An app with two extra routes: one that hits a domain conflict, one that crashes mid-write."""
    from arbitration import create_app
    from arbitration.audit.services import record_event
    from tests.conftest import FreshUserClient, app_config

    application = create_app(app_config())
    application.test_client_class = FreshUserClient
    bp = Blueprint("boom", __name__)

    @bp.route("/boom/conflict")
    def conflict():
        record_event("test-boom", 1, None, "half.written")
        raise Conflict(_l("已被他人处理"))

    @bp.route("/boom/crash")
    def crash():
        record_event("test-boom", 1, None, "half.written")
        raise RuntimeError("bug")

    application.register_blueprint(bp)
    return application


def test_a_domain_conflict_is_a_409_with_its_message_and_nothing_is_written(failing_app):
    import sqlalchemy as sa

    from arbitration.audit.models import Event
    from arbitration.db import db

    client = failing_app.test_client()
    response = client.get("/boom/conflict")
    assert response.status_code == 409 and "已被他人处理" in response.get_data(as_text=True)
    response = client.get("/boom/crash")
    assert response.status_code == 500 and "未做任何更改" in response.get_data(as_text=True)
    with failing_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)
                                 .where(Event.subject_type == "test-boom")) == 0
        db.engine.dispose()


def test_the_testing_clock_hook_does_not_exist_outside_testing_mode(client):
    assert client.post("/__testing__/clock/advance?hours=48").status_code == 404
