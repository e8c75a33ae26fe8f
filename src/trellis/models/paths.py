"""Individual development plans: goals, chosen courses, mentors and custom goals, with progress."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trellis.models.base import Base, Timestamped
from trellis.models.employee import Employee

PLAN_STATUSES = ("draft", "active", "completed", "cancelled")
PLAN_ITEM_KINDS = ("course", "mentor", "goal")
PLAN_ITEM_STATUSES = ("todo", "in_progress", "done", "dropped")


class DevelopmentPlan(Timestamped, Base):
    """A plan owned by one employee (who edits it); their manager may view it."""

    __tablename__ = "development_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    target_role_id: Mapped[int | None] = mapped_column(ForeignKey("roles.id", ondelete="SET NULL"))
    opportunity_id: Mapped[int | None] = mapped_column(ForeignKey("opportunities.id", ondelete="SET NULL"))
    goals: Mapped[str | None] = mapped_column(Text)
    target_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)

    owner: Mapped[Employee] = relationship(foreign_keys=[employee_id])
    items: Mapped[list[DevelopmentPlanItem]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="DevelopmentPlanItem.position"
    )


class DevelopmentPlanItem(Timestamped, Base):
    __tablename__ = "development_plan_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("development_plans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(16))  # course | mentor | goal
    resource_id: Mapped[int | None] = mapped_column(ForeignKey("learning_resources.id", ondelete="SET NULL"))
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    description: Mapped[str | None] = mapped_column(Text)
    due_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="todo")
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    plan: Mapped[DevelopmentPlan] = relationship(back_populates="items")
