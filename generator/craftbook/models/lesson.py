"""Lesson: a trainer's lesson plan (agenda, role-plays, quiz) whose minutes add up."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field

from ..diagnose import Problem
from .base import DocumentBase, Id, KindSpec, Markdown, Method, Model, PlainText, Reference, same_words


class AgendaItem(Model):
    minutes: int = Field(gt=0)
    method: Method
    activity: PlainText
    notes: Markdown | None = None


class Roleplay(Model):
    scenario: PlainText
    customer: PlainText | None = Field(None, description="The customer's situation and mood, as the trainees see it.")
    hidden_motive: PlainText | None = Field(
        None,
        description="What only the facilitator and the customer's actor know: the real reason behind the "
        "request, or how the customer answers a good move. In the facilitator's guide, never in the "
        "trainee handout.",
    )
    agent_goal: PlainText | None = None
    script: Id | None = Field(None, description="Id of a script.")


class QuizItem(Model):
    question: PlainText
    choices: list[PlainText] = Field(min_length=2)
    answer: int = Field(ge=0, description="0-based index into choices.")
    explanation: Markdown | None = None


class Lesson(DocumentBase):
    kind: Literal["lesson"]
    audience: PlainText | None = None
    duration: int = Field(gt=0, description="Minutes; must equal the sum of agenda minutes.")
    objectives: list[PlainText] = Field(min_length=1)
    prerequisites: list[Id] = Field(default_factory=list, description="Ids of lessons; no cycles.")
    agenda: list[AgendaItem] = Field(min_length=1)
    roleplays: list[Roleplay] = Field(default_factory=list)
    quiz: list[QuizItem] = Field(default_factory=list)
    materials: list[PlainText] = Field(default_factory=list)


def lesson_rules(doc: Lesson) -> list[Problem]:
    problems: list[Problem] = []
    total = sum(item.minutes for item in doc.agenda)
    if total != doc.duration:
        problems.append(
            (
                ("duration",),
                f"duration: expected the sum of agenda minutes ({total}), got {doc.duration}; "
                f"set duration: {total} or adjust the agenda",
                False,
            )
        )
    for i, item in enumerate(doc.quiz):
        choices: dict[str, int] = {}
        for j, choice in enumerate(item.choices):
            first = choices.setdefault(same_words(choice), j)
            if first != j:
                problems.append(
                    (
                        ("quiz", i, "choices", j),
                        f"quiz[{i}].choices[{j}]: {choice!r} is also choices[{first}]; the quiz would show two "
                        "identical choices: reword or remove one (and check `answer`, which counts from 0)",
                        False,
                    )
                )
        if not 0 <= item.answer < len(item.choices):
            problems.append(
                (
                    ("quiz", i, "answer"),
                    f"quiz[{i}].answer: expected a 0-based index from 0 to {len(item.choices) - 1} "
                    f"into its {len(item.choices)} choices, got {item.answer}; count the choices from 0 "
                    "(0 = the first)",
                    False,
                )
            )
    return problems


def _references(doc: Lesson) -> Iterator[Reference]:
    for i, ref in enumerate(doc.prerequisites):
        yield ("prerequisites", i), ref, "lesson"
    for i, roleplay in enumerate(doc.roleplays):
        if roleplay.script:
            yield ("roleplays", i, "script"), roleplay.script, "script"


SCAFFOLD = """\
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
    notes: |              # 강사용 메모 (Markdown, 없어도 됩니다). 수강생용 인쇄본에는 빠집니다
      무엇을 왜 배우는지 짧게 설명합니다.
  - minutes: 15
    method: role-play
    activity: 짝 실습
  - minutes: 5
    method: quiz
    activity: 확인 퀴즈
roleplays:
  - scenario: 요금이 부담된다며 해지를 요청하는 고객
    customer: 짜증이 난 고객      # 고객의 상황과 기분 (수강생용 인쇄본에도 나옵니다)
    hidden_motive: 쓰지 않는 부가서비스 요금이 아깝다   # 숨은 사유. 강사용에만 나옵니다
    agent_goal: 해지 사유를 두 번 이상 묻는다
    # script: script-id   # 연결할 상담 스크립트 id
quiz:
  - question: 가장 먼저 할 일은?
    choices: [해지 접수, 사유 확인]   # 둘 이상
    answer: 1             # 정답 번호. 0부터 셉니다 (0 = 가, 1 = 나, 2 = 다 …)
    explanation: 사유를 알아야 알맞은 제안을 할 수 있습니다.
materials: [역할 카드]     # 준비물
"""

SPEC = KindSpec(
    name="lesson",
    model=Lesson,
    label="교육안",
    site_folder="lessons",
    library_folder="lessons",
    schema_title="Lesson: a trainer's lesson plan",
    summary_hint="이 교육안이 무엇을 다루는지 한 문단으로 씁니다. 목록과 검색에 보입니다.",
    scaffold=SCAFFOLD,
    references=_references,
    rules=lesson_rules,
    blurb="사내강사가 바로 쓸 수 있는 교육안입니다. 학습 목표, 시간별 진행 순서, 롤플레이와 퀴즈가 들어 있습니다.",
)
