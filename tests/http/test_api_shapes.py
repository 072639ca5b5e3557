"""The API's shapes and operations are declared once: every route under /api/v1 declares its operation (or the
document cannot be made), and what a view returns is checked against the shape it declares."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import jsonschema
import pytest
from flask import Flask

from arbitration.api import openapi
from arbitration.api import representations as rep
from arbitration.api.operations import check_response, declared
from arbitration.api.shapes import Field
from arbitration.api.views import bp
from arbitration.orders.rules import Channel
from tests.http.test_api_intake import order_body, token_for


def test_every_route_under_the_api_prefix_declares_its_operation(app):
    routes = openapi.routes(app)
    assert len(routes) > 10
    assert [f"{method.upper()} {rule}" for rule, method, _args, op in routes if op is None] == []


def test_a_route_without_a_declaration_stops_the_document():
    app = Flask(__name__)
    app.register_blueprint(bp)
    app.add_url_rule("/api/v1/undeclared", "undeclared", lambda: "")
    assert ("/api/v1/undeclared", "get") in {(rule, method) for rule, method, _a, op in openapi.routes(app)
                                             if op is None}
    with pytest.raises(LookupError, match="/api/v1/undeclared"):
        openapi.document(app)


def test_a_returned_shape_makes_exactly_its_declared_fields_and_checks_them():
    refund = SimpleNamespace(id=7, kind="cancellation", amount_fen=10_000, fee_fen=0, state="pending",
                             channel=Channel.alipay, expected_by=dt.date(2026, 10, 9), attempts=0)
    body = rep.REFUND.dump(refund)
    assert set(body) == set(rep.REFUND.schema["properties"]) == set(rep.REFUND.schema["required"])
    assert body["channel"] == "alipay" and body["expected_by"] == "2026-10-09"
    assert rep.REFUND.check(body) is body
    with pytest.raises(jsonschema.ValidationError):
        rep.REFUND.check({**body, "attempts": "0"})
    with pytest.raises(jsonschema.ValidationError):
        rep.REFUND.check({k: v for k, v in body.items() if k != "state"})


def test_an_answer_is_checked_against_the_shape_its_operation_declares(app):
    op = declared(app.view_functions["api.refund_outcome"])
    good = {"id": 1, "kind": "cancellation", "amount_fen": 1, "fee_fen": 0, "state": "done", "channel": "alipay",
            "expected_by": None, "attempts": 1}
    check_response(op, 200, good)
    with pytest.raises(jsonschema.ValidationError):
        check_response(op, 200, {**good, "state": "lost"})
    with pytest.raises(AssertionError, match="201"):
        check_response(op, 201, good)                      # a status it does not declare


def test_a_view_whose_answer_leaves_its_declared_shape_fails_in_tests(client, session, personas, monkeypatch):
    _c, auth = token_for(personas, session)
    client.post("/api/v1/orders", json=order_body(personas, number="KM-SHAPE-0001"), headers=auth)
    assert client.get("/api/v1/orders/KM-SHAPE-0001", headers=auth).status_code == 200
    # the value made for a field no longer matches the field's schema: the answer is refused, not sent
    monkeypatch.setitem(rep.ORDER.properties, "amount_fen", Field({"type": "integer"}, lambda o: str(o.amount_fen)))
    response = client.get("/api/v1/orders/KM-SHAPE-0001", headers=auth)
    assert response.status_code == 500 and response.get_json()["error"]["code"] == "internal_error"
