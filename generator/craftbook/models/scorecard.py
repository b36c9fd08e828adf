"""Scorecard: a QA evaluation form (weighted areas of criteria with behaviour anchors)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..diagnose import Problem
from .base import Channel, DocumentBase, Id, KindSpec, Markdown, Model, PlainText


class Criterion(Model):
    id: Id
    text: PlainText
    points: int = Field(gt=0)
    critical: bool = Field(False, description="Failing it fails the whole evaluation.")
    anchors: dict[int, PlainText] = Field(default_factory=dict, description="Score → what that score looks like.")


class Section(Model):
    title: PlainText
    weight: int = Field(gt=0, description="Section weights sum to 100.")
    criteria: list[Criterion] = Field(min_length=1)


class Scorecard(DocumentBase):
    kind: Literal["scorecard"]
    channel: Channel
    sections: list[Section] = Field(min_length=1)
    calibration: Markdown | None = None


def scorecard_rules(doc: Scorecard) -> list[Problem]:
    problems: list[Problem] = []
    weights = [s.weight for s in doc.sections]
    if sum(weights) != 100:
        problems.append(
            (
                ("sections",),
                f"sections: expected weights that sum to 100, got {' + '.join(map(str, weights))} = {sum(weights)}",
                True,
            )
        )
    seen: dict[str, tuple[int, int]] = {}
    for i, section in enumerate(doc.sections):
        points = [c.points for c in section.criteria]
        if sum(points) != 100:
            problems.append(
                (
                    ("sections", i, "criteria"),
                    f"sections[{i}].criteria: expected points that sum to 100 in section "
                    f"{section.title!r}, got {' + '.join(map(str, points))} = {sum(points)}",
                    True,
                )
            )
        for j, criterion in enumerate(section.criteria):
            if criterion.id in seen:
                a, b = seen[criterion.id]
                problems.append(
                    (
                        ("sections", i, "criteria", j, "id"),
                        f"sections[{i}].criteria[{j}].id: {criterion.id!r} is already used by "
                        f"sections[{a}].criteria[{b}]; criterion ids must be unique in a scorecard",
                        False,
                    )
                )
            seen.setdefault(criterion.id, (i, j))
            for score in criterion.anchors:
                if not 0 <= score <= criterion.points:
                    problems.append(
                        (
                            ("sections", i, "criteria", j, "anchors", score),
                            f"sections[{i}].criteria[{j}].anchors: score {score} is outside "
                            f"0..{criterion.points} (the criterion's points)",
                            True,
                        )
                    )
    return problems


SCAFFOLD = """\
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
    rules=scorecard_rules,
    blurb="QA 평가표입니다. 영역별 가중치, 평가 항목과 점수별 행동 기준, 평가자끼리 기준을 맞추는 방법을 담았습니다.",
)
