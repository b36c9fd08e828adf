"""The authoring contract, declared once: one pydantic class per kind.

Validation, `craftbook schema`, scaffolds and reference docs all derive from these
classes, so a field's meaning lives in its `description=` and nowhere else. Rules that
need the whole library (references, cycles) live in `craftbook.library`; rules that
need only one document live here or in `craftbook.rules`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
# A document id that would take the place of a page the site needs: <kind folder>/index/
# is each kind's listing.
RESERVED_IDS = frozenset({"index"})


def reserved_id_problem(doc_id: str) -> str:
    """Why a reserved id cannot name a document, and what to write instead."""
    return f"{doc_id!r} is the name of each kind's listing page; choose another id, e.g. {doc_id}-1"


ALLOWED_URL_SCHEMES = ("http", "https", "mailto")

Role = Literal["agent", "trainer", "qa", "supervisor", "manager"]
ROLES: tuple[str, ...] = ("agent", "trainer", "qa", "supervisor", "manager")
Kind = Literal["role-playbook", "lesson", "scorecard", "script", "resource", "edition"]
KINDS: tuple[str, ...] = ("role-playbook", "lesson", "scorecard", "script", "resource", "edition")
Outcome = Literal["retained", "downgraded", "cancelled", "escalated", "resolved"]
Cadence = Literal["per-contact", "daily", "weekly", "monthly", "quarterly"]
Method = Literal["lecture", "discussion", "demo", "role-play", "practice", "quiz", "reflection"]
Channel = Literal["call", "chat", "email", "messenger"]


def _url_allowed(value: str) -> str:
    match = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):", value.strip())
    if match and match.group(1).lower() not in ALLOWED_URL_SCHEMES:
        raise ValueError(f"links may only be http, https, mailto or relative, not {match.group(1)!r}")
    return value.strip()


Id = Annotated[
    str,
    StringConstraints(pattern=ID_PATTERN),
    Field(description="Lowercase letters, digits and single hyphens, e.g. `qa-retention-call`."),
]
PlainText = Annotated[str, StringConstraints(min_length=1), Field(description="Plain text.")]
Markdown = Annotated[
    str,
    Field(
        description="Markdown. Raw HTML is shown as text; links may be http, https, mailto or relative.",
        json_schema_extra={"x-craftbook-format": "markdown"},
    ),
]
Url = Annotated[
    str,
    AfterValidator(_url_allowed),
    Field(description="An http, https or mailto link, or a relative path."),
]


class Model(BaseModel):
    """Unknown keys are errors: a misspelt `sumary:` must not silently lose its text."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class Source(Model):
    title: PlainText = Field(description="Title of the work cited.")
    author: str | None = Field(None, description="Who wrote it.")
    publisher: str | None = Field(None, description="Where it appeared.")
    url: Url | None = None
    date: dt.date | None = Field(None, description="Publication date, YYYY-MM-DD.")


class DocumentBase(Model):
    kind: Kind = Field(description="What sort of document this is.")
    id: Id = Field(
        description="Unique across the library; the page URL derives from it.",
        json_schema_extra={"not": {"enum": sorted(RESERVED_IDS)}},
    )
    title: PlainText = Field(description="Plain-text title.")
    summary: PlainText = Field(description="One paragraph, plain text; shown in lists, search and feeds.")
    roles: list[Role] = Field(default_factory=list, description="Who this concerns.")
    tags: list[PlainText] = Field(default_factory=list, description="Free-form tags.")
    owner: str | None = Field(None, description="Who keeps it true (name or team).")
    reviewed: dt.date | None = Field(None, description="Date (YYYY-MM-DD) it was last checked.")
    review_every: int = Field(180, gt=0, description="Days between reviews; past it the page says it is stale.")
    status: Literal["published", "draft", "retired"] = Field(
        "published", description="`draft` is left out unless drafts are asked for."
    )
    access: Literal["public", "members"] = Field(
        "public", description="`members` documents appear only in `--audience members` builds."
    )
    sources: list[Source] = Field(default_factory=list, description="Works this document draws on.")
    related: list[Id] = Field(default_factory=list, description="Ids of related documents.")

    @property
    def all_roles(self) -> list[str]:
        return list(self.roles)


# ---------------------------------------------------------------- role-playbook


class Shift(Model):
    from_: PlainText = Field(alias="from", description="The old way of doing the job.")
    to: PlainText = Field(description="The new way.")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Crafting(Model):
    task: list[PlainText] = Field(default_factory=list, description="Change what you do.")
    relational: list[PlainText] = Field(default_factory=list, description="Change whom you work with and how.")
    cognitive: list[PlainText] = Field(default_factory=list, description="Change how you see the job.")

    @model_validator(mode="after")
    def _one_line_at_least(self) -> Crafting:
        if not (self.task or self.relational or self.cognitive):
            raise ValueError("at least one of task, relational, cognitive must list something")
        return self


class Practice(Model):
    title: PlainText
    cadence: Cadence = Field(description="How often the practice happens.")
    steps: list[PlainText] = Field(min_length=1)
    signals: list[PlainText] = Field(default_factory=list, description="How you know it works.")


class Metric(Model):
    name: PlainText
    why: PlainText | None = None
    target: str | None = Field(None, description="Free text.")


class RolePlaybook(DocumentBase):
    kind: Literal["role-playbook"]
    role: Role = Field(description="The role whose job this move re-crafts.")
    shift: Shift
    why: Markdown | None = None
    crafting: Crafting
    practices: list[Practice] = Field(min_length=1)
    metrics: list[Metric] = Field(default_factory=list)
    pitfalls: list[PlainText] = Field(default_factory=list)
    lessons: list[Id] = Field(default_factory=list, description="Ids of lessons.")
    scripts: list[Id] = Field(default_factory=list, description="Ids of scripts.")

    @property
    def all_roles(self) -> list[str]:
        return [self.role, *[r for r in self.roles if r != self.role]]


# ---------------------------------------------------------------- lesson


class AgendaItem(Model):
    minutes: int = Field(gt=0)
    method: Method
    activity: PlainText
    notes: Markdown | None = None


class Roleplay(Model):
    scenario: PlainText
    customer: PlainText | None = Field(None, description="The customer's situation and mood.")
    agent_goal: PlainText | None = None
    script: Id | None = Field(None, description="Id of a script.")


class QuizItem(Model):
    question: PlainText
    choices: list[PlainText] = Field(min_length=2)
    answer: int = Field(ge=0, description="0-based index into choices.")
    explanation: Markdown | None = None


class Lesson(DocumentBase):
    kind: Literal["lesson"]
    audience: PlainText | None = None
    duration: int = Field(gt=0, description="Minutes; must equal the sum of agenda minutes.")
    objectives: list[PlainText] = Field(min_length=1)
    prerequisites: list[Id] = Field(default_factory=list, description="Ids of lessons; no cycles.")
    agenda: list[AgendaItem] = Field(min_length=1)
    roleplays: list[Roleplay] = Field(default_factory=list)
    quiz: list[QuizItem] = Field(default_factory=list)
    materials: list[PlainText] = Field(default_factory=list)


# ---------------------------------------------------------------- scorecard


class Criterion(Model):
    id: Id
    text: PlainText
    points: int = Field(gt=0)
    critical: bool = Field(False, description="Failing it fails the whole evaluation.")
    anchors: dict[int, PlainText] = Field(default_factory=dict, description="Score → what that score looks like.")


class Section(Model):
    title: PlainText
    weight: int = Field(gt=0, description="Section weights sum to 100.")
    criteria: list[Criterion] = Field(min_length=1)


class Scorecard(DocumentBase):
    kind: Literal["scorecard"]
    channel: Channel
    sections: list[Section] = Field(min_length=1)
    calibration: Markdown | None = None


# ---------------------------------------------------------------- script


class Branch(Model):
    when: PlainText = Field(description="What the customer says or does.")
    go: str = Field(description="Id of the next step.")


class Step(Model):
    say: Markdown = Field(description="What the agent says.")
    listen: Markdown | None = None
    tip: Markdown | None = None
    next: list[Branch] | None = Field(None, min_length=1)
    outcome: Outcome | None = None


StepId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]


class Objection(Model):
    objection: PlainText
    response: Markdown


class Script(DocumentBase):
    kind: Literal["script"]
    scenario: PlainText | None = None
    goal: PlainText | None = None
    compliance: list[PlainText] = Field(default_factory=list, description="Lines the agent must say.")
    start: str = Field(description="Id of the first step.")
    steps: dict[StepId, Step] = Field(min_length=1)
    objections: list[Objection] = Field(default_factory=list)


# ---------------------------------------------------------------- resource, edition


class Resource(DocumentBase):
    kind: Literal["resource"]
    url: Url | None = None
    author: str | None = None
    publisher: str | None = None
    published: dt.date | None = None
    takeaways: list[PlainText] = Field(default_factory=list)


class Pick(Model):
    ref: Id = Field(description="Any id in the library.")
    note: PlainText | None = Field(None, description="Why this pick is in this edition.")


class Edition(DocumentBase):
    kind: Literal["edition"]
    number: int = Field(gt=0, description="Unique, increasing.")
    date: dt.date
    intro: Markdown | None = None
    picks: list[Pick] = Field(min_length=1)


Document = RolePlaybook | Lesson | Scorecard | Script | Resource | Edition

MODEL_BY_KIND: dict[str, type[DocumentBase]] = {
    "role-playbook": RolePlaybook,
    "lesson": Lesson,
    "scorecard": Scorecard,
    "script": Script,
    "resource": Resource,
    "edition": Edition,
}
