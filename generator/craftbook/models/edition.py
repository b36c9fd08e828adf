"""Edition: one issue of the curation subscription, picking documents of the library."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Literal

from pydantic import Field

from .base import DocumentBase, Id, KindSpec, Markdown, Model, PlainText, Reference


class Pick(Model):
    ref: Id = Field(description="Any id in the library.")
    note: PlainText | None = Field(None, description="Why this pick is in this edition.")


class Edition(DocumentBase):
    kind: Literal["edition"]
    number: int = Field(gt=0, description="Unique, increasing.")
    date: dt.date
    intro: Markdown | None = None
    picks: list[Pick] = Field(min_length=1)


def _references(doc: Edition) -> Iterator[Reference]:
    for i, pick in enumerate(doc.picks):
        yield ("picks", i, "ref"), pick.ref, None


SCAFFOLD = """\
{common}number: {number}  # 호수. 겹치지 않고, 날짜가 늦을수록 커야 합니다
date: {date}  # 발행일 (YYYY-MM-DD)
intro: |                  # 이번 호 소개 (Markdown)
  이번 호의 주제를 소개합니다.
picks:                    # 이번 호에 고른 문서, 하나 이상
  - ref: {ref}  # 라이브러리에 있는 문서의 id
    note: 고른 이유
"""

SPEC = KindSpec(
    name="edition",
    model=Edition,
    label="큐레이션 호",
    site_folder="editions",
    library_folder="editions",
    schema_title="Edition: one issue of the curation subscription",
    summary_hint="이번 호에 고른 글과 플레이북을 한 문단으로 소개합니다.",
    scaffold=SCAFFOLD,
    references=_references,
    blurb="호마다 고른 글과 플레이북을 고른 이유와 함께 묶은 큐레이션입니다.",
)
