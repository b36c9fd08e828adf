"""The glossary kind: its 용어집 page (가나다 order, jump index, an anchor per term) and
the tooltips its terms give the pages that use them (craftbook.terms)."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from craftbook import urls
from craftbook.library import load_library
from craftbook.render import Renderer, RenderOptions, glossary_groups, initial
from craftbook.terms import Terms, definitions, tooltip
from craftbook.text import render_markdown

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return Renderer(load_library(FIXTURES / "minimal"), RenderOptions(today=TODAY)).render_pages()


# --------------------------------------------------------------- the 용어집 page


@pytest.mark.parametrize(
    ("term", "group"),
    [
        ("원콜 처리율", "ㅇ"),
        ("관리자", "ㄱ"),
        ("까다로운 고객", "ㄱ"),  # a double consonant files under its single one
        ("쌍방 소통", "ㅅ"),
        ("ㅎ으로 시작", "ㅎ"),
        ("FCR", "F"),
        ("aht", "A"),
        ("1차 해결률", "기타"),
        ("<b>QA</b>", "기타"),
    ],
)
def test_a_term_files_under_its_initial(term: str, group: str) -> None:
    assert initial(term) == group


def test_the_page_lists_terms_in_gana_order_hangul_first_then_a_to_z(pages: dict[str, str]) -> None:
    library = load_library(FIXTURES / "minimal")
    groups = glossary_groups(library.get("glossary-basics"))  # type: ignore[arg-type]
    assert [g for g, _, _ in groups] == ["ㄱ", "ㅇ", "ㅎ", "기타"]
    terms = [t.term for _, _, group in groups for t, _ in group]
    assert terms == ["감정노동", "관리자", "원콜 처리율", "해지 방어", "<b>QA</b>"]
    page = pages["glossary/glossary-basics.md"]
    jump = re.search(r'<nav class="cb-jump"[^>]*>(.*?)</nav>', page, re.S)
    assert jump is not None
    assert re.findall(r'href="#([^"]+)"', jump.group(1)) == [
        "initial-ㄱ",
        "initial-ㅇ",
        "initial-ㅎ",
        "initial-기타",
    ]
    assert "### 원콜 처리율 { #원콜-처리율 .cb-term }" in page
    assert "## ㄱ { #initial-ㄱ .cb-initial }" in page


def test_term_anchors_are_readable_and_unique() -> None:
    assert urls.term_anchors(["원콜 처리율", "A/B", "AB", "ab", "!!"]) == {
        "원콜 처리율": "원콜-처리율",
        "A/B": "ab",
        "AB": "ab-2",
        "ab": "ab-3",
        "!!": "term",
    }


def test_a_glossary_page_shows_no_tooltips_of_its_own(pages: dict[str, str]) -> None:
    assert "*[" not in pages["glossary/glossary-basics.md"]
    assert "<abbr" not in pages["glossary/glossary-basics.md"]


def test_hostile_terms_and_definitions_show_as_text(pages: dict[str, str]) -> None:
    body = pages["glossary/glossary-basics.md"].split("\n---\n", 1)[1]  # after the front matter (data)
    assert "<b>QA</b>" not in body and "&lt;b&gt;QA&lt;/b&gt;" in body
    assert "<script>" not in body


# --------------------------------------------------------------- tooltips


TERMS = Terms.of(
    [
        ("원콜 처리율", ["FCR", "원콜"], "<p>고객의 문의가 첫 연락 한 번으로 해결된 비율. 재문의로 센다.</p>"),
        ("이관", ["에스컬레이션"], "<p>넘기는 일.</p>"),
        ("QA", ["quality assurance"], "<p>상담 품질 평가 &amp; 코칭.</p>"),
    ]
)


def test_tooltips_are_the_term_and_its_abbreviations_with_the_first_sentence() -> None:
    assert dict(TERMS.titles) == {
        "원콜 처리율": "원콜 처리율: 고객의 문의가 첫 연락 한 번으로 해결된 비율.",
        "FCR": "원콜 처리율: 고객의 문의가 첫 연락 한 번으로 해결된 비율.",
        "이관": "이관: 넘기는 일.",
        "QA": "QA: 상담 품질 평가 ＆ 코칭.",  # Material shows a title as HTML: no < > & in it
    }  # 원콜, 에스컬레이션: spoken names are for search, not for a tooltip on every use


def test_a_long_definition_is_cut_in_its_tooltip() -> None:
    title = tooltip("용어", "<p>" + "아주 긴 설명 " * 40 + "</p>")
    assert len(title) <= len("용어: ") + 140 and title.endswith("…")


@pytest.mark.parametrize(
    ("text", "used"),
    [
        ("FCR을 높인다", ["FCR"]),  # a particle written onto the abbreviation
        ("원콜 처리율이 오른다", ["원콜 처리율"]),
        ("FCRS는 다른 말", []),  # a longer Latin word
        ("무이관 원칙", []),  # inside another word
        ("이관을 줄이고 QA팀과 본다", ["이관", "QA"]),
        ("원콜처리율", []),  # another spelling: search finds it, the tooltip is for the term as written
    ],
)
def test_terms_are_found_where_korean_writes_them(text: str, used: list[str]) -> None:
    assert list(TERMS.used_in([text])) == used


def test_markdown_fields_mark_each_use_with_an_escaped_tooltip() -> None:
    hostile = Terms.of([("FCR", [], '<p>"따옴표" &lt;script&gt;alert(1)&lt;/script&gt; 끝.</p>')])
    html = render_markdown("**FCR**을 본다. 코드 `FCR`은 그대로.\n\n## FCR 제목", dict(hostile.titles))
    title = "FCR: &quot;따옴표&quot; ＜script＞alert(1)＜/script＞ 끝."  # no markup, even once decoded
    assert f'<strong><abbr title="{title}">FCR</abbr></strong>' in html
    assert "<code>FCR</code>" in html  # code is left alone
    assert re.search(r"<h\d>FCR 제목</h\d>", html)  # so are headings
    assert "<script>" not in html


def test_a_field_cannot_define_a_tooltip_of_its_own() -> None:
    html = render_markdown("FCR을 본다.\n\n*[FCR]: <img src=x onerror=alert(1)>", dict(TERMS.titles))
    assert 'title="원콜 처리율: 고객의 문의가 첫 연락 한 번으로 해결된 비율."' in html
    assert "onerror=alert(1)" not in html.replace("&lt;img src=x onerror=alert(1)&gt;", "")  # shown as text only


def test_a_field_without_terms_keeps_the_fast_path() -> None:
    assert render_markdown("그냥 문장이다.", dict(TERMS.titles)) == render_markdown("그냥 문장이다.")


def test_the_page_ends_in_definitions_mkdocs_marks_with_korean_word_ends() -> None:
    used = TERMS.used_in(["FCR을 보고 이관을 줄인다"])
    source = "- FCR을 본다\n- 이관은 FCRS가 아니다\n\n# FCR 제목\n\n" + definitions(used)
    html = markdown.Markdown(extensions=["craftbook.terms"]).convert(source)
    assert html.count("<abbr") == 2
    assert '<li><abbr title="원콜 처리율: 고객의 문의가 첫 연락 한 번으로 해결된 비율.">FCR</abbr>을 본다</li>' in html
    assert "<h1>FCR 제목</h1>" in html
    assert "*[" not in html


def test_only_the_terms_a_page_uses_are_defined_on_it(pages: dict[str, str]) -> None:
    page = pages["playbooks/supervisor-recognition.md"]
    defined = re.findall(r"^\*\[([^\]]+)\]: ", page, re.M)
    assert defined == ["관리자", "원콜 처리율"]  # not 해지 방어, QA, 감정노동


class _Abbrs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.titles: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "abbr":
            self.titles.append(dict(attrs).get("title") or "")


def test_the_built_site_shows_tooltips_and_anchors(starter_site: Path) -> None:
    glossary = (starter_site / "glossary" / "glossary-contact-center" / "index.html").read_text(encoding="utf-8")
    ids = set(re.findall(r'id="([^"]+)"', glossary))
    assert {"원콜-처리율", "상급자-요청", "initial-ㅇ", "initial-c"} <= ids
    jumps = re.findall(r'<a href="#([^"]+)">', glossary.split('class="cb-jump"')[1].split("</nav>")[0])
    assert jumps and set(jumps) <= ids  # every jump lands on its group
    page = (starter_site / "scripts" / "script-heavy-complaint-manager-request" / "index.html").read_text(
        encoding="utf-8"
    )
    parser = _Abbrs()
    parser.feed(page)
    assert "관리자: 상담사를 이끌고 현장에서 결정을 내리는 사람." in parser.titles
    assert "*[" not in page  # the definitions were consumed, not shown
