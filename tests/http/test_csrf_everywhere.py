"""CSRF on every state-changing form: each route that accepts POST, posted by someone allowed to use it but
without the form's token, is refused (400, "表单已过期") and writes nothing. The API's POSTs take no cookies at
all: a signed-in browser's post to them is refused as unauthenticated (401) and writes nothing."""
from __future__ import annotations

import io

import sqlalchemy as sa
from flask import url_for

from tests.factories import ONE_PER_ROLE, sign_in
from tests.files import png
from tests.http.permission_matrix import MATRIX, TOKEN_ONLY


def _count(session, table: str) -> int:
    return session.scalar(sa.text(f"SELECT count(*) FROM {table}"))


def test_every_state_changing_route_refuses_a_post_without_its_csrf_token(
        app, session, personas, context, isolated, config):
    config["WTF_CSRF_ENABLED"] = True
    wrong = []
    posted = 0
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint):
        if "POST" not in rule.methods:
            continue
        _method, args, data, allowed = MATRIX[rule.endpoint]
        roles = sorted(r for r in allowed if r != "anonymous") or (["admin"] if rule.endpoint in TOKEN_ONLY else [])
        client = app.test_client()
        if roles:
            sign_in(client, personas[ONE_PER_ROLE[roles[0]]])
        with app.test_request_context():
            url = url_for(rule.endpoint, **(args(context) if args else {}))
        if rule.endpoint in ("evidence.upload", "cases.upload_evidence"):   # multipart: the token is in the stream
            data = {**(data or {}), "files": (io.BytesIO(png()), "a.png")}
        with isolated():
            before = [_count(session, t) for t in ("events", "cases", "rulings", "law_provisions", "exports")]
            response = client.post(url, data=data or {})
            after = [_count(session, t) for t in ("events", "cases", "rulings", "law_provisions", "exports")]
        posted += 1
        if rule.endpoint in TOKEN_ONLY:
            refused = response.status_code == 401 and response.is_json
        else:
            refused = response.status_code == 400 and "表单已过期" in response.get_data(as_text=True)
        if not refused or before != after:
            wrong.append(f"{rule.endpoint} {url}: {response.status_code}, writes {before} -> {after}")
    assert wrong == [] and posted > 30
