"""`craftbook new`: a commented starting file for each kind that passes `craftbook check`.

A trainer copies structure far more easily than she reads a specification, so every
scaffold is a small, valid document whose comments say what each field means and which
values it takes. The first line points editors at the shipped JSON Schema, so completion
and inline errors work from the first keystroke.

Like `mkdocs new`, it logs what it creates and never overwrites: an existing file or an
id already used in the library stops it with exit code 1.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

import yaml

from .diagnose import id_suggestion
from .discover import discover
from .errors import CraftbookError
from .library import claimed_id
from .load import LoadedFile, load_file
from .models import ID_PATTERN, KINDS, RESERVED_IDS, ROLES, SPEC_BY_KIND, reserved_id_problem
from .resources import SCHEMA
from .schema import PROJECT_COPY


class ScaffoldError(CraftbookError):
    """`craftbook new` refused: the file or the id exists already."""


def _scalar(text: str) -> str:
    """`text` as a YAML scalar that reads back as exactly `text` (quoted only when needed)."""
    dumped = yaml.safe_dump(text, allow_unicode=True, width=1_000_000)
    dumped = dumped.removesuffix("\n...\n").removesuffix("\n")
    if "\n" in dumped or yaml.safe_load(dumped) != text:
        dumped = '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    return dumped


def _today() -> dt.date:
    from .pipeline import build_date

    return build_date()


# ---------------------------------------------------------------- the library as it is


def _existing(playbooks: Path) -> dict[str, tuple[str, dict[str, Any]]]:
    """id → (file, data) of every file that parses, valid or not.

    `craftbook new` must work in a library that does not validate yet (it is how a
    trainer fixes one), so this reads ids without the model; a file too broken to parse
    still gives its `id:` line.
    """
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    if not playbooks.is_dir():
        return found
    for path, name in discover(playbooks).files:
        loaded = load_file(path, name)
        doc_id = claimed_id(path, loaded)
        if doc_id is not None and doc_id not in found:
            found[doc_id] = (name, loaded.data if isinstance(loaded, LoadedFile) else {})
    return found


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _edition_facts(existing: dict[str, tuple[str, dict[str, Any]]], own_id: str, today: dt.date) -> dict[str, Any]:
    """Number, date and a pick that keep the library's edition rules true."""
    editions = [data for _, data in existing.values() if data.get("kind") == "edition"]
    numbers = [d["number"] for d in editions if isinstance(d.get("number"), int) and not isinstance(d["number"], bool)]
    dates = [date for d in editions if (date := _as_date(d.get("date")))]
    resources = sorted(
        (str(_as_date(d.get("published")) or ""), doc_id)
        for doc_id, (_, d) in existing.items()
        if d.get("kind") == "resource"
    )
    others = sorted(doc_id for doc_id, (_, d) in existing.items() if d.get("kind") not in (None, "edition"))
    ref = resources[-1][1] if resources else (others[0] if others else own_id)
    return {
        "number": max(numbers, default=0) + 1,
        "date": max([today, *dates]).isoformat(),
        "ref": ref,
    }


# ---------------------------------------------------------------- the scaffolds

_HEAD = """\
# yaml-language-server: $schema={schema}
# {label}({kind}) 틀입니다. '#'로 시작하는 설명 줄은 지워도 됩니다.
# 고친 뒤 `craftbook check`로 확인하고 `craftbook serve`로 미리 봅니다.
kind: {kind}
id: {id}  # 페이지 주소가 됩니다. 공개한 뒤에는 바꾸지 마세요
title: {title}
summary: {summary}
"""

_COMMON = """\
tags: []                  # 자유롭게 붙이는 태그, 예: [해지방어, 코칭]
# owner: 교육팀            # 이 문서를 최신으로 지키는 사람이나 팀
reviewed: {today}  # 내용을 마지막으로 확인한 날 (YYYY-MM-DD)
# status: draft           # draft로 두면 --drafts로 만든 사이트에만 나옵니다
"""


def _role_for(doc_id: str) -> str:
    """The role an id names first (`qa-…` → qa), as the starter library's ids do."""
    first = doc_id.split("-", 1)[0]
    return first if first in ROLES else "trainer"


def target_path(kind: str, doc_id: str, playbooks: Path) -> Path:
    folder = Path(SPEC_BY_KIND[kind].library_folder)
    if kind == "role-playbook":
        folder /= _role_for(doc_id)
    return playbooks / folder / f"{doc_id}.yaml"


def schema_reference(target: Path, *, cwd: Path | None = None) -> str:
    """Relative path from the new file to the schema its editor should read: the project's
    copy (`.vscode/craftbook.schema.json`) when it keeps one, else the package's own."""
    start = target.resolve().parent
    root = next((p for p in [start, *start.parents] if (p / "mkdocs.yml").is_file()), None)
    copy = (root or (cwd or Path.cwd()).resolve()) / PROJECT_COPY
    return Path(os.path.relpath(copy if copy.is_file() else SCHEMA, start)).as_posix()


def scaffold(
    kind: str,
    doc_id: str,
    *,
    title: str | None = None,
    schema: str = PROJECT_COPY,
    today: dt.date | None = None,
    number: int = 1,
    date: str | None = None,
    ref: str | None = None,
) -> str:
    """The text of a new document of `kind`; valid as written when its references exist."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    today = today or _today()
    values = {
        "schema": schema,
        "kind": kind,
        "label": SPEC_BY_KIND[kind].label,
        "id": doc_id,
        "title": _scalar(title or f"새 {SPEC_BY_KIND[kind].label}"),
        "summary": SPEC_BY_KIND[kind].summary_hint,
        "today": today.isoformat(),
        "role": _role_for(doc_id),
        "number": number,
        "date": date or today.isoformat(),
        "ref": ref or doc_id,
    }
    values["common"] = _COMMON.format(**values)
    return _HEAD.format(**values) + SPEC_BY_KIND[kind].scaffold.format(**values)


def new(kind: str, doc_id: str, *, playbooks: Path, title: str | None = None) -> Path:
    """Write a scaffold into the library; refuse to overwrite a file or reuse an id."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    if not re.fullmatch(ID_PATTERN, doc_id):
        raise ValueError(f"id {doc_id!r} is not lowercase letters, digits and single hyphens{id_suggestion(doc_id)}")
    if doc_id in RESERVED_IDS:
        raise ValueError(f"id {reserved_id_problem(doc_id)}")
    target = target_path(kind, doc_id, playbooks)
    if target.exists():
        raise ScaffoldError(f"{target} already exists; refusing to overwrite it (choose another id or edit that file)")
    existing = _existing(playbooks)
    if doc_id in existing:
        used_by = existing[doc_id][0]
        raise ScaffoldError(f"id {doc_id!r} is already used by {playbooks / used_by}; ids must be unique")
    today = _today()
    facts = _edition_facts(existing, doc_id, today) if kind == "edition" else {}
    text = scaffold(kind, doc_id, title=title, schema=schema_reference(target), today=today, **facts)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("x", encoding="utf-8", newline="\n") as handle:  # "x": never clobber, even in a race
        handle.write(text)
    return target
