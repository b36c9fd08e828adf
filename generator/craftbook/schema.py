"""JSON Schema (draft 2020-12) for the YAML a trainer writes, derived from the models.

Editors (VS Code's YAML extension and anything else on yaml-language-server) read it to
offer completion, hover help and inline errors while a trainer types, long before
`craftbook check` runs. It is generated, never hand-written, so it cannot drift from the
pydantic classes; `schema.json` in the package is this output, and a test fails when
the two differ. A content project keeps a copy for its editors at `PROJECT_COPY`
(`craftbook init` writes it; after an upgrade `craftbook schema > PROJECT_COPY`).

Editors read YAML 1.2, where a date is just a string: date fields are strings in the
`date` format, which is also what `craftbook check` accepts. The rules that need arithmetic
or the whole library (sums, script graphs, references) stay in `craftbook check`.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue, models_json_schema
from pydantic_core import core_schema

from .models import KINDS, MODEL_BY_KIND, SPEC_BY_KIND

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "urn:craftbook:schema"
PROJECT_COPY = ".vscode/craftbook.schema.json"
"""Where a content project keeps the combined schema for its editors, from its root."""


class _Generator(GenerateJsonSchema):
    """pydantic's generator, tightened where its output is looser than validation."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        # Auto-titles ("Review Every") only repeat the key in editor hovers; descriptions say more.
        return False

    def dict_schema(self, schema: core_schema.DictSchema) -> JsonSchemaValue:
        result = super().dict_schema(schema)
        keys = schema.get("keys_schema") or {}
        if keys.get("type") == "int":
            # YAML `0:` arrives in an editor as the key "0"; craftbook reads it as a score.
            result["propertyNames"] = {"pattern": "^[0-9]+$"}
        if "patternProperties" in result and "additionalProperties" not in result:
            # pydantic refuses keys that miss the pattern (step ids); so must the schema.
            result["additionalProperties"] = False
        return result


def _per_kind_id(kind: str) -> str:
    return f"{SCHEMA_ID}:{kind}"


def kind_schema(kind: str) -> dict[str, Any]:
    """The schema of one kind, standalone."""
    model = MODEL_BY_KIND[kind]
    body = model.model_json_schema(schema_generator=_Generator, mode="validation")
    body.pop("title", None)
    return {
        "$schema": DIALECT,
        "$id": _per_kind_id(kind),
        "title": f"Craftbook {SPEC_BY_KIND[kind].schema_title}",
        **body,
    }


def combined_schema() -> dict[str, Any]:
    """One schema for every document, switching on `kind`.

    `if`/`then` per kind rather than pydantic's `oneOf`: an editor then reports the
    errors of the kind the trainer wrote, not "matches none of six alternatives".
    """
    models = [(MODEL_BY_KIND[kind], "validation") for kind in KINDS]
    refs, defs = models_json_schema(models, schema_generator=_Generator)  # type: ignore[arg-type]
    branches = []
    for kind in KINDS:
        ref = refs[(MODEL_BY_KIND[kind], "validation")]
        branches.append(
            {
                "if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
                "then": ref,
            }
        )
    return {
        "$schema": DIALECT,
        "$id": SCHEMA_ID,
        "title": "Craftbook document",
        "description": f"One YAML file in playbooks/, of one kind: {', '.join(KINDS)}.",
        "type": "object",
        "required": ["kind", "id", "title", "summary"],
        "properties": {
            "kind": {"description": "What sort of document this is.", "enum": list(KINDS)},
        },
        "allOf": branches,
        "$defs": defs.get("$defs", {}),
    }


def schema(kind: str | None = None) -> dict[str, Any]:
    """The combined schema, or one kind's."""
    return combined_schema() if kind is None else kind_schema(kind)


def schema_text(kind: str | None = None) -> str:
    """The schema as the file the repository ships: stable key order, UTF-8, final newline."""
    return json.dumps(schema(kind), indent=2, ensure_ascii=False) + "\n"
