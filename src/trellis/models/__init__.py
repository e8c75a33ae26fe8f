"""All ORM models, imported here so that ``Base.metadata`` knows every table."""

from trellis.models.account import ApiToken, LoginAttempt, Notification, TimeRelease, User, UserSession
from trellis.models.base import Base
from trellis.models.employee import (
    Employee,
    EmployeeSkill,
    JobHistory,
    Preferences,
    ProtectedAttributes,
    TargetRole,
)
from trellis.models.event import AuditEvent, RecommendationEvent
from trellis.models.governance import CompanySetting
from trellis.models.learning import LearningResource, LearningSkill
from trellis.models.matching import MatchingChange, OpportunityVisibility, PerformancePlan
from trellis.models.mentoring import (
    MenteeGoal,
    MenteeRequest,
    MentoringConstraint,
    MentoringPair,
    MentorProfile,
    MentorSkill,
)
from trellis.models.opportunity import Application, Opportunity, OpportunitySkill
from trellis.models.org import Location, OrgUnit
from trellis.models.paths import DevelopmentPlan, DevelopmentPlanItem
from trellis.models.role import JobFamily, Role, RoleSkill
from trellis.models.search import SavedSearch
from trellis.models.skill import Occupation, OccupationSkill, Skill, SkillRelation, Taxonomy

__all__ = [
    "ApiToken",
    "Application",
    "AuditEvent",
    "Base",
    "CompanySetting",
    # career paths and mentoring
    "DevelopmentPlan",
    "DevelopmentPlanItem",
    "Employee",
    "EmployeeSkill",
    "JobFamily",
    "JobHistory",
    "LearningResource",
    "LearningSkill",
    "Location",
    "LoginAttempt",
    "MatchingChange",
    "MenteeGoal",
    "MenteeRequest",
    "MentorProfile",
    "MentorSkill",
    "MentoringConstraint",
    "MentoringPair",
    "Notification",
    "Occupation",
    "OccupationSkill",
    "Opportunity",
    "OpportunitySkill",
    "OpportunityVisibility",
    "OrgUnit",
    "PerformancePlan",
    "Preferences",
    "ProtectedAttributes",
    "RecommendationEvent",
    "Role",
    "RoleSkill",
    "SavedSearch",
    "Skill",
    "SkillRelation",
    "TargetRole",
    "Taxonomy",
    "TimeRelease",
    "User",
    "UserSession",
]
