"""Schemathesis fuzzes every operation of the API's own OpenAPI schema in-process: no 500s,
status codes, content types and bodies as documented. Bounded (few examples per operation) so
it stays quick in CI; TRELLIS_FUZZ_EXAMPLES raises the bound for a longer local run."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.generation.case import Case

from trellis.accounts import service as accounts
from trellis.config import Settings
from trellis.db import make_engine, make_session_factory, session_scope
from trellis.web.app import create_app

EXAMPLES = int(os.environ.get("TRELLIS_FUZZ_EXAMPLES", "8"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def fuzz_app(settings: Settings) -> Iterator[FastAPI]:
    """The app on its own fresh database: the fuzzer's writes must not reach other tests."""
    app = create_app(settings)
    yield app
    app.state.engine.dispose()


def hr_admin_token(url: str) -> str:
    """A write-scoped API token of an HR admin (the widest API access), so the fuzzer reaches
    past the sign-in check into every operation."""
    engine = make_engine(url)
    with session_scope(make_session_factory(engine)) as session:
        user = accounts.create_user(session, email="fuzz-admin@example.com", role="hr_admin",
                                    password="fuzz password 123")
        raw, _ = accounts.create_api_token(session, user=user, name="fuzz", scopes=["read", "write"])
    engine.dispose()
    return raw


def test_the_api_answers_every_generated_request_as_documented_and_never_with_a_500(
    fuzz_app: FastAPI, settings: Settings
) -> None:
    headers = {"Authorization": f"Bearer {hr_admin_token(settings.database_url)}"}
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzz_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations, "the OpenAPI schema lists no operations"
    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
                             derandomize=True, database=None)
        def fuzz(case: Case) -> None:
            case.call_and_validate(checks=CHECKS, headers=headers)

        try:
            fuzz()
        except Exception as err:
            raise AssertionError(f"{operation.label}: {err}") from err
