"""E-mail notifications through SMTP, checked against a local SMTP sink (aiosmtpd)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy.orm import Session

from builders import make_employee
from trellis.config import Settings
from trellis.notifications import service as notifications


class Sink:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp_sink() -> Iterator[tuple[Sink, int]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


def test_owed_emails_are_sent_once_through_smtp(session: Session, smtp_sink: tuple[Sink, int], tmp_path: Path) -> None:
    sink, port = smtp_sink
    person = make_employee(session, work_email="mail.me@example.com")
    notifications.notify(session, employee_id=person.id, kind="t", subject="Your posting is open", body="Hello",
                         link="/opportunities/1")
    notifications.notify(session, employee_id=person.id, kind="t", subject="In-app only", email=False)
    session.flush()
    settings = Settings(database_url="sqlite://", data_dir=tmp_path, smtp_host="127.0.0.1", smtp_port=port,
                        public_url="https://trellis.example")
    assert notifications.deliver_pending(session, settings=settings) == 1
    assert notifications.deliver_pending(session, settings=settings) == 0
    [(rcpt, msg)] = sink.messages
    assert rcpt == ["mail.me@example.com"] and msg["Subject"] == "[Trellis] Your posting is open"
    assert "https://trellis.example/opportunities/1" in msg.get_payload()
    assert notifications.count_unread(session, employee_id=person.id) == 2


def test_without_an_smtp_host_nothing_is_mailed_but_the_notification_stays(session: Session, tmp_path: Path) -> None:
    person = make_employee(session)
    notifications.notify(session, employee_id=person.id, kind="t", subject="Hi")
    session.flush()
    assert notifications.deliver_pending(session, settings=Settings(database_url="sqlite://", data_dir=tmp_path)) == 0
    assert [n.subject for n in notifications.list_notifications(session, employee_id=person.id)] == ["Hi"]


def test_applying_through_the_portal_mails_the_hiring_manager_after_the_commit(
    smtp_sink: tuple[Sink, int], template_url: str, engine: Any, tmp_path: Path,
) -> None:
    from portal_world import app_for, build_world, copy_database, dispose_apps, login, settings_for

    sink, port = smtp_sink
    engine.dispose()
    for url in copy_database(template_url, tmp_path):
        world = build_world(url)
        settings = settings_for(url, tmp_path, smtp_host="127.0.0.1", smtp_port=port)
        eve = login(app_for(settings), "eve@example.com")
        assert eve.post(f"/api/v1/opportunities/{world.gig}/applications", json={"note": "hi"}).status_code == 201
        dispose_apps()
    [(rcpt, msg)] = sink.messages
    assert rcpt == ["hugo@example.com"] and "New applicant for Data pipeline gig" in msg["Subject"]
