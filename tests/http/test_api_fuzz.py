"""Property-based fuzzing of the platform API from its own OpenAPI document (schemathesis strategies driven by
Hypothesis): for every operation, generated requests, valid and invalid, never get a server error, and every
answer has a documented status, content type and headers, and a body that matches the document's schema.
(Schemathesis's pytest plugin does not work with pytest 9 yet, so each operation is a plain parametrized test
that runs Hypothesis over the operation's strategy.)"""
from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_headers_conformance,
                                               response_schema_conformance, status_code_conformance)

from arbitration.api import openapi
from arbitration.api import services as api
from arbitration.feed import views as feed_views  # noqa: F401  (its routes are on the API's blueprint)
from tests.factories import ALL_SCOPES, make_order

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]
OPERATIONS = [(method.upper(), path) for path, methods in openapi.document()["paths"].items() for method in methods]
EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "60"))   # more locally: API_FUZZ_EXAMPLES=500


def test_the_fuzzer_walks_every_operation_of_the_served_document(app, client):
    """OPERATIONS is read before any app exists (the blueprint alone): a module that puts routes on the blueprint
    must be imported above, or its operations would go unfuzzed."""
    served = client.get("/api/v1/openapi.json").get_json()
    assert sorted(OPERATIONS) == sorted((m.upper(), p) for p, methods in served["paths"].items() for m in methods)


@pytest.fixture
def api_token(session, personas):
    client, token = api.create_client(personas["admin"], name="fuzzer", scopes=ALL_SCOPES)
    client.rate_limit_per_minute = 100_000        # the fuzzer sends many requests within the frozen minute
    # an order that the documented example number names, so that some requests reach a real object
    make_order(personas["buyer"], "paid", merchant_staff=personas["merchant"]).number = "KM202609300200000001"
    session.flush()
    return token


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_every_generated_request_is_answered_as_the_document_says(app, session, api_token, method, path):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operation = schema[path][method]
    auth = {"Authorization": f"Bearer {api_token}"}
    cases = st.one_of(operation.as_strategy(GenerationMode.POSITIVE, headers=auth),
                      operation.as_strategy(GenerationMode.NEGATIVE, headers=auth))

    @given(case=cases)
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def answered_as_documented(case):
        response = case.call()
        case.validate_response(response, checks=CHECKS)

    answered_as_documented()
