"""The authoring contract, declared once: one module per kind, gathered here.

A kind is its module (its pydantic model, one-document rules, cross-references,
scaffold and labels in a `KindSpec`), its template `templates/<kind>.md.j2` and the
regenerated schema; everything else — validation, listings, the CLI's choices, the
schema, `craftbook new` — reads `KIND_SPECS`. A field's meaning lives in its
`description=` and nowhere else. Rules that need the whole library (references,
cycles) live in `craftbook.library`.
"""

from __future__ import annotations

from collections.abc import Iterator

from . import edition, glossary, lesson, resource, role_playbook, scorecard, script
from .base import (
    ID_PATTERN,
    RESERVED_IDS,
    ROLES,
    Cadence,
    Channel,
    DocumentBase,
    Id,
    KindSpec,
    Markdown,
    Method,
    Model,
    Outcome,
    PlainText,
    Reference,
    Role,
    Source,
    Url,
    reserved_id_problem,
)
from .edition import Edition, Pick
from .glossary import Glossary, Term
from .lesson import AgendaItem, Lesson, QuizItem, Roleplay
from .resource import Resource
from .role_playbook import Crafting, Metric, Practice, RolePlaybook, Shift
from .scorecard import Change, Criterion, PastVersion, Scorecard, Section
from .script import Branch, Objection, Script, Step

# The order of the contract: listings, the home page, the schema and `craftbook new`.
KIND_SPECS: tuple[KindSpec, ...] = (
    role_playbook.SPEC,
    lesson.SPEC,
    scorecard.SPEC,
    script.SPEC,
    resource.SPEC,
    edition.SPEC,
    glossary.SPEC,
)
SPEC_BY_KIND: dict[str, KindSpec] = {spec.name: spec for spec in KIND_SPECS}
KINDS: tuple[str, ...] = tuple(SPEC_BY_KIND)
MODEL_BY_KIND: dict[str, type[DocumentBase]] = {spec.name: spec.model for spec in KIND_SPECS}


def references(doc: DocumentBase) -> Iterator[Reference]:
    """Every cross-reference of a document: `related`, then its kind's own fields."""
    for i, ref in enumerate(doc.related):
        yield ("related", i), ref, None
    yield from SPEC_BY_KIND[doc.kind].references(doc)


def document_rules(doc: DocumentBase) -> list:
    """The one-document rules of the document's kind (sums, ranges, script graphs)."""
    return SPEC_BY_KIND[doc.kind].rules(doc)


__all__ = [
    "ID_PATTERN",
    "KINDS",
    "KIND_SPECS",
    "MODEL_BY_KIND",
    "RESERVED_IDS",
    "ROLES",
    "SPEC_BY_KIND",
    "AgendaItem",
    "Branch",
    "Cadence",
    "Change",
    "Channel",
    "Crafting",
    "Criterion",
    "DocumentBase",
    "Edition",
    "Glossary",
    "Id",
    "KindSpec",
    "Lesson",
    "Markdown",
    "Method",
    "Metric",
    "Model",
    "Objection",
    "Outcome",
    "PastVersion",
    "Pick",
    "PlainText",
    "Practice",
    "QuizItem",
    "Reference",
    "Resource",
    "Role",
    "RolePlaybook",
    "Roleplay",
    "Scorecard",
    "Script",
    "Section",
    "Shift",
    "Source",
    "Step",
    "Term",
    "Url",
    "document_rules",
    "references",
    "reserved_id_problem",
]
