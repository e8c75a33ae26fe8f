"""Jinja2 rendering for the pages: every template gets the user, the CSRF token, the unread
count and a nav built from the permission table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from trellis.accounts.permissions import allowed
from trellis.config import Settings
from trellis.web.security import PRESESSION_COOKIE, csrf_token, set_cookie

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))

NAV: list[tuple[str, str, str]] = [  # (href, label, action)
    ("/", "Home", "home.view"),
    ("/for-you", "For you", "recommendations.view"),
    ("/marketplace", "Marketplace", "marketplace.browse"),
    ("/searches", "Saved searches", "searches.view"),
    ("/profile", "My profile", "profile.view"),
    ("/applications", "My applications", "application.view_own"),
    ("/career", "Career", "career.view"),
    ("/mentoring", "Mentoring", "mentoring.view"),
    ("/plans", "Development plans", "plans.view"),
    ("/manage/opportunities", "My openings", "opportunity.manage"),
    ("/manage/time-releases", "Time release", "time_release.decide"),
    ("/hr/approvals", "Approvals", "opportunity.approve"),
    ("/hr/architecture", "Job architecture", "architecture.manage"),
    ("/hr/audit", "Audit log", "audit.view"),
    ("/hr/succession", "Succession", "succession.view"),
    ("/hr/mentor-matches", "Mentor matches", "mentoring.match"),
    ("/hr/analytics", "Analytics", "analytics.view"),
    ("/hr/fairness", "Fairness audit", "fairness.audit"),
    ("/hr/governance", "AI governance", "governance.manage"),
    ("/hr/matching", "Matching settings", "matching_config.view"),
    ("/admin/users", "Users", "users.manage"),
    ("/admin/tokens", "API tokens", "tokens.manage"),
]

# links shown only to people whose account is linked to an employee record
OWN_RECORD_ONLY = frozenset({"career.view", "mentoring.view", "plans.view", "searches.view"})


def render(request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200) -> HTMLResponse:
    settings: Settings = request.app.state.settings
    user = getattr(request.state, "user", None)
    ctx: dict[str, Any] = {
        "user": user,
        "csrf": csrf_token(request, settings),
        "nav": [(href, label) for href, label, action in NAV if user is not None and allowed(user.role, action)
                and (action not in OWN_RECORD_ONLY or getattr(user, "employee_id", None) is not None)],
        "path": request.url.path,
        "unread": getattr(request.state, "unread", 0),
        **(context or {}),
    }
    response = templates.TemplateResponse(request, name, ctx, status_code=status_code)
    new_pre = getattr(request.state, "new_presession", None)
    if new_pre:
        set_cookie(response, request, settings, PRESESSION_COOKIE, new_pre)
    return response
