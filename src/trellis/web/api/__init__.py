"""The JSON API under /api/v1: the same services and the same permission table as the pages.
Browser sessions work for GET; scripts use ``Authorization: Bearer <token>`` (read/write scopes)."""

from fastapi import APIRouter

from trellis.web.api import admin, applications, matching_config, me, opportunities

router = APIRouter()
for module in (me, opportunities, applications, admin, matching_config):
    router.include_router(module.router)
