"""Script: a branching consulting script an agent follows live, step by step, to an outcome."""

from __future__ import annotations

from collections import deque
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from ..diagnose import Problem, did_you_mean
from .base import ID_PATTERN, DocumentBase, KindSpec, Markdown, Model, Outcome, PlainText


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


def script_rules(doc: Script) -> list[Problem]:
    problems: list[Problem] = []
    names = list(doc.steps)
    if doc.start not in doc.steps:
        problems.append(
            (
                ("start",),
                f"start: no step {doc.start!r}{did_you_mean(doc.start, names)}",
                False,
            )
        )
    edges: dict[str, list[str]] = {}
    for step_id, step in doc.steps.items():
        if step.next and step.outcome:
            problems.append(
                (
                    ("steps", step_id, "outcome"),
                    f"steps.{step_id}: has both next and outcome; a step either branches or ends",
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
        for k, branch in enumerate(step.next or []):
            if branch.go in doc.steps:
                edges[step_id].append(branch.go)
            else:
                problems.append(
                    (
                        ("steps", step_id, "next", k, "go"),
                        f"steps.{step_id}.next[{k}].go: no step {branch.go!r}{did_you_mean(branch.go, names)}",
                        False,
                    )
                )
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
        for target in targets:
            reverse[target].append(source)
    endings = [s for s, step in doc.steps.items() if step.outcome]
    can_finish = _reachable(endings, reverse)
    for step_id, step in doc.steps.items():
        if step_id not in can_finish and (step.next or step.outcome):
            problems.append(
                (
                    ("steps", step_id),
                    f"steps.{step_id}: no path from here reaches an outcome; "
                    "an agent following it could never close the consult",
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


SCAFFOLD = """\
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
    rules=script_rules,
)
