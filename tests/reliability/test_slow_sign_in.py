"""A sign-in checking its password (argon2, slow on purpose) holds neither the event loop nor,
on SQLite, the write lock: served by uvicorn, a health check and another person's sign-in are
answered while it is still checking. The check is held open until they are; were either blocked,
the hold would run out first and the slow sign-in would finish ahead of them."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from portal_world import PASSWORD, ROLE_EMAILS, build_world
from reliability.served import serving
from trellis.accounts import service as accounts_service
from trellis.db import make_engine, make_session_factory, session_scope

SLOW_EMAIL = "slow@example.com"
SLOW_PASSWORD = "a password that takes its time"
HOLD_SECONDS = 15  # only a broken build waits this long: the hold is released as soon as the others are answered
CSRF_RE = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


class HeldHasher:
    """The test's argon2, except that checking ``SLOW_PASSWORD`` waits until ``go_on`` is set."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.checking = threading.Event()
        self.go_on = threading.Event()

    def verify(self, stored: str, password: str) -> bool:
        if password == SLOW_PASSWORD:
            self.checking.set()
            self.go_on.wait(timeout=HOLD_SECONDS)
        return bool(self.inner.verify(stored, password))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def _sign_in_form(client: httpx.Client, email: str, password: str) -> dict[str, str]:
    match = CSRF_RE.search(client.get("/login").text)
    assert match, "no CSRF token on /login"
    return {"email": email, "password": password, "csrf_token": match.group(1)}


def test_a_slow_password_check_lets_other_requests_and_sign_ins_through_first(
    fresh_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    build_world(fresh_db_url)
    engine = make_engine(fresh_db_url)
    with session_scope(make_session_factory(engine)) as s:
        accounts_service.create_user(s, email=SLOW_EMAIL, role="employee", password=SLOW_PASSWORD)
    engine.dispose()
    hasher = HeldHasher(accounts_service._hasher)
    monkeypatch.setattr(accounts_service, "_hasher", hasher)
    finished: list[str] = []
    answers: dict[str, httpx.Response] = {}

    with serving(fresh_db_url, tmp_path) as base, httpx.Client(base_url=base, timeout=60) as slow, \
            httpx.Client(base_url=base, timeout=60) as other:
        slow_form = _sign_in_form(slow, SLOW_EMAIL, SLOW_PASSWORD)
        other_form = _sign_in_form(other, ROLE_EMAILS["employee"], PASSWORD)

        def slow_sign_in() -> None:
            answers["slow sign-in"] = slow.post("/login", data=slow_form)
            finished.append("slow sign-in")

        thread = threading.Thread(target=slow_sign_in)
        thread.start()
        try:
            assert hasher.checking.wait(timeout=60), "the slow sign-in never reached its password check"
            answers["health"] = other.get("/health")
            finished.append("health")
            answers["other sign-in"] = other.post("/login", data=other_form)
            finished.append("other sign-in")
        finally:
            hasher.go_on.set()
            thread.join(timeout=60)

    assert finished == ["health", "other sign-in", "slow sign-in"]
    assert answers["health"].status_code == 200
    assert answers["other sign-in"].status_code == answers["slow sign-in"].status_code == 303
