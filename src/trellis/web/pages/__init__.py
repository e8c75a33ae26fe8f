"""Server-rendered portal pages (Jinja2 templates in web/templates)."""

from fastapi import APIRouter

from trellis.web.pages import (
    admin,
    auth,
    career,
    foryou,
    governance,
    growth,
    home,
    hr,
    hr_analytics,
    hr_matching,
    manage,
    marketplace,
    profile,
    sso,
)

router = APIRouter(include_in_schema=False)
for module in (auth, sso, home, foryou, profile, career, growth, marketplace, manage, hr, hr_analytics, hr_matching,
               admin, governance):
    router.include_router(module.router)
