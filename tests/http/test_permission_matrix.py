"""Every endpoint, requested for real by every role and by an anonymous visitor, against one table."""
from __future__ import annotations

import pytest
from flask import url_for

from tests.factories import ONE_PER_ROLE, sign_in
from tests.http.permission_matrix import ALLOWED_ALSO, ENDS_AT_LOGIN, MATRIX, ROLES, TOKEN_ONLY


def test_every_registered_endpoint_has_a_row_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - set(MATRIX))
    assert missing == [], f"add rows to tests/http/permission_matrix.py for: {missing}"
    assert sorted(set(MATRIX) - endpoints) == []


def test_each_row_uses_a_method_the_route_accepts(app):
    for rule in app.url_map.iter_rules():
        method = MATRIX[rule.endpoint][0]
        assert method in rule.methods, rule.endpoint


@pytest.mark.parametrize("role", ROLES + ("anonymous",))
def test_the_matrix_holds_for(role, app, session, personas, context, isolated):
    user = personas[ONE_PER_ROLE[role]] if role != "anonymous" else None
    wrong = []
    for endpoint, (method, args, data, allowed) in sorted(MATRIX.items()):
        client = app.test_client()
        if user is not None:
            sign_in(client, user)
        with app.test_request_context():
            url = url_for(endpoint, **(args(context) if args else {}))
        with isolated():  # each request's writes (a logout, a new day) stay out of the next one's way
            response = client.open(url, method=method, data=data)
            response.close()
        status, location = response.status_code, response.headers.get("Location", "")
        sent_to_login = status == 302 and "/login" in location
        if endpoint in TOKEN_ONLY:
            ok = status == 401 and response.is_json
        elif role in allowed:
            ok = (status < 400 or status in ALLOWED_ALSO.get(endpoint, ())) and \
                (not sent_to_login or endpoint in ENDS_AT_LOGIN)
        elif role == "anonymous":
            ok = sent_to_login
        else:
            ok = status in (403, 404)
        if not ok:
            wrong.append(f"{method} {url}: {status} {location}")
    assert wrong == []
