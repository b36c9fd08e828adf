"""Pydantic errors → messages a trainer can act on, located in the YAML file.

Pydantic reports *what* failed with a `loc`; this module adds *where* (through the
loader's SourceMap), *why YAML did that* (a bare `yes` is a boolean, `10:30` a number)
and *the likely fix* ("did you mean …?").
"""

from __future__ import annotations

import difflib
import re
import types
import typing
import unicodedata
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, ValidationError

from .load import FULL_WIDTH_COLONS, KeyPath, LoadedFile, Scalar

Problem = tuple[KeyPath, str, bool]  # (path, message, located at the key rather than the value)


def did_you_mean(word: object, choices: typing.Iterable[object]) -> str:
    options = [str(c) for c in choices]
    close = difflib.get_close_matches(str(word), options, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def id_suggestion(value: object) -> str:
    """`Lesson_One` → ` (did you mean 'lesson-one'?)`: the id a mistyped one most likely meant."""
    suggestion = re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-")
    return f" (did you mean {suggestion!r}?)" if suggestion and suggestion != value else ""


def format_path(path: KeyPath) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(document)"


def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types an annotation may hold (Optional, Annotated, unions flattened)."""
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        out: list[Any] = []
        for arg in get_args(annotation):
            if arg is not type(None):
                out.extend(_unwrap(arg))
        return out
    return [annotation]


def _annotation_at(model: type[BaseModel], path: KeyPath) -> Any:
    """Follow a key path through the model classes; None where it leaves the schema."""
    current: Any = model
    for part in path:
        found = None
        for candidate in _unwrap(current):
            origin = get_origin(candidate)
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                for name, info in candidate.model_fields.items():
                    if part in (name, info.alias):
                        found = info.annotation
                        break
            elif origin is list and isinstance(part, int):
                found = get_args(candidate)[0]
            elif origin is dict:
                found = get_args(candidate)[1]
            if found is not None:
                break
        if found is None:
            return None
        current = found
    return current


def known_keys(model: type[BaseModel], path: KeyPath) -> list[str]:
    for candidate in _unwrap(_annotation_at(model, path)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return [info.alias or name for name, info in candidate.model_fields.items()]
    return []


def literal_choices(model: type[BaseModel], path: KeyPath) -> list[str]:
    for candidate in _unwrap(_annotation_at(model, path)):
        if get_origin(candidate) is Literal:
            return [str(a) for a in get_args(candidate)]
    return []


def _yaml_typing_hint(scalar: Scalar | None) -> str:
    """Explain the YAML 1.1 surprises that turn text into something else."""
    if scalar is None or scalar.quoted:
        return ""
    text = scalar.text
    if scalar.tag.endswith(":bool"):
        return f'; YAML read {text!r} as true/false — put it in quotes: "{text}"'
    if scalar.tag.endswith((":int", ":float")) and ":" in text:
        return f'; YAML read {text!r} as a number (base 60) — put it in quotes: "{text}"'
    if scalar.tag.endswith((":int", ":float")):
        return f'; YAML read {text!r} as a number — put it in quotes: "{text}"'
    if scalar.tag.endswith(":timestamp"):
        return f'; YAML read {text!r} as a date — put it in quotes: "{text}"'
    if scalar.tag.endswith(":null"):
        return "; the value is empty"
    return ""


_TYPE_WORDS = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "date_type": "a date (YYYY-MM-DD)",
    "date_parsing": "a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "a date (YYYY-MM-DD)",
    "list_type": "a list (lines starting with '- ')",
    "dict_type": "a mapping (key: value lines)",
    "model_type": "a mapping (key: value lines)",
    "model_attributes_type": "a mapping (key: value lines)",
}


def _half_width(key: object) -> object:
    """`ｓｕｍｍａｒｙ` → `summary`: what a key typed in a CJK input method's full-width mode meant."""
    return unicodedata.normalize("NFKC", key) if isinstance(key, str) else key


def _shape_hint(kind_type: str, value: Any, model: type[BaseModel], loc: KeyPath) -> str:
    """The fix when a list was written where a mapping belongs, or the other way round."""
    mapping_expected = kind_type in ("dict_type", "model_type", "model_attributes_type")
    if mapping_expected and isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        keys = ", ".join(str(k) for item in value for k in item)
        return f"; remove the '- ' in front of {keys}"
    if mapping_expected and isinstance(value, str) and any(c in value for c in FULL_WIDTH_COLONS + "\u3000"):
        return "; a full-width colon or space does not separate a key from its value: type ':' and a space"
    if kind_type == "list_type" and isinstance(value, dict) and value:
        item_keys = known_keys(model, (*loc, 0))
        if item_keys and all(k in item_keys for k in value):
            first = next(iter(value))
            return f"; each item starts with '- ': write '- {first}: …' and indent the item's other keys under it"
    return ""


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return repr(value)


def _value_at(data: Any, path: KeyPath) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def explain(error: dict[str, Any], loaded: LoadedFile, model: type[BaseModel]) -> Problem:
    """One pydantic error → (path, message, at_key)."""
    # pydantic appends a marker for errors in dict keys; keep plain paths.
    loc: tuple[Any, ...] = tuple(p for p in error["loc"] if p != "[key]")
    kind_type = error["type"]
    where = format_path(loc)
    value = _value_at(loaded.data, loc)
    scalar = loaded.source.scalars.get(loc)

    if kind_type == "missing":
        return loc, f"{where}: required field is missing; add `{loc[-1]}:`", False
    if kind_type == "extra_forbidden":
        keys = known_keys(model, loc[:-1])
        half_width = _half_width(loc[-1])
        if half_width != loc[-1] and half_width in keys:
            return (
                loc,
                f"{where}: key {loc[-1]!r} is typed in full-width characters; "
                f"switch the keyboard to half-width and type {half_width!r}",
                True,
            )
        hint = did_you_mean(half_width, keys)
        if half_width != loc[-1]:
            hint += " (it is typed in full-width characters)"
        expected = ", ".join(keys)
        return loc, f"{where}: unknown key {loc[-1]!r}{hint}; expected one of: {expected}", True
    if kind_type == "literal_error":
        choices = literal_choices(model, loc) or []
        return (
            loc,
            f"{where}: expected one of {', '.join(repr(c) for c in choices)}, got {_describe(value)}"
            f"{did_you_mean(value, choices)}{_yaml_typing_hint(scalar)}",
            False,
        )
    if kind_type == "string_pattern_mismatch":
        return (
            loc,
            f"{where}: expected an id of lowercase letters, digits and single hyphens, got {value!r}"
            f"{id_suggestion(value)}",
            False,
        )
    if kind_type == "too_short":
        return loc, f"{where}: must not be empty", False
    if kind_type == "string_too_short":
        return loc, f"{where}: expected text, got an empty value; write it or remove the key", False
    if kind_type in ("greater_than", "greater_than_equal"):
        limit = error.get("ctx", {}).get("gt", error.get("ctx", {}).get("ge"))
        op = ">" if kind_type == "greater_than" else "≥"
        return loc, f"{where}: expected a number {op} {limit}, got {_describe(value)}", False
    if kind_type in _TYPE_WORDS:
        return (
            loc,
            (
                f"{where}: expected {_TYPE_WORDS[kind_type]}, got {_describe(value)}"
                f"{_yaml_typing_hint(scalar)}{_shape_hint(kind_type, value, model, loc)}"
            ),
            False,
        )
    if kind_type == "value_error":
        message = str(error.get("ctx", {}).get("error", error["msg"]))
        return loc, f"{where}: {message}", False
    return loc, f"{where}: {error['msg']}{_yaml_typing_hint(scalar)}", False


def explain_validation_error(exc: ValidationError, loaded: LoadedFile, model: type[BaseModel]) -> list[Problem]:
    errors = exc.errors(include_url=False)
    # A full-width `ｓｕｍｍａｒｙ:` also makes `summary` missing; one message names the fix.
    typed_full_width = {
        (*e["loc"][:-1], _half_width(e["loc"][-1]))
        for e in errors
        if e["type"] == "extra_forbidden" and _half_width(e["loc"][-1]) != e["loc"][-1]
    }
    return [
        explain(e, loaded, model)
        for e in errors
        if not (e["type"] == "missing" and tuple(e["loc"]) in typed_full_width)
    ]
