"""What every document shares: the base model, common field types and KindSpec.

Each kind's own fields, rules, cross-references and scaffold live in its module
(`craftbook.models.lesson`, …); `craftbook.models` gathers them in KIND_SPECS.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
)

from ..text import collapse

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
BLANK = "must not be blank (it holds only spaces); write the text, or remove the key if the field is optional"


def _not_blank(value: str) -> str:
    """Text that shows nothing (spaces, a full-width space, invisible characters) would be
    an empty heading, an empty feed entry or an invisible link: refused like no text."""
    if not collapse(value):
        raise ValueError(BLANK)
    return value


PlainText = Annotated[
    str, StringConstraints(min_length=1), AfterValidator(_not_blank), Field(description="Plain text.")
]
Markdown = Annotated[
    str,
    AfterValidator(_not_blank),
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
    author: PlainText | None = Field(None, description="Who wrote it.")
    publisher: PlainText | None = Field(None, description="Where it appeared.")
    url: Url | None = None
    date: dt.date | None = Field(None, description="Publication date, YYYY-MM-DD.")


class DocumentBase(Model):
    kind: str = Field(description="What sort of document this is.")
    id: Id = Field(
        description="Unique across the library; the page URL derives from it.",
        json_schema_extra={"not": {"enum": sorted(RESERVED_IDS)}},
    )
    title: PlainText = Field(description="Plain-text title.")
    summary: PlainText = Field(description="One paragraph, plain text; shown in lists, search and feeds.")
    roles: list[Role] = Field(default_factory=list, description="Who this concerns.")
    tags: list[PlainText] = Field(default_factory=list, description="Free-form tags.")
    owner: PlainText | None = Field(None, description="Who keeps it true (name or team).")
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


def _may_hold_a_date(annotation: Any, seen: frozenset[type] = frozenset()) -> bool:
    if annotation is dt.date or annotation is dt.datetime:
        return True
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return False
        return any(_may_hold_a_date(f.annotation, seen | {annotation}) for f in annotation.model_fields.values())
    return any(_may_hold_a_date(arg, seen) for arg in get_args(annotation))


@functools.cache
def _date_fields(model: type[BaseModel]) -> tuple[tuple[str, str], ...]:
    """(attribute, key as written) of the fields of `model` that may hold a date: a
    script's steps hold none, so the walk never enters them."""
    return tuple(
        (name, info.alias or name) for name, info in model.model_fields.items() if _may_hold_a_date(info.annotation)
    )


def dates_in(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], dt.date]]:
    """Every date a document holds, with its key path (as written: `from`, not `from_`)."""
    if isinstance(value, dt.date):
        yield path, value
    elif isinstance(value, BaseModel):
        for name, key in _date_fields(type(value)):
            yield from dates_in(getattr(value, name), (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from dates_in(item, (*path, i))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from dates_in(item, (*path, key))


def same_words(text: str) -> str:
    """What two labels are compared by: `"예 "`, `예` and `"YES"`/`yes` are the same
    button to an agent (white space collapsed, case folded)."""
    return collapse(text).casefold()


Reference = tuple[tuple[Any, ...], str, str | None]
"""(key path, referenced id, the kind it must be or None) of one cross-reference."""


def _no_references(doc: Any) -> Iterator[Reference]:
    return iter(())


def _no_rules(doc: Any) -> list[Any]:
    return []


def _no_library_rules(doc: Any, lookup: Callable[[str], Any]) -> list[Any]:
    return []


@dataclass(frozen=True)
class KindSpec:
    """Everything Craftbook knows about one kind, declared once in the kind's module.

    Validation, rendering (`templates/<name>.md.j2`), listings, the schema, scaffolds,
    the CLI's choices and the cross-reference rules all read it from `KIND_SPECS`.
    """

    name: str  # the `kind:` value
    model: type[DocumentBase]
    label: str  # Korean name in the UI: 교육안
    site_folder: str  # URL folder of its pages: lessons/<id>/
    library_folder: str  # where `craftbook new` puts its files under playbooks/
    schema_title: str  # the JSON Schema's title
    summary_hint: str  # the scaffold's summary line
    scaffold: str  # the scaffold's body (str.format fields: common, role, number, date, ref)
    references: Callable[[Any], Iterator[Reference]] = _no_references  # beyond `related`
    rules: Callable[[Any], list[Any]] = _no_rules  # one-document rules beyond field types
    # Rules that look inside the documents it references (lookup: id → document or None),
    # beyond their existence and kind, which `references` already covers.
    library_rules: Callable[[Any, Callable[[str], Any]], list[Any]] = _no_library_rules
    blurb: str = ""  # one Korean sentence on the 문서 overview page: what this kind holds
    # Weight of its pages in search (craftbook.search): a script is what an agent looks
    # for mid-call, so it comes before documents that only mention the situation.
    search_boost: float = 1.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def template(self) -> str:
        return f"{self.name}.md.j2"
