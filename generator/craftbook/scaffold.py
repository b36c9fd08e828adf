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

from . import labels
from .diagnose import id_suggestion
from .errors import CraftbookError
from .load import LoadedFile, discover, load_file
from .models import ID_PATTERN, KINDS, RESERVED_IDS, ROLES, reserved_id_problem
from .resources import SCHEMA
from .schema import PROJECT_COPY

FOLDER = {
    "role-playbook": "roles",  # + /<role>, as the starter library is laid out
    "lesson": "lessons",
    "scorecard": "scorecards",
    "script": "scripts",
    "resource": "resources",
    "edition": "editions",
}


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
    for path, name in discover(playbooks):
        loaded = load_file(path, name)
        if isinstance(loaded, LoadedFile):
            doc_id, data = loaded.data.get("id"), loaded.data
        else:
            match = re.search(r"^id:[ \t]*['\"]?([a-z0-9-]+)", path.read_text("utf-8", "replace"), re.MULTILINE)
            doc_id, data = (match.group(1) if match else None), {}
        if isinstance(doc_id, str) and doc_id not in found:
            found[doc_id] = (name, data)
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

_BODY = {
    "role-playbook": """\
role: {role}  # 이 움직임으로 일을 새로 빚는 역할: agent, trainer, qa, supervisor, manager
roles: []                 # role 말고도 관련된 역할
{common}shift:
  from: 지금까지 해 온 방식
  to: 앞으로 바꿀 방식
why: |                    # 왜 바꾸는가 (Markdown)
  이 변화가 왜 필요한지 씁니다.
crafting:                 # 잡크래프팅 세 갈래, 하나 이상 채웁니다
  task: [하는 일에서 바꿀 한 가지]
  relational: []          # 함께 일하는 사람과 방식
  cognitive: []           # 일을 바라보는 관점
practices:                # 실천 방법, 하나 이상
  - title: 실천 이름
    cadence: weekly       # per-contact, daily, weekly, monthly, quarterly
    steps: [첫 단계, 다음 단계]
    signals: [잘 되고 있다는 신호]
metrics: []               # 예: - name: 원콜 처리율 / why: 왜 보는가 / target: 목표
pitfalls: []              # 빠지기 쉬운 함정
lessons: []               # 관련 교육안 id
scripts: []               # 관련 상담 스크립트 id
related: []               # 관련 문서 id
""",
    "lesson": """\
roles: [trainer]          # agent, trainer, qa, supervisor, manager 중에서
{common}audience: 입사 3개월 이상 상담사   # 누가 듣는가
duration: 30              # 분. 아래 agenda의 minutes 합과 같아야 합니다
objectives:               # 학습 목표, 하나 이상
  - 수강생이 끝난 뒤 할 수 있게 되는 일을 한 문장으로 씁니다
prerequisites: []         # 먼저 들어야 할 교육안 id
agenda:                   # 진행 순서
  - minutes: 10
    method: lecture       # lecture, discussion, demo, role-play, practice, quiz, reflection
    activity: 도입
    notes: |              # 강사용 메모 (Markdown, 없어도 됩니다)
      무엇을 왜 배우는지 짧게 설명합니다.
  - minutes: 15
    method: role-play
    activity: 짝 실습
  - minutes: 5
    method: quiz
    activity: 확인 퀴즈
roleplays:
  - scenario: 요금이 부담된다며 해지를 요청하는 고객
    customer: 짜증이 난 고객      # 고객의 상황과 기분
    agent_goal: 해지 사유를 두 번 이상 묻는다
    # script: script-id   # 연결할 상담 스크립트 id
quiz:
  - question: 가장 먼저 할 일은?
    choices: [해지 접수, 사유 확인]   # 둘 이상
    answer: 1             # 정답 번호. 0부터 셉니다 (0 = 첫 번째 보기)
    explanation: 사유를 알아야 알맞은 제안을 할 수 있습니다.
materials: [역할 카드]     # 준비물
""",
    "scorecard": """\
roles: [qa]               # agent, trainer, qa, supervisor, manager 중에서
{common}channel: call             # call, chat, email, messenger
sections:                 # 평가 영역. weight의 합은 100
  - title: 니즈 파악
    weight: 60
    criteria:             # 한 영역 안 points의 합은 100
      - id: open-question # 평가표 안에서 겹치지 않는 id
        text: 고객의 사유를 열린 질문으로 확인했는가
        points: 100
        critical: false   # true면 이 항목 하나로 평가 전체가 불합격
        anchors:          # 점수마다 보이는 행동 (0부터 points까지)
          0: 묻지 않고 바로 처리했다
          50: 한 번 물었다
          100: 두 번 이상 열린 질문으로 확인했다
  - title: 마무리
    weight: 40
    criteria:
      - id: summary-close
        text: 합의한 내용을 요약하고 확인했는가
        points: 100
calibration: |            # 평가자끼리 기준을 맞추는 방법 (Markdown)
  매주 한 콜을 함께 듣고 점수를 비교합니다.
""",
    "script": """\
roles: [agent]            # agent, trainer, qa, supervisor, manager 중에서
{common}scenario: 어떤 고객이 무엇을 요청하는 상황
goal: 이 상담이 이루려는 것
compliance: []            # 반드시 말해야 하는 안내 문구
start: open               # 첫 단계의 id
steps:                    # 단계 id는 소문자, 숫자, 하이픈
  open:
    say: 안녕하세요, 무엇을 도와드릴까요?   # 상담사가 하는 말 (Markdown)
    listen: 고객이 연락한 이유   # 들어야 할 것 (없어도 됩니다)
    next:                 # 고객 반응에 따라 갈 단계
      - when: 바로 해결할 수 있는 요청
        go: resolve
      - when: 담당 부서가 필요한 요청
        go: escalate
  resolve:
    say: 요청하신 대로 처리해 드렸습니다.
    outcome: resolved     # retained, downgraded, cancelled, escalated, resolved
  escalate:
    say: 담당 부서로 연결해 드리겠습니다.
    outcome: escalated
objections: []            # 예: - objection: 다른 회사가 더 싸요 / response: 그때 할 말
""",
    "resource": """\
roles: []                 # agent, trainer, qa, supervisor, manager 중에서
{common}# url: https://example.com/article   # 원문 주소
# author: 글쓴이
# publisher: 실린 곳
# published: 2026-01-31   # 발행일 (YYYY-MM-DD)
takeaways:                # 핵심 내용. 원문을 옮기지 말고 우리 말로 씁니다
  - 핵심 하나
""",
    "edition": """\
{common}number: {number}  # 호수. 겹치지 않고, 날짜가 늦을수록 커야 합니다
date: {date}  # 발행일 (YYYY-MM-DD)
intro: |                  # 이번 호 소개 (Markdown)
  이번 호의 주제를 소개합니다.
picks:                    # 이번 호에 고른 문서, 하나 이상
  - ref: {ref}  # 라이브러리에 있는 문서의 id
    note: 고른 이유
""",
}

_SUMMARY = {
    "role-playbook": "어떤 역할이 일을 어떻게 새로 빚는지 한 문단으로 씁니다. 목록과 검색에 보입니다.",
    "lesson": "이 교육안이 무엇을 다루는지 한 문단으로 씁니다. 목록과 검색에 보입니다.",
    "scorecard": "이 평가표가 무엇을 평가하는지 한 문단으로 씁니다. 목록과 검색에 보입니다.",
    "script": "이 스크립트가 어떤 상담을 돕는지 한 문단으로 씁니다. 목록과 검색에 보입니다.",
    "resource": "이 자료를 왜 권하는지 우리 말로 한 문단 씁니다. 원문을 옮기지 않습니다.",
    "edition": "이번 호에 고른 글과 플레이북을 한 문단으로 소개합니다.",
}


def _role_for(doc_id: str) -> str:
    """The role an id names first (`qa-…` → qa), as the starter library's ids do."""
    first = doc_id.split("-", 1)[0]
    return first if first in ROLES else "trainer"


def target_path(kind: str, doc_id: str, playbooks: Path) -> Path:
    folder = Path(FOLDER[kind])
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
        "label": labels.KIND_LABEL[kind],
        "id": doc_id,
        "title": _scalar(title or f"새 {labels.KIND_LABEL[kind]}"),
        "summary": _SUMMARY[kind],
        "today": today.isoformat(),
        "role": _role_for(doc_id),
        "number": number,
        "date": date or today.isoformat(),
        "ref": ref or doc_id,
    }
    values["common"] = _COMMON.format(**values)
    return _HEAD.format(**values) + _BODY[kind].format(**values)


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
