"""The one permission table: which role may do which action, plus the ownership rules that
narrow an allowed action to particular records. `docs/permissions.md` is its written copy and
`tests/web/test_permissions_matrix.py` walks every route × role against it.

Every web route declares exactly one action (or is listed in PUBLIC_PATHS); the route's
dependency checks the role, and the services apply the ownership rules below."""

from __future__ import annotations

from dataclasses import dataclass

EMPLOYEE = "employee"
MANAGER = "manager"
HR_PARTNER = "hr_partner"
HR_ADMIN = "hr_admin"
SYSADMIN = "sysadmin"
ROLES: tuple[str, ...] = (EMPLOYEE, MANAGER, HR_PARTNER, HR_ADMIN, SYSADMIN)

_PEOPLE = frozenset({EMPLOYEE, MANAGER, HR_PARTNER, HR_ADMIN})
_HIRING = frozenset({MANAGER, HR_PARTNER, HR_ADMIN})
_HR = frozenset({HR_PARTNER, HR_ADMIN})
_ALL = frozenset(ROLES)

# action -> roles allowed. Ownership (see the functions below) narrows some of them further.
PERMISSIONS: dict[str, frozenset[str]] = {
    "home.view": _ALL,
    "notifications.view": _ALL,
    "profile.view": _PEOPLE,  # own profile only
    "profile.edit": _PEOPLE,  # own profile only
    "skills.search": _ALL,
    "recommendations.view": _PEOPLE,  # own recommendations; none for people who opted out
    "career.view": _PEOPLE,  # own next moves, paths to a target role, gaps and learning plan
    "mentoring.view": _PEOPLE,  # own mentee requests, mentor profile and pairs
    "mentoring.request": _PEOPLE,  # open a mentee request for oneself
    "mentoring.offer": _PEOPLE,  # offer oneself as a mentor (own mentor profile: skills, capacity, languages)
    "mentoring.match": _HR,  # preview the mentor assignment and propose its pairs (audited)
    "plans.view": _PEOPLE,  # own development plans
    "plans.edit": _PEOPLE,  # create own plans, add goals, mark items done (owner only)
    "searches.view": _PEOPLE,  # own saved searches, with their new matches
    "searches.save": _PEOPLE,  # save, replace or delete own searches; alerts come as notifications
    "succession.view": _HR,  # successors and bench strength of the critical roles
    "marketplace.browse": _PEOPLE,  # open opportunities; drafts only for their owner and HR
    "application.apply": _PEOPLE,
    "application.view_own": _PEOPLE,
    "application.withdraw": _PEOPLE,  # own applications only
    "application.view": _HIRING,  # see can_view_application: confidential rule applies
    "candidates.view": _HIRING,  # shortlist of an opening: its hiring manager or HR
    "application.move": _HIRING,  # hiring manager of the opening, or HR
    "opportunity.manage": _HIRING,  # create / edit / submit / close: owner (hiring manager) or HR
    "opportunity.approve": _HR,
    "time_release.decide": frozenset({MANAGER, HR_PARTNER, HR_ADMIN}),  # the applicant's current manager
    "architecture.manage": frozenset({HR_ADMIN}),
    "audit.view": frozenset({HR_ADMIN, SYSADMIN}),
    "governance.manage": frozenset({HR_ADMIN}),  # company AI switch (audited), model card
    # matching settings: score weights, eligibility rules, skill credit (HR partners read them)
    "matching_config.view": _HR,
    "matching_config.change": frozenset({HR_ADMIN}),  # every change audited with a reason
    "users.manage": frozenset({SYSADMIN}),
    "tokens.manage": frozenset({HR_ADMIN, SYSADMIN}),  # own tokens only
    # any employee's recommendations / candidates / explanations by external id (matching's API)
    "matching.api": _HR,
    # career paths, development plans, mentoring, succession by external id (paths' API)
    "paths.api": _HR,
    # mobility, skills supply and demand, flows, hoarding (analytics' API): aggregates only
    "analytics.view": _HR,
    # fairness audit: outcomes by demographic group; HR admins (the auditors) only
    "fairness.audit": frozenset({HR_ADMIN}),
}

# Routes anyone may reach without signing in.
PUBLIC_PATHS: frozenset[str] = frozenset({
    "/health", "/login", "/logout", "/login/sso", "/login/sso/callback",
    "/static", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json", "/openapi-3.0.json",
    "/api/v1/counts",
})

# Application stages. The offer stage is the first at which a confidential application's
# current manager is told. Nothing moves an application automatically: people decide.
STAGES: tuple[str, ...] = ("submitted", "reviewing", "shortlisted", "interview", "offer", "selected")
CLOSED_STAGES = frozenset({"selected", "rejected", "withdrawn"})
MANAGER_TOLD_FROM = STAGES.index("offer")


def allowed(role: str, action: str) -> bool:
    """Whether ``role`` may perform ``action`` at all (before ownership)."""
    if action not in PERMISSIONS:
        raise KeyError(f"unknown action {action!r}: add it to PERMISSIONS")
    return role in PERMISSIONS[action]


@dataclass(frozen=True)
class Actor:
    """Who is acting: the user's role and the employee they are (if any)."""

    user_id: int
    role: str
    employee_id: int | None

    @property
    def is_hr(self) -> bool:
        return self.role in _HR


@dataclass(frozen=True)
class ApplicationFacts:
    """What the ownership rules need to know about one application."""

    applicant_id: int
    applicant_manager_id: int | None
    hiring_manager_id: int | None
    status: str
    confidential: bool


def manager_is_told(facts: ApplicationFacts) -> bool:
    """A confidential application reaches the applicant's current manager only at the offer stage."""
    if not facts.confidential:
        return True
    return facts.status in STAGES and STAGES.index(facts.status) >= MANAGER_TOLD_FROM


def can_view_application(actor: Actor, facts: ApplicationFacts) -> bool:
    """The applicant always; the opening's hiring manager always; HR unless they are the
    applicant's current manager of a confidential application not yet at offer; the current
    manager once they are told; nobody else."""
    me = actor.employee_id
    if me is not None and me == facts.applicant_id:
        return True
    if me is not None and me == facts.hiring_manager_id:
        return True
    if me is not None and me == facts.applicant_manager_id:
        return manager_is_told(facts)
    return actor.is_hr


def can_move_application(actor: Actor, facts: ApplicationFacts) -> bool:
    """Only the hiring manager of the opening or HR decide; never the applicant themselves."""
    if actor.employee_id is not None and actor.employee_id == facts.applicant_id:
        return False
    if actor.employee_id is not None and actor.employee_id == facts.hiring_manager_id:
        return True
    return actor.is_hr and can_view_application(actor, facts)


def can_manage_opportunity(actor: Actor, hiring_manager_id: int | None) -> bool:
    """The hiring manager owns an opening; HR may manage every opening."""
    return actor.is_hr or (actor.employee_id is not None and actor.employee_id == hiring_manager_id)
