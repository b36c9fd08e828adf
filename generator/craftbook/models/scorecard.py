"""Scorecard: a QA evaluation form (weighted areas of criteria with behaviour anchors).

How a score is computed is declared here once and stated on the page and on paper
(templates/scorecard.md.j2) and applied live by assets/scorecard.js:

- an area's subtotal is the points its criteria received over the points of the
  criteria that applied, on a scale of 100: a criterion scored N/A (only where `na`
  allows it) leaves both sums, so not pitching when pitching was wrong costs nothing;
- the total is the sum of subtotal × weight / 100 over the areas that applied (an area
  whose every criterion was N/A leaves, and the other weights are rebased to 100);
- a critical criterion scored 0 is a critical failure; `critical_fails` says what it
  costs: `evaluation` (the default) — the whole total is 0; `section` — that area's
  subtotal is 0.

Versions: `version` names the rubric in force, `changes` says what changed when, and
`history` keeps each past version's areas as they were, so a score given under version 1
is still read against version 1 (its page is scorecards/<id>/v1/).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, PlainValidator, WithJsonSchema

from ..diagnose import Problem, did_you_mean
from .base import ID_PATTERN, Channel, DocumentBase, Id, KindSpec, Markdown, Model, PlainText, Reference

_STEP_REF = re.compile(ID_PATTERN[:-1] + r"#" + ID_PATTERN[1:])


def _step_ref(value: str) -> str:
    if not _STEP_REF.match(value):
        raise ValueError(
            f"expected `<script id>#<step id>` (the step this criterion grades), e.g. "
            f"'script-cancellation-price#ask-reason', got {value!r}"
        )
    return value


def _na_rule(value: object) -> bool | str:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise ValueError(
        "expected true, false or the situation in which the criterion does not apply "
        f'(plain text, e.g. "IVR가 녹취 고지를 한 경우"), got {value!r}'
    )


StepRef = Annotated[
    str,
    AfterValidator(_step_ref),
    Field(
        description="`<script id>#<step id>`: the script step this criterion grades.",
        json_schema_extra={"pattern": _STEP_REF.pattern},
    ),
]
NaRule = Annotated[
    bool | str,
    PlainValidator(_na_rule),
    WithJsonSchema(
        {
            "oneOf": [{"type": "boolean"}, {"type": "string", "minLength": 1}],
            "description": (
                "May be scored N/A (not applicable): true, or the situation in which it does not "
                "apply, in plain text. An N/A criterion leaves its area's sums (the area is rebased "
                "over the points that applied)."
            ),
        }
    ),
]


class Criterion(Model):
    id: Id = Field(description="Unique within the scorecard; never shown, only in links (#c-<id>).")
    text: PlainText = Field(description="What the evaluator checks, as a question; the criterion's name everywhere.")
    points: int = Field(gt=0)
    critical: bool = Field(
        False, description="Scoring it 0 is a critical failure; `critical_fails` says what that costs."
    )
    na: NaRule = False
    anchors: dict[int, PlainText] = Field(default_factory=dict, description="Score → what that score looks like.")
    script: StepRef | None = None
    lesson: Id | None = Field(None, description="Id of the lesson that teaches it.")


class Section(Model):
    title: PlainText
    weight: int = Field(gt=0, description="Section weights sum to 100.")
    criteria: list[Criterion] = Field(min_length=1)


CriticalFails = Literal["evaluation", "section"]


class Change(Model):
    version: int = Field(gt=0, description="The version this change made.")
    date: dt.date | None = Field(None, description="When that version came into force (YYYY-MM-DD).")
    summary: PlainText = Field(description="What changed, in a sentence or two.")


class PastVersion(Model):
    version: int = Field(gt=0, description="An earlier version, older than `version`.")
    critical_fails: CriticalFails = Field("evaluation", description="As it was in that version.")
    sections: list[Section] = Field(min_length=1, description="The areas as they were in that version.")


class Scorecard(DocumentBase):
    kind: Literal["scorecard"]
    channel: Channel
    version: int = Field(1, gt=0, description="The version of the rubric in force; raise it when criteria change.")
    critical_fails: CriticalFails = Field(
        "evaluation",
        description="What a critical criterion scored 0 costs: `evaluation` (the total is 0) or `section` "
        "(that area's subtotal is 0).",
    )
    sections: list[Section] = Field(min_length=1)
    calibration: Markdown | None = None
    changes: list[Change] = Field(default_factory=list, description="What changed in each version, newest first.")
    history: list[PastVersion] = Field(
        default_factory=list,
        description="Past versions' areas, kept so scores given under them keep their meaning "
        "(each is shown at scorecards/<id>/v<version>/).",
    )

    def version_of(self, number: int) -> PastVersion | None:
        return next((past for past in self.history if past.version == number), None)


def _section_rules(sections: list[Section], prefix: tuple[Any, ...]) -> list[Problem]:
    where = "".join(f"[{p}]" if isinstance(p, int) else ("." if i else "") + p for i, p in enumerate(prefix))
    where = f"{where}." if where else ""
    problems: list[Problem] = []
    weights = [s.weight for s in sections]
    if sum(weights) != 100:
        problems.append(
            (
                (*prefix, "sections"),
                f"{where}sections: expected weights that sum to 100, "
                f"got {' + '.join(map(str, weights))} = {sum(weights)}; change the weights so they add up to 100",
                True,
            )
        )
    seen: dict[str, tuple[int, int]] = {}
    for i, section in enumerate(sections):
        points = [c.points for c in section.criteria]
        if sum(points) != 100:
            problems.append(
                (
                    (*prefix, "sections", i, "criteria"),
                    f"{where}sections[{i}].criteria: expected points that sum to 100 in section "
                    f"{section.title!r}, got {' + '.join(map(str, points))} = {sum(points)}; "
                    "change the points so they add up to 100",
                    True,
                )
            )
        for j, criterion in enumerate(section.criteria):
            if criterion.id in seen:
                a, b = seen[criterion.id]
                problems.append(
                    (
                        (*prefix, "sections", i, "criteria", j, "id"),
                        f"{where}sections[{i}].criteria[{j}].id: {criterion.id!r} is already used by "
                        f"sections[{a}].criteria[{b}]; criterion ids must be unique in a scorecard: rename one",
                        False,
                    )
                )
            seen.setdefault(criterion.id, (i, j))
            for score in criterion.anchors:
                if not 0 <= score <= criterion.points:
                    problems.append(
                        (
                            (*prefix, "sections", i, "criteria", j, "anchors", score),
                            f"{where}sections[{i}].criteria[{j}].anchors: score {score} is outside "
                            f"0..{criterion.points} (the criterion's points); use a score in that range",
                            True,
                        )
                    )
            anchors_at = (*prefix, "sections", i, "criteria", j, "anchors")
            here = f"{where}sections[{i}].criteria[{j}].anchors"
            # Anchors are the scores an evaluator can give: without the full score nobody
            # can earn the points, and a critical criterion without 0 can never fail.
            in_range = all(0 <= score <= criterion.points for score in criterion.anchors)
            if criterion.anchors and in_range and criterion.points not in criterion.anchors:
                problems.append(
                    (
                        anchors_at,
                        f"{here}: no anchor for the full score {criterion.points}, so nobody can earn it; "
                        f"add `{criterion.points}: …` saying what a full score looks like",
                        True,
                    )
                )
            if criterion.critical and criterion.anchors and in_range and 0 not in criterion.anchors:
                problems.append(
                    (
                        anchors_at,
                        f"{here}: a critical criterion needs an anchor for 0 (what fails the call); add `0: …`",
                        True,
                    )
                )
    return problems


def scorecard_rules(doc: Scorecard) -> list[Problem]:
    problems = _section_rules(doc.sections, ())
    seen: dict[int, int] = {}
    for i, change in enumerate(doc.changes):
        if change.version > doc.version:
            problems.append(
                (
                    ("changes", i, "version"),
                    f"changes[{i}].version: {change.version} is newer than the scorecard's version "
                    f"{doc.version}; raise `version:` to {change.version} or correct this entry",
                    False,
                )
            )
        if change.version in seen:
            problems.append(
                (
                    ("changes", i, "version"),
                    f"changes[{i}].version: version {change.version} is already described by "
                    f"changes[{seen[change.version]}]; say everything that version changed in one entry",
                    False,
                )
            )
        seen.setdefault(change.version, i)
    kept: dict[int, int] = {}
    for i, past in enumerate(doc.history):
        if past.version >= doc.version:
            problems.append(
                (
                    ("history", i, "version"),
                    f"history[{i}].version: expected a version older than the current version "
                    f"{doc.version}, got {past.version}; the current version's areas are `sections:`",
                    False,
                )
            )
        if past.version in kept:
            problems.append(
                (
                    ("history", i, "version"),
                    f"history[{i}].version: version {past.version} is already kept as history[{kept[past.version]}]",
                    False,
                )
            )
        kept.setdefault(past.version, i)
        problems += _section_rules(past.sections, ("history", i))
    return problems


def all_criteria(doc: Scorecard) -> Iterator[tuple[tuple[Any, ...], Criterion]]:
    """Every criterion of every version with its key path: (("sections", i, "criteria", j), c)."""
    for i, section in enumerate(doc.sections):
        for j, criterion in enumerate(section.criteria):
            yield ("sections", i, "criteria", j), criterion
    for h, past in enumerate(doc.history):
        for i, section in enumerate(past.sections):
            for j, criterion in enumerate(section.criteria):
                yield ("history", h, "sections", i, "criteria", j), criterion


def _references(doc: Scorecard) -> Iterator[Reference]:
    for path, criterion in all_criteria(doc):
        if criterion.script:
            yield (*path, "script"), criterion.script.split("#", 1)[0], "script"
        if criterion.lesson:
            yield (*path, "lesson"), criterion.lesson, "lesson"


def _step_links(doc: Scorecard, lookup: Callable[[str], DocumentBase | None]) -> list[Problem]:
    """A criterion's `script: <id>#<step>` must name a step of that script (the script
    itself is checked with every other reference)."""
    problems: list[Problem] = []
    for path, criterion in all_criteria(doc):
        if not criterion.script:
            continue
        script_id, step = criterion.script.split("#", 1)
        script = lookup(script_id)
        steps = getattr(script, "steps", None)
        if script is None or script.kind != "script" or not isinstance(steps, dict) or step in steps:
            continue
        where = "".join(f"[{p}]" if isinstance(p, int) else ("." if k else "") + p for k, p in enumerate(path))
        problems.append(
            (
                (*path, "script"),
                f"{where}.script: script {script_id!r} has no step {step!r}{did_you_mean(step, steps)}",
                False,
            )
        )
    return problems


SCAFFOLD = """\
roles: [qa]               # agent, trainer, qa, supervisor, manager 중에서
{common}channel: call             # call, chat, email, messenger
version: 1                # 평가 기준의 버전. 항목이나 배점을 바꾸면 올립니다
critical_fails: evaluation  # 치명 항목이 0점이면: evaluation(총점 0점) 또는 section(그 영역 0점)
sections:                 # 평가 영역. weight의 합은 100
  - title: 니즈 파악
    weight: 60
    criteria:             # 한 영역 안 points의 합은 100
      - id: open-question  # 평가표 안에서 겹치지 않는 id (화면에는 text가 보입니다)
        text: 고객의 사유를 열린 질문으로 확인했는가
        points: 100
        critical: false   # true면 0점일 때 치명 위반 (critical_fails 참고)
        anchors:          # 점수마다 보이는 행동 (0부터 points까지)
          0: 묻지 않고 바로 처리했다
          50: 한 번 물었다
          100: 두 번 이상 열린 질문으로 확인했다
        # script: script-id#step-id   # 이 항목이 평가하는 스크립트 단계
        # lesson: lesson-id           # 이 항목을 가르치는 교육안
  - title: 마무리
    weight: 40
    criteria:
      - id: summary-close
        text: 합의한 내용을 요약하고 확인했는가
        points: 60
      - id: next-offer
        text: 고객에게 맞는 다음 혜택을 안내했는가
        points: 40
        na: 고객이 먼저 통화를 끝내려 한 경우   # N/A(해당 없음)로 채점할 수 있는 상황. 없으면 빼세요
calibration: |            # 평가자끼리 기준을 맞추는 방법 (Markdown)
  매주 한 콜을 함께 듣고 점수를 비교합니다.
changes:                  # 버전마다 바뀐 내용 (최신이 위)
  - version: 1
    date: {today}
    summary: 처음 만든 평가표
history: []               # 지난 버전의 sections를 그대로 보관 (version과 sections)
"""

SPEC = KindSpec(
    name="scorecard",
    model=Scorecard,
    label="평가표",
    site_folder="scorecards",
    library_folder="scorecards",
    schema_title="Scorecard: a QA evaluation form",
    summary_hint="이 평가표가 무엇을 평가하는지 한 문단으로 씁니다. 목록과 검색에 보입니다.",
    scaffold=SCAFFOLD,
    references=_references,
    rules=scorecard_rules,
    library_rules=_step_links,
    blurb="QA 평가표입니다. 영역별 가중치, 평가 항목과 점수별 행동 기준, 평가자끼리 기준을 맞추는 방법을 담았습니다.",
)
