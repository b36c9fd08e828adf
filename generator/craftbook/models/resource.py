"""Resource: one curated item (an article, a book, a report) for the hub."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from .base import DocumentBase, KindSpec, PlainText, Url


class Resource(DocumentBase):
    kind: Literal["resource"]
    url: Url | None = None
    author: PlainText | None = None
    publisher: PlainText | None = None
    published: dt.date | None = None
    takeaways: list[PlainText] = Field(default_factory=list)


SCAFFOLD = """\
roles: []                 # agent, trainer, qa, supervisor, manager 중에서
{common}# url: https://example.com/article   # 원문 주소
# author: 글쓴이
# publisher: 실린 곳
# published: 2026-01-31   # 발행일 (YYYY-MM-DD)
takeaways:                # 핵심 내용. 원문을 옮기지 말고 우리 말로 씁니다
  - 핵심 하나
"""

SPEC = KindSpec(
    name="resource",
    model=Resource,
    label="추천 자료",
    site_folder="resources",
    library_folder="resources",
    schema_title="Resource: one curated item for the hub",
    summary_hint="이 자료를 왜 권하는지 우리 말로 한 문단 씁니다. 원문을 옮기지 않습니다.",
    scaffold=SCAFFOLD,
    blurb="함께 읽을 글입니다. 우리말 요약과 핵심 내용, 원문 링크를 모았습니다.",
)
