"""The JSON Schema editors use must agree with `craftbook check` on what a document is."""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from craftbook.cli import main
from craftbook.errors import ValidationFailed
from craftbook.library import load_library
from craftbook.load import load_file
from craftbook.models import KINDS, MODEL_BY_KIND
from craftbook.resources import SCHEMA
from craftbook.scaffold import scaffold
from craftbook.schema import DIALECT, SCHEMA_ID, schema, schema_text
from jsonschema import Draft202012Validator
from pydantic import ValidationError

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = Path(__file__).resolve().parent / "fixtures" / "minimal"
MINIMAL_FILES = sorted(MINIMAL.glob("*.yaml"))


def as_editor_sees(value: Any) -> Any:
    """YAML 1.2 editors see dates as strings and every key as text; PyYAML does not."""
    if isinstance(value, dict):
        return {str(k): as_editor_sees(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_editor_sees(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@functools.cache
def validator(kind: str | None = None) -> Draft202012Validator:
    return Draft202012Validator(schema(kind), format_checker=Draft202012Validator.FORMAT_CHECKER)


def errors(data: dict[str, Any], kind: str | None = None) -> list[str]:
    return [e.message for e in validator(kind).iter_errors(data)]


def load(path: Path) -> dict[str, Any]:
    loaded = load_file(path, path.name)
    assert not isinstance(loaded, Exception) and hasattr(loaded, "data"), loaded
    return as_editor_sees(loaded.data)


def test_shipped_schema_is_what_craftbook_schema_prints() -> None:
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0, result.output
    shipped = SCHEMA.read_text(encoding="utf-8")
    assert result.output == shipped, f"{SCHEMA} is stale: run `craftbook schema > {SCHEMA.relative_to(ROOT)}`"


@pytest.mark.parametrize("kind", [None, *KINDS])
def test_schema_is_draft_2020_12_with_an_id(kind: str | None) -> None:
    body = json.loads(schema_text(kind))
    Draft202012Validator.check_schema(body)
    assert body["$schema"] == DIALECT
    assert body["$id"] == (SCHEMA_ID if kind is None else f"{SCHEMA_ID}:{kind}")


def test_cli_prints_one_kind() -> None:
    result = CliRunner().invoke(main, ["schema", "lesson"])
    assert result.exit_code == 0
    assert json.loads(result.output)["properties"]["kind"]["const"] == "lesson"
    assert CliRunner().invoke(main, ["schema", "lessn"]).exit_code == 2


@pytest.mark.parametrize("path", MINIMAL_FILES, ids=lambda p: p.name)
def test_every_valid_document_validates(path: Path) -> None:
    data = load(path)
    assert errors(data) == []
    assert errors(data, data["kind"]) == []


INVALID_ON_PURPOSE = {"invalid", "authoring"}
LIBRARIES = [
    ROOT / "playbooks",
    *(p for p in sorted((ROOT / "tests" / "fixtures").iterdir()) if p.is_dir() and p.name not in INVALID_ON_PURPOSE),
]


@pytest.mark.parametrize("root", LIBRARIES, ids=lambda p: p.name)
def test_every_document_craftbook_accepts_validates(root: Path) -> None:
    try:
        library = load_library(root)
    except ValidationFailed:
        pytest.skip(f"{root.name} does not validate right now; nothing to compare")
    rejected = {e.file.name: errors(as_editor_sees(e.file.data)) for e in library}
    assert {name: found for name, found in rejected.items() if found} == {}


def test_the_fixture_library_is_valid_for_craftbook_too() -> None:
    # Guards the test above: it proves agreement only if these documents are valid.
    assert len(load_library(MINIMAL)) == len(MINIMAL_FILES)


@pytest.mark.parametrize("kind", KINDS)
def test_every_scaffold_validates(kind: str) -> None:
    import yaml

    data = as_editor_sees(yaml.safe_load(scaffold(kind, f"new-{kind}", today=dt.date(2026, 1, 2))))
    assert errors(data) == []


@functools.cache
def _documents() -> dict[str, dict[str, Any]]:
    return {(data := load(path))["kind"]: data for path in MINIMAL_FILES}


def _document(kind: str) -> dict[str, Any]:
    return copy.deepcopy(_documents()[kind])


def test_wrong_kind_is_rejected() -> None:
    data = _document("lesson")
    data["kind"] = "lessn"
    assert errors(data) == ["'lessn' is not one of " + repr(list(KINDS))]


def test_missing_kind_is_rejected() -> None:
    data = _document("lesson")
    del data["kind"]
    assert errors(data) == ["'kind' is a required property"]


@pytest.mark.parametrize("bad", ["Lesson-Diagnosis", "lesson_diagnosis", "lesson--diagnosis", "-lesson", "해지", ""])
def test_bad_id_is_rejected(bad: str) -> None:
    data = _document("lesson")
    data["id"] = bad
    assert errors(data) == [f"{bad!r} does not match '^[a-z0-9]+(-[a-z0-9]+)*$'"]


def test_reserved_id_is_rejected_as_craftbook_check_rejects_it() -> None:
    data = _document("lesson")
    data["id"] = "index"
    assert errors(data) == ["'index' should not be valid under {'enum': ['index']}"]


def _required(kind: str) -> list[str]:
    return [info.alias or name for name, info in MODEL_BY_KIND[kind].model_fields.items() if info.is_required()]


@pytest.mark.parametrize(
    ("kind", "field"),
    [(kind, field) for kind in KINDS for field in _required(kind)],
)
def test_missing_required_field_is_rejected(kind: str, field: str) -> None:
    data = _document(kind)
    del data[field]
    assert f"{field!r} is a required property" in errors(data)
    assert f"{field!r} is a required property" in errors(data, kind)


@pytest.mark.parametrize(
    ("kind", "mutate", "message"),
    [
        ("lesson", lambda d: d.update(sumary="x"), "Additional properties are not allowed ('sumary' was unexpected)"),
        ("edition", lambda d: d.update(date="2026-13-01"), "'2026-13-01' is not a 'date'"),
        ("script", lambda d: d["steps"].update(Open=d["steps"]["open"]), "'Open' does not match any of the regexes"),
        ("scorecard", lambda d: d.update(channel="phone"), "'phone' is not one of"),
        ("lesson", lambda d: d["quiz"][0].update(choices=["only one"]), "['only one'] is too short"),
        ("scorecard", lambda d: d["sections"][0]["criteria"][0]["anchors"].update(high="x"), "'high' does not match"),
        ("role-playbook", lambda d: d.update(roles=["boss"]), "'boss' is not one of"),
    ],
)
def test_schema_rejects_what_craftbook_rejects(kind: str, mutate: Any, message: str) -> None:
    data = _document(kind)
    mutate(data)
    found = errors(data)
    assert any(message in e for e in found), found
    with pytest.raises(ValidationError):
        MODEL_BY_KIND[kind].model_validate(data)
