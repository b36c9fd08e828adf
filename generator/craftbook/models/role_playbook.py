"""Role playbook: one job-crafting move (task, relational, cognitive) for one role."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from .base import Cadence, DocumentBase, Id, KindSpec, Markdown, Model, PlainText, Reference, Role


class Shift(Model):
    from_: PlainText = Field(alias="from", description="The old way of doing the job.")
    to: PlainText = Field(description="The new way.")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Crafting(Model):
    task: list[PlainText] = Field(default_factory=list, description="Change what you do.")
    relational: list[PlainText] = Field(default_factory=list, description="Change whom you work with and how.")
    cognitive: list[PlainText] = Field(default_factory=list, description="Change how you see the job.")

    @model_validator(mode="after")
    def _one_line_at_least(self) -> Crafting:
        if not (self.task or self.relational or self.cognitive):
            raise ValueError("at least one of task, relational, cognitive must list something")
        return self


class Practice(Model):
    title: PlainText
    cadence: Cadence = Field(description="How often the practice happens.")
    steps: list[PlainText] = Field(min_length=1)
    signals: list[PlainText] = Field(default_factory=list, description="How you know it works.")


class Metric(Model):
    name: PlainText
    why: PlainText | None = None
    target: PlainText | None = Field(None, description="Free text.")


class RolePlaybook(DocumentBase):
    kind: Literal["role-playbook"]
    role: Role = Field(description="The role whose job this move re-crafts.")
    shift: Shift
    why: Markdown | None = None
    crafting: Crafting
    practices: list[Practice] = Field(min_length=1)
    metrics: list[Metric] = Field(default_factory=list)
    pitfalls: list[PlainText] = Field(default_factory=list)
    lessons: list[Id] = Field(default_factory=list, description="Ids of lessons.")
    scripts: list[Id] = Field(default_factory=list, description="Ids of scripts.")

    @property
    def all_roles(self) -> list[str]:
        return [self.role, *[r for r in self.roles if r != self.role]]


def _references(doc: RolePlaybook) -> Iterator[Reference]:
    for i, ref in enumerate(doc.lessons):
        yield ("lessons", i), ref, "lesson"
    for i, ref in enumerate(doc.scripts):
        yield ("scripts", i), ref, "script"


SCAFFOLD = """\
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
"""

SPEC = KindSpec(
    name="role-playbook",
    model=RolePlaybook,
    label="역할 플레이북",
    site_folder="playbooks",
    library_folder="roles",
    schema_title="Role playbook: one job-crafting move for one role",
    summary_hint="어떤 역할이 일을 어떻게 새로 빚는지 한 문단으로 씁니다. 목록과 검색에 보입니다.",
    scaffold=SCAFFOLD,
    references=_references,
    blurb=(
        "역할마다 하나씩 정리한 잡크래프팅 전환입니다. "
        "무엇에서 무엇으로 바꾸고, 어떻게 실천하고, 무엇으로 확인하는지 담았습니다."
    ),
)
