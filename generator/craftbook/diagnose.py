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

from .load import FULL_WIDTH_COLONS, LEADING_ZERO, ODD_SPACES, KeyPath, LoadedFile, Scalar, space_label

Problem = tuple[KeyPath, str, bool]  # (path, message, located at the key rather than the value)


def did_you_mean(word: object, choices: typing.Iterable[object]) -> str:
    options = [str(c) for c in choices]
    close = difflib.get_close_matches(str(word), options, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def one_of(word: object, choices: typing.Sequence[object], what: str) -> str:
    """The fix for a name that matches nothing: the close one (did you mean …?), else the
    names there are (`; the steps are: open, offer, close`), a few at most."""
    close = did_you_mean(word, choices)
    if close:
        return close
    if not choices:
        return ""
    names = ", ".join(str(c) for c in list(choices)[:8]) + (", …" if len(choices) > 8 else "")
    return f"; {what}: {names}"


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


def _whole(value: object) -> str:
    """The whole number a value most likely meant (33.3 → 33), or a generic example."""
    try:
        return str(round(float(str(value).replace(",", ""))))
    except ValueError:
        return "30"


def _yaml_typing_hint(scalar: Scalar | None) -> str:
    """Explain the YAML 1.1 surprises that turn text into something else."""
    if scalar is None or scalar.quoted:
        return ""
    text = scalar.text
    if scalar.tag.endswith(":bool"):
        return f'; YAML read {text!r} as true/false — put it in quotes: "{text}"'
    if scalar.tag.endswith((":int", ":float")) and ":" in text:
        return f'; YAML read {text!r} as a number (base 60) — put it in quotes: "{text}"'
    if scalar.tag.endswith(":int") and LEADING_ZERO.fullmatch(text):
        return f'; YAML read {text!r} as an octal (base-8) number — put it in quotes: "{text}"'
    if scalar.tag.endswith((":int", ":float")):
        return f'; YAML read {text!r} as a number — put it in quotes: "{text}"'
    if scalar.tag.endswith(":timestamp"):
        return f'; YAML read {text!r} as a date — put it in quotes: "{text}"'
    if scalar.tag.endswith(":null"):
        return "; the value is empty: write it after the colon"
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
    """`ｓｕｍｍａｒｙ` → `summary`: what a key typed in a CJK input method's full-width mode
    meant. Only full-width forms (U+FF01–U+FF5E) are turned back: a non-breaking space
    is another slip, explained on its own (`_odd_space_key`)."""
    if not isinstance(key, str):
        return key
    return "".join(unicodedata.normalize("NFKC", c) if "\uff01" <= c <= "\uff5e" else c for c in key)


def _odd_space_key(key: object, keys: list[str]) -> str | None:
    """A key holding a space that is not one (U+00A0 from Option+Space or a web page, a
    full-width space): say which character, where, and the key it most likely meant."""
    if not isinstance(key, str):
        return None
    odd = next((c for c in key if c in ODD_SPACES), None)
    if odd is None:
        return None
    meant = _half_width(key.replace(odd, " ").strip())
    candidates = {str(meant), str(meant).replace(" ", "_"), str(meant).replace(" ", "")}
    known = next((k for k in keys if k in candidates), None)
    where = "ends in" if key.endswith(odd) else "starts with" if key.startswith(odd) else "holds"
    fix = f"retype it as {known!r}" if known else "retype it with plain characters"
    return f"key {key!r} {where} {space_label(odd)}, which is not a space to YAML; {fix}"


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


def _text_hint(kind_type: str, value: Any) -> str:
    """The fix when a number or date was typed as text a person reads fine: full-width
    digits (３０), a unit after the number (30분), a two-digit year (26-11-01)."""
    if not isinstance(value, str):
        return ""
    half = unicodedata.normalize("NFKC", value).strip()
    if half != value.strip() and kind_type.startswith(("int", "date")):
        return f"; it is typed in full-width characters: type {half!r} in half-width"
    if kind_type.startswith("int"):
        number = re.fullmatch(r"\s*([0-9]+)\s*[^0-9\s.,:]+\s*", value)
        if number:
            return f"; write the number alone, without a unit: {number.group(1)}"
    if kind_type.startswith("date"):
        short = re.fullmatch(r"\s*(\d{2})[-./](\d{1,2})[-./](\d{1,2})\s*", value)
        if short:
            year, month, day = short.groups()
            return f"; write the year in four digits, month and day in two: 20{year}-{int(month):02d}-{int(day):02d}"
        if re.fullmatch(r"\s*\d{4}[./]\d{1,2}[./]\d{1,2}\s*", value):
            year, month, day = re.split(r"[./]", value.strip())
            return f"; write it with hyphens: {year}-{int(month):02d}-{int(day):02d}"
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
        odd = _odd_space_key(loc[-1], keys)
        if odd is not None:
            return loc, f"{format_path(loc[:-1]) + ': ' if loc[:-1] else ''}{odd}", True
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
        least = error.get("ctx", {}).get("min_length", 1)
        if isinstance(value, list | dict):
            if least == 1:
                how = "a line starting with '- '" if isinstance(value, list) else "a key: value line"
                return loc, f"{where}: must not be empty; add at least one item as {how}", False
            how = "lines starting with '- '" if isinstance(value, list) else "key: value lines"
            return loc, f"{where}: needs at least {least} items, got {len(value)}; add them as {how}", False
        return loc, f"{where}: must not be empty; write the text, or remove the key if the field is optional", False
    if kind_type == "string_too_short":
        return loc, f"{where}: expected text, got an empty value; write it or remove the key", False
    if kind_type in ("greater_than", "greater_than_equal"):
        limit = error.get("ctx", {}).get("gt", error.get("ctx", {}).get("ge"))
        op = ">" if kind_type == "greater_than" else "≥"
        least = limit + 1 if kind_type == "greater_than" else limit
        return loc, f"{where}: expected a number {op} {limit}, got {_describe(value)}; write {least} or more", False
    if kind_type in _TYPE_WORDS:
        # "Put it in quotes" keeps a value as text: right where text is expected, wrong where a
        # whole number is (quoting 33.3 still is not one), which needs its own fix.
        if kind_type in ("int_from_float", "int_type") and isinstance(value, float):
            typing_hint = f"; write a whole number without a decimal point, e.g. {_whole(value)}"
        else:
            typing_hint = _yaml_typing_hint(scalar)
        return (
            loc,
            (
                f"{where}: expected {_TYPE_WORDS[kind_type]}, got {_describe(value)}"
                f"{typing_hint}{_shape_hint(kind_type, value, model, loc)}{_text_hint(kind_type, value)}"
            ),
            False,
        )
    if kind_type == "value_error":
        message = str(error.get("ctx", {}).get("error", error["msg"]))
        return loc, f"{where}: {message}", False
    return loc, f"{where}: {error['msg']}{_yaml_typing_hint(scalar)}", False


def _wants_int(model: type[BaseModel], path: KeyPath, *, key: bool = False) -> bool:
    """Does the schema want a whole number at `path` (or, `key`, as the key of `path`)?"""
    annotation = _annotation_at(model, path[:-1] if key else path)
    for candidate in _unwrap(annotation):
        if key:
            if get_origin(candidate) is dict and get_args(candidate)[0] is int:
                return True
        elif candidate is int:
            return True
    return False


_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")


def number_spelling(loaded: LoadedFile, model: type[BaseModel]) -> list[Problem]:
    """Whole numbers YAML reads as something else than the digits show: `030` is octal
    24, `0x1E` hexadecimal, `1:30` base 60 (90), `1_000` a thousand; and `08`, which it
    reads as text that pydantic would turn into 8. Every integer field and key refuses
    them, so what the page says is what the author typed. (A number in a text field is
    another message: `title: 030` → expected text.)"""
    problems: list[Problem] = []
    for table, at_key in ((loaded.source.scalars, False), (loaded.source.key_scalars, True)):
        for path, scalar in table.items():
            text = scalar.text.strip()
            if scalar.quoted or _DECIMAL.fullmatch(text):
                continue
            if not scalar.tag.endswith((":int", ":str")) or not _wants_int(model, path, key=at_key):
                continue
            digits = text.replace("_", "")
            value = _value_at(loaded.data, path) if not at_key else path[-1]
            where = format_path(path[:-1] if at_key else path)
            shown = f"the key {text!r}" if at_key else repr(text)
            if LEADING_ZERO.fullmatch(text):
                meant = int(digits, 10)
                if scalar.tag.endswith(":int"):
                    read = f"so YAML reads it as an octal (base-8) number, {value}"
                else:
                    read = "which YAML keeps for octal (base-8) numbers"
                message = f"{where}: {shown} starts with 0, {read}; write {meant} without the leading zero"
            elif ":" in text:
                message = (
                    f"{where}: YAML reads {shown} as a base-60 (clock) number, {value}; "
                    f"write the number in plain digits (e.g. {value})"
                )
            else:
                message = f"{where}: YAML reads {shown} as the number {value}; write it in plain digits: {value}"
            problems.append((path, message, at_key))
    return problems


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
