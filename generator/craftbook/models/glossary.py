"""Glossary: the words of the contact center, each with its definition and the other
names people say or type for it (FCR and 원콜 for 원콜 처리율).

The terms do three jobs on the site: a 용어집 page in 가나다 order with a jump index and
an anchor per term (`templates/glossary.md.j2`); a tooltip wherever another page uses a
term or one of its abbreviations (`craftbook.terms`); and search that finds a page by
any name of a term it uses (`craftbook.search`). For search to stay unambiguous a word
may name one term only, in the whole library: one document's repeats are checked here,
claims across glossary documents in `craftbook.library`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from ..diagnose import Problem, format_path
from .base import DocumentBase, Id, KindSpec, Markdown, Model, PlainText, Reference

TermText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=60),
    Field(description="A word or short phrase as people write it, on one line, without [ ] or \\."),
]

# A term is written into a page's abbreviation definitions (`*[FCR]: …`), where a
# bracket or backslash would end or escape it, and a line break would split it.
_NOT_IN_TERMS = re.compile(r"[\[\]\\\n\r]")


class Term(Model):
    term: TermText = Field(description="The term as the library writes it, e.g. `원콜 처리율`.")
    definition: Markdown = Field(
        min_length=1,
        description="What it means. The first sentence is the tooltip on other pages, so make it stand alone.",
    )
    synonyms: list[TermText] = Field(
        default_factory=list,
        description="Other names people say or type: colloquial (윗사람), abbreviated (FCR), English. "
        "Search finds the term by any of them; each may belong to one term only.",
    )
    formula: PlainText | None = Field(None, description="How a KPI is computed, e.g. `해결 건수 ÷ 전체 문의 × 100`.")
    window: PlainText | None = Field(None, description="The measurement period of a KPI, e.g. `월 단위`, `30분 구간`.")
    related: list[Id] = Field(default_factory=list, description="Ids of documents about this term.")

    @property
    def names(self) -> list[str]:
        """The term, then its synonyms."""
        return [self.term, *self.synonyms]


class Glossary(DocumentBase):
    kind: Literal["glossary"]
    terms: list[Term] = Field(min_length=1, description="The terms; the page lists them in 가나다 order.")


def claim_key(name: str) -> str:
    """What makes two names the same word for search: case, Unicode form and spaces
    aside (`원콜 처리율`, `원콜처리율`). Two terms may not claim one key."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", name).casefold())


def spelling(name: str) -> str:
    """What makes two names the same spelling: case and Unicode form aside. Within one
    term, spacing variants (`잡크래프팅`, `잡 크래프팅`) are different spellings people type."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def names_with_paths(doc: Glossary) -> Iterator[tuple[int, tuple[object, ...], str]]:
    """(term index, key path, name) of every term and synonym, in document order."""
    for i, term in enumerate(doc.terms):
        yield i, ("terms", i, "term"), term.term
        for j, synonym in enumerate(term.synonyms):
            yield i, ("terms", i, "synonyms", j), synonym


def glossary_rules(doc: Glossary) -> list[Problem]:
    problems: list[Problem] = []
    for _, path, name in names_with_paths(doc):
        if _NOT_IN_TERMS.search(name):
            problems.append(
                (
                    path,
                    f"{format_path(path)}: {name!r} may not hold [, ], \\ or a line break; "
                    "write the word as people type it",
                    False,
                )
            )
    for i, term in enumerate(doc.terms):
        if not term.definition.strip():
            problems.append((("terms", i, "definition"), f"terms[{i}].definition: expected what the term means", False))
    # One claim per key across terms; within a term, one entry per spelling.
    claims: dict[str, tuple[int, tuple[object, ...]]] = {}
    spellings: dict[tuple[int, str], tuple[object, ...]] = {}
    for i, path, name in names_with_paths(doc):
        key, spelt = claim_key(name), (i, spelling(name))
        if spelt in spellings:
            first = spellings[spelt]
            problems.append(
                (
                    path,
                    f"{format_path(path)}: {name!r} repeats {format_path(first)}; list each name once",
                    False,
                )
            )
            continue
        spellings[spelt] = path
        claimed = claims.get(key)
        if claimed is not None and claimed[0] != i:
            owner = doc.terms[claimed[0]].term
            problems.append(
                (
                    path,
                    f"{format_path(path)}: {name!r} already names the term {owner!r} ({format_path(claimed[1])}); "
                    f"a word may name one term only, so remove it from {doc.terms[i].term!r} or from {owner!r}",
                    False,
                )
            )
            continue
        claims.setdefault(key, (i, path))
    return problems


def _references(doc: Glossary) -> Iterator[Reference]:
    for i, term in enumerate(doc.terms):
        for j, ref in enumerate(term.related):
            yield ("terms", i, "related", j), ref, None


SCAFFOLD = """\
roles: [agent, trainer, qa, supervisor, manager]   # 용어집은 보통 모두가 봅니다
{common}terms:                    # 용어마다 한 항목. 사이트에는 가나다순으로 나옵니다
  - term: 평균 응답 속도    # 라이브러리에서 쓰는 이름
    definition: |         # 뜻 (Markdown). 첫 문장은 다른 페이지에서 말풍선으로 보이니 그것만으로 뜻이 통하게 씁니다
      고객이 연결을 기다리기 시작해서 상담사가 받기까지 걸린 시간의 평균입니다.
    synonyms: [ASA, 응답 속도]   # 사람들이 부르거나 검색하는 다른 이름. 한 이름은 한 용어에만 씁니다
    formula: 응대한 콜의 대기 시간 합 ÷ 응대한 콜 수   # 계산식 (지표일 때만)
    window: 30분 구간      # 측정 기간 (지표일 때만)
    related: []           # 이 용어를 다루는 문서의 id
"""

SPEC = KindSpec(
    name="glossary",
    model=Glossary,
    label="용어집",
    site_folder="glossary",
    library_folder="glossary",
    schema_title="Glossary: terms with definitions and the other names people use for them",
    summary_hint="이 용어집이 어떤 말을 모았는지 한 문단으로 씁니다. 목록과 검색에 보입니다.",
    scaffold=SCAFFOLD,
    blurb="현장에서 쓰는 말의 뜻과 다른 이름입니다. 다른 문서에 나온 용어는 뜻이 말풍선으로 보이고, "
    "어느 이름으로 검색해도 찾습니다.",
    references=_references,
    rules=glossary_rules,
)
