"""Saved marketplace searches and their alerts: a person saves the marketplace's filters under a
name, sees how many open openings match and how many are new since they last looked, and (with
``alert`` on) is notified when HR approves an opening that matches. Every function acts for the
search's owner only."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trellis.accounts.permissions import Actor
from trellis.errors import Invalid, NotFound
from trellis.models import Opportunity, SavedSearch
from trellis.models.base import utcnow
from trellis.notifications.service import notify
from trellis.opportunities.schemas import SearchFilters
from trellis.opportunities.service import matches_filters, search_statement
from trellis.searches.schemas import SavedSearchIn, SavedSearchOut

MAX_SEARCHES = 20


def _owner(actor: Actor) -> int:
    if actor.employee_id is None:
        raise Invalid("your account is not linked to an employee, so it cannot save searches")
    return actor.employee_id


def _mine(session: Session, actor: Actor, search_id: int) -> SavedSearch:
    found = session.get(SavedSearch, search_id)
    if found is None or found.employee_id != _owner(actor):
        raise NotFound(f"saved search {search_id} does not exist")
    return found


def query_string(filters: SearchFilters) -> str:
    return urlencode({k: v for k, v in filters.model_dump(mode="json").items() if v not in (None, "")})


def _out(session: Session, row: SavedSearch) -> SavedSearchOut:
    filters = SearchFilters.model_validate(row.filters)
    ids = search_statement(filters).subquery()
    matching = select(func.count()).select_from(Opportunity).where(Opportunity.id.in_(select(ids.c.id)))
    new = matching.where(Opportunity.posted_on >= row.seen_at.date(), Opportunity.updated_at > row.seen_at)
    return SavedSearchOut(id=row.id, name=row.name, filters=filters, alert=row.alert, seen_at=row.seen_at,
                          matches=session.scalar(matching) or 0, new=session.scalar(new) or 0,
                          query=query_string(filters))


def save_search(session: Session, *, actor: Actor, data: SavedSearchIn) -> SavedSearchOut:
    """Save the filters under a name (a search already saved under that name is replaced)."""
    owner = _owner(actor)
    if not any(v not in (None, "") for v in data.filters.model_dump().values()):
        raise Invalid("filters: search for something or pick a filter before saving the search")
    row = session.scalar(select(SavedSearch).where(SavedSearch.employee_id == owner,
                                                   SavedSearch.name == data.name.strip()))
    if row is None:
        count = session.scalar(select(func.count()).select_from(SavedSearch).where(SavedSearch.employee_id == owner))
        if (count or 0) >= MAX_SEARCHES:
            raise Invalid(f"you can keep at most {MAX_SEARCHES} saved searches; delete one first")
        row = SavedSearch(employee_id=owner, name=data.name.strip())
        session.add(row)
    row.filters, row.alert, row.seen_at = data.filters.model_dump(mode="json"), data.alert, utcnow()
    session.flush()
    return _out(session, row)


def list_searches(session: Session, *, actor: Actor) -> list[SavedSearchOut]:
    rows = session.scalars(select(SavedSearch).where(SavedSearch.employee_id == _owner(actor))
                           .order_by(SavedSearch.name, SavedSearch.id))
    return [_out(session, r) for r in rows]


def open_search(session: Session, *, actor: Actor, search_id: int, at: datetime | None = None) -> SavedSearchOut:
    """The search, marked as seen now (its new matches are no longer new)."""
    row = _mine(session, actor, search_id)
    out = _out(session, row)
    row.seen_at = at or utcnow()
    session.flush()
    return out


def delete_search(session: Session, *, actor: Actor, search_id: int) -> None:
    session.delete(_mine(session, actor, search_id))
    session.flush()


def alert_searches(session: Session, *, opportunity: Opportunity) -> int:
    """Tell the owner of every alerting saved search that ``opportunity`` (just opened) matches;
    never the opening's own hiring manager. Returns how many people were told."""
    told: set[int] = set()
    for row in session.scalars(select(SavedSearch).where(SavedSearch.alert.is_(True)).order_by(SavedSearch.id)):
        if row.employee_id in told or row.employee_id == opportunity.hiring_manager_id:
            continue
        if matches_filters(session, opportunity_id=opportunity.id, filters=SearchFilters.model_validate(row.filters)):
            notify(session, employee_id=row.employee_id, kind="search.match",
                   subject=f"New for your search “{row.name}”: {opportunity.title}",
                   link=f"/opportunities/{opportunity.id}")
            told.add(row.employee_id)
    return len(told)
