"""Script: a branching consulting script an agent follows live, step by step, to an outcome.

A branch goes to a step of the same script or hands the call off to another script
(`go: script-id` enters at its start, `go: script-id#step` at that step), so a long
consult can be split into sub-scripts, as Zingtree advises above 150 nodes. A `go`
is read as: with `#`, another script; otherwise a step of this script when one has that
id; otherwise another script's id. This module checks what one file can tell; whether
the other script exists, has the step and lets the call end is checked across files in
`craftbook.library`.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, StringConstraints

from ..diagnose import Problem, one_of
from ..text import collapse, plain_text
from .base import ID_PATTERN, DocumentBase, KindSpec, Markdown, Model, Outcome, PlainText, Reference, same_words

StepId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
_ID = re.compile(ID_PATTERN)


class Branch(Model):
    when: PlainText = Field(description="What the customer says or does.")
    go: str = Field(
        description="Where the call goes next: a step id of this script, or another script "
        "(`script-id` enters at its start, `script-id#step-id` at that step)."
    )


class Step(Model):
    title: PlainText | None = Field(
        None,
        description="Short label of the step shown in headings, the trail, the flowchart and print, "
        "e.g. `이용 내역 확인`. Without it the first words of `say` are shown.",
    )
    say: Markdown = Field(description="What the agent says.")
    listen: Markdown | None = None
    tip: Markdown | None = None
    must_say: list[PlainText] = Field(
        default_factory=list,
        description="Compliance lines the agent must say at this step (listed with the script's compliance).",
    )
    next: list[Branch] | None = Field(None, min_length=1)
    outcome: Outcome | None = None


class PlacedLine(Model):
    text: PlainText = Field(description="The compliance line.")
    at: list[StepId] = Field(
        default_factory=list,
        description="Ids of the steps where it must be said; empty: anywhere in the script.",
    )


def _text_alone(value: object) -> object:
    """A compliance line written as plain text is a line placed nowhere: said anywhere."""
    if isinstance(value, str):
        return {"text": value}
    if not isinstance(value, dict):
        raise ValueError(
            f"expected a line of text, or `text:` with `at: [step ids]`, got {value!r}; "
            "put text with a colon or a number in quotes"
        )
    return value


ComplianceItem = Annotated[
    PlacedLine,
    BeforeValidator(_text_alone, json_schema_input_type=PlainText | PlacedLine),
]


class Objection(Model):
    objection: PlainText
    response: Markdown


class Script(DocumentBase):
    kind: Literal["script"]
    scenario: PlainText | None = None
    goal: PlainText | None = None
    compliance: list[ComplianceItem] = Field(
        default_factory=list,
        description="Lines the agent must say: plain text (anywhere in the script) or "
        "`{text: …, at: [step ids]}` (at those steps).",
    )
    start: str = Field(description="Id of the first step.")
    steps: dict[StepId, Step] = Field(min_length=1)
    objections: list[Objection] = Field(default_factory=list)


@dataclass(frozen=True)
class Handoff:
    """A branch that leaves the script: the other script's id and, if named, its step."""

    script: str
    step: str | None


def handoff(script: Script, go: str) -> Handoff | None:
    """None when `go` is a step of this script; else where the call is handed off to."""
    if "#" in go:
        other, _, step = go.partition("#")
        return Handoff(other, step)
    if go in script.steps:
        return None
    return Handoff(go, None)


@dataclass(frozen=True)
class ComplianceLine:
    """One line the agent must say and where: `at` is empty for the whole script."""

    text: str
    at: tuple[str, ...]


def compliance_lines(script: Script) -> list[ComplianceLine]:
    """The script's `compliance` in order, then each step's `must_say` in step order.

    The index of a line in this list is its number in consult-mode links (`checked=`),
    so the script's own list comes first and keeps the numbers links already carry. The
    same text given twice (on the list and in a step's `must_say`, or in two steps) is
    one line with every place it belongs to; a line placed nowhere applies everywhere.
    """
    lines: list[ComplianceLine] = []
    index: dict[str, int] = {}

    def add(text: str, at: list[str]) -> None:
        key = collapse(text)
        if key in index:
            old = lines[index[key]]
            # Said anywhere stays anywhere; otherwise the places add up.
            places = () if not old.at or not at else tuple(dict.fromkeys([*old.at, *at]))
            lines[index[key]] = ComplianceLine(old.text, places)
            return
        index[key] = len(lines)
        lines.append(ComplianceLine(text, tuple(dict.fromkeys(at))))

    for item in script.compliance:
        add(item.text, [step for step in item.at if step in script.steps])
    for step_id, step in script.steps.items():
        for text in step.must_say:
            add(text, [step_id])
    return lines


LABEL_CHARS = 24  # a derived label: the first words of `say` up to about this many characters


def step_label(step: Step, number: int) -> str:
    """`4. 이용 내역 확인`: the step's number and its title or, without one, the first words
    of what the agent says (never the id, which is for authors, not for a live call)."""
    text = step.title or _first_words(plain_text(step.say))
    return f"{number}. {text}" if text else f"{number}."


def _first_words(text: str) -> str:
    """The first sentence when it is short (without its full stop), else the first words."""
    sentence = re.split(r"(?<=[.?!])\s", text, maxsplit=1)[0]
    if len(sentence) <= LABEL_CHARS + 6:
        return sentence.rstrip(".") if sentence.endswith(".") and not sentence.endswith("..") else sentence
    words: list[str] = []
    for word in text.split():
        if words and len(" ".join([*words, word])) > LABEL_CHARS:
            break
        words.append(word)
    return " ".join(words)[: LABEL_CHARS + 6].rstrip(",.;:") + "…"


def step_labels(script: Script, order: list[str]) -> dict[str, str]:
    """Step id → its label, numbered in the reading order the page uses."""
    return {step_id: step_label(script.steps[step_id], number) for number, step_id in enumerate(order, start=1)}


def script_rules(doc: Script) -> list[Problem]:
    problems: list[Problem] = []
    names = list(doc.steps)
    if doc.start not in doc.steps:
        problems.append(
            (
                ("start",),
                f"start: no step {doc.start!r}{one_of(doc.start, names, 'the steps are')}",
                False,
            )
        )
    for i, item in enumerate(doc.compliance):
        for k, step_id in enumerate(item.at):
            if step_id not in doc.steps:
                problems.append(
                    (
                        ("compliance", i, "at", k),
                        f"compliance[{i}].at[{k}]: no step {step_id!r}{one_of(step_id, names, 'the steps are')}",
                        False,
                    )
                )
    edges: dict[str, list[str]] = {}
    hands_off: set[str] = set()
    for step_id, step in doc.steps.items():
        if step.next and step.outcome:
            problems.append(
                (
                    ("steps", step_id, "outcome"),
                    f"steps.{step_id}: has both next and outcome; a step either branches or ends: remove one of them",
                    True,
                )
            )
        if not step.next and not step.outcome:
            problems.append(
                (
                    ("steps", step_id),
                    f"steps.{step_id}: expected `next:` (branches) or `outcome:` (how the consult ends)",
                    True,
                )
            )
        edges[step_id] = []
        labels: dict[str, int] = {}
        for k, branch in enumerate(step.next or []):
            first = labels.setdefault(same_words(branch.when), k)
            if first != k:
                same_place = step.next[first].go == branch.go  # type: ignore[index]
                problems.append(
                    (
                        ("steps", step_id, "next", k, "when"),
                        f"steps.{step_id}.next[{k}].when: {branch.when!r} is also next[{first}].when of this step; "
                        + (
                            "the two branches are the same: remove one"
                            if same_place
                            else "an agent would see two identical buttons that lead to different steps: "
                            "reword one so the agent can tell them apart"
                        ),
                        False,
                    )
                )
            target = handoff(doc, branch.go)
            if target is None:
                edges[step_id].append(branch.go)
                continue
            where = f"steps.{step_id}.next[{k}].go"
            if not _well_formed(target):
                problems.append(
                    (
                        ("steps", step_id, "next", k, "go"),
                        f"{where}: expected a step id or `script-id#step-id`, got {branch.go!r}{_id_hint(branch.go)}",
                        False,
                    )
                )
            elif target.script == doc.id:
                step_hint = target.step or doc.start
                problems.append(
                    (
                        ("steps", step_id, "next", k, "go"),
                        f"{where}: {branch.go!r} is this script itself; to go to one of its steps "
                        f"write the step id alone, e.g. `go: {step_hint}`",
                        False,
                    )
                )
            else:
                # Where the other script leads is checked across files (craftbook.library);
                # here the hand-off counts as a way the call can end.
                hands_off.add(step_id)
    if doc.start in doc.steps:
        reached = _reachable([doc.start], edges)
        for step_id in names:
            if step_id not in reached:
                problems.append(
                    (
                        ("steps", step_id),
                        f"steps.{step_id}: not reachable from start {doc.start!r}; "
                        "add a branch that goes to it or remove it",
                        True,
                    )
                )
    reverse: dict[str, list[str]] = {s: [] for s in doc.steps}
    for source, targets in edges.items():
        for target_id in targets:
            reverse[target_id].append(source)
    endings = [s for s, step in doc.steps.items() if step.outcome or s in hands_off]
    can_finish = _reachable(endings, reverse)
    for step_id, step in doc.steps.items():
        if step_id not in can_finish and (step.next or step.outcome):
            problems.append(
                (
                    ("steps", step_id),
                    f"steps.{step_id}: no path from here reaches an outcome; "
                    "an agent following it could never close the consult: give it a branch toward a step with "
                    "`outcome:`",
                    True,
                )
            )
    return problems


def _reachable(starts: list[str], edges: dict[str, list[str]]) -> set[str]:
    seen = set(starts)
    queue = deque(starts)
    while queue:
        for target in edges.get(queue.popleft(), []):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def _id_hint(go: str) -> str:
    """`Script-Price#Open` → did you mean 'script-price#open'? (ids are lowercase words and hyphens)."""
    fixed = "#".join(re.sub(r"[^a-z0-9]+", "-", part.lower()).strip("-") for part in go.split("#", 1))
    if fixed and fixed != go and all(_ID.match(part) for part in fixed.split("#")):
        return f" (did you mean {fixed!r}?)"
    return "; ids are lowercase letters, digits and single hyphens"


def _well_formed(target: Handoff) -> bool:
    return bool(_ID.match(target.script)) and (target.step is None or bool(_ID.match(target.step)))


def handoffs(doc: Script) -> Iterator[tuple[tuple[str, str, int, str], Handoff]]:
    """Every well-formed hand-off of a script: (key path of its `go`, where it goes)."""
    for step_id, step in doc.steps.items():
        for k, branch in enumerate(step.next or []):
            target = handoff(doc, branch.go)
            if target is not None and _well_formed(target) and target.script != doc.id:
                yield ("steps", step_id, "next", k, "go"), target


def _references(doc: Script) -> Iterator[Reference]:
    # The other scripts a script hands off to: their pages list it as a backlink and are
    # rendered again when it changes. craftbook.library checks these targets itself,
    # with step-aware messages, so a misspelt step is not reported as a missing document.
    for path, target in handoffs(doc):
        yield path, target.script, "script"


SCAFFOLD = """\
roles: [agent]            # agent, trainer, qa, supervisor, manager 중에서
{common}scenario: 어떤 고객이 무엇을 요청하는 상황
goal: 이 상담이 이루려는 것
compliance:               # 반드시 말해야 하는 안내 문구
  - 상담 내용은 품질 관리를 위해 녹음됩니다.   # 그냥 쓰면 스크립트 어디서든
  - text: 처리 결과는 문자로 안내해 드립니다.
    at: [resolve]         # 이 단계에서 말해야 하는 문구 (단계 id 목록)
start: open               # 첫 단계의 id
steps:                    # 단계 id는 소문자, 숫자, 하이픈
  open:
    title: 인사와 용건 확인   # 화면과 인쇄물에 보이는 단계 이름 (없으면 말하기 첫머리)
    say: 안녕하세요, 무엇을 도와드릴까요?   # 상담사가 하는 말 (Markdown)
    listen: 고객이 연락한 이유   # 들어야 할 것 (없어도 됩니다)
    next:                 # 고객 반응에 따라 갈 단계
      - when: 바로 해결할 수 있는 요청
        go: resolve
      - when: 담당 부서가 필요한 요청
        go: escalate      # 다른 스크립트로 넘기려면 script-id 또는 script-id#단계-id
  resolve:
    title: 처리 결과 안내
    say: 요청하신 대로 처리해 드렸습니다.
    outcome: resolved     # retained, downgraded, cancelled, escalated, resolved
  escalate:
    title: 담당 부서 연결
    say: 담당 부서로 연결해 드리겠습니다.
    must_say:             # 이 단계에서 반드시 말할 문구 (없어도 됩니다)
      - 담당 부서에서 오늘 안에 다시 연락드립니다.
    outcome: escalated
objections: []            # 예: - objection: 다른 회사가 더 싸요 / response: 그때 할 말
"""

SPEC = KindSpec(
    name="script",
    model=Script,
    label="상담 스크립트",
    site_folder="scripts",
    library_folder="scripts",
    schema_title="Script: a branching consulting script",
    summary_hint="이 스크립트가 어떤 상담을 돕는지 한 문단으로 씁니다. 목록과 검색에 보입니다.",
    scaffold=SCAFFOLD,
    references=_references,
    rules=script_rules,
    blurb="갈림길이 있는 세일즈 상담 스크립트입니다. 상담 모드로 열면 통화 중에 한 단계씩 따라갈 수 있습니다.",
    search_boost=2.0,
)
