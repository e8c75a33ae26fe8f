"""Notifications: an in-app row per person, which doubles as an e-mail outbox. Services add
rows inside the caller's transaction; `deliver_pending` sends the e-mails afterwards (the web
tier calls it after the request has committed), so a rolled-back action never mails anyone."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from trellis.config import Settings
from trellis.models import Employee, Notification
from trellis.models.base import utcnow


def notify(
    session: Session, *, employee_id: int, kind: str, subject: str, body: str = "", link: str | None = None,
    email: bool = True,
) -> Notification:
    note = Notification(employee_id=employee_id, kind=kind, subject=subject[:200], body=body, link=link,
                        email_wanted=email)
    session.add(note)
    session.info["notified"] = True
    return note


def list_notifications(session: Session, *, employee_id: int, limit: int = 50) -> list[Notification]:
    stmt = (select(Notification).where(Notification.employee_id == employee_id)
            .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit))
    return list(session.scalars(stmt))


def count_unread(session: Session, *, employee_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Notification).where(
        Notification.employee_id == employee_id, Notification.read_at.is_(None))) or 0


def mark_all_read(session: Session, *, employee_id: int) -> int:
    result = session.execute(update(Notification).where(
        Notification.employee_id == employee_id, Notification.read_at.is_(None)).values(read_at=utcnow()))
    return int(getattr(result, "rowcount", 0) or 0)


def deliver_pending(session: Session, *, settings: Settings, limit: int = 100) -> int:
    """Send the e-mails still owed, through the configured SMTP server; returns how many were
    sent. Without ``smtp_host`` nothing is sent (the in-app notification is still there)."""
    if not settings.smtp_host:
        return 0
    rows = session.execute(
        select(Notification, Employee.work_email).join(Employee, Employee.id == Notification.employee_id)
        .where(Notification.email_wanted.is_(True), Notification.emailed_at.is_(None))
        .order_by(Notification.id).limit(limit)
    ).all()
    if not rows:
        return 0
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
        for note, address in rows:
            msg = EmailMessage()
            msg["From"] = settings.smtp_from
            msg["To"] = address
            msg["Subject"] = f"[Trellis] {note.subject}"
            link = f"\n\n{settings.public_url.rstrip('/')}{note.link}" if note.link else ""
            msg.set_content(f"{note.body}{link}\n")
            smtp.send_message(msg)
            note.emailed_at = utcnow()
    return len(rows)
