"""E-mail digest: one self-contained HTML file per edition, safe to paste into a mail tool."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
from craftbook.digest import digest_files
from craftbook.library import Library, load_library
from craftbook.render import RenderOptions

HUB = Path(__file__).parent / "fixtures" / "hub"
SITE = "https://example.org/craftbook/"
TODAY = dt.date(2026, 12, 1)
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Anything a mail client would strip, block or that needs another file.
FORBIDDEN_TAGS = {"script", "style", "link", "iframe", "object", "embed", "form", "base", "frame", "svg"}


class Page(HTMLParser):
    """Every element with its attributes, the text, and whether tags nest properly."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.stack: list[str] = []
        self.mismatches: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.mismatches.append(tag)
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    @property
    def plain(self) -> str:
        return " ".join(" ".join(self.text).split())


def parse(content: bytes) -> Page:
    page = Page()
    page.feed(content.decode("utf-8"))
    page.close()
    return page


@pytest.fixture(scope="module")
def full() -> Library:
    return load_library(HUB)


@pytest.fixture(scope="module")
def public(full: Library) -> dict[str, bytes]:
    return digest_files(full.select(), RenderOptions(today=TODAY, site_url=SITE))


@pytest.fixture(scope="module")
def members(full: Library) -> dict[str, bytes]:
    return digest_files(full.select(audience="members"), RenderOptions(today=TODAY, site_url=SITE))


def test_one_digest_per_published_edition(public: dict[str, bytes], members: dict[str, bytes]) -> None:
    assert set(public) == {"editions/edition-2026-09/email.html", "editions/edition-2026-11/email.html"}
    assert "editions/edition-2026-12-members/email.html" in members


@pytest.mark.parametrize("path", ["editions/edition-2026-09/email.html", "editions/edition-2026-11/email.html"])
def test_digest_is_self_contained(public: dict[str, bytes], path: str) -> None:
    page = parse(public[path])
    assert not page.mismatches and not page.stack, (page.mismatches, page.stack)
    tags = [tag for tag, _ in page.elements]
    assert tags[0] == "html" and "body" in tags
    assert not FORBIDDEN_TAGS & set(tags)
    for tag, attrs in page.elements:
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        if tag == "a":
            assert attrs["href"].startswith(("https://", "http://", "mailto:")), attrs["href"]
        if tag == "img":  # none today; if one is added it must come from the site, absolutely
            assert attrs["src"].startswith(SITE)
    # Layout for mail clients: tables, the content column at most 600px wide, inline styles.
    widths = [a for t, a in page.elements if t == "table" and "max-width:600px" in a.get("style", "")]
    assert widths and widths[0].get("width") == "600"
    styled = [t for t, a in page.elements if "style" in a]
    assert len(styled) > 10
    meta = [a for t, a in page.elements if t == "meta"]
    assert {"charset": "utf-8"} in meta


def test_digest_lays_out_the_edition(public: dict[str, bytes]) -> None:
    page = parse(public["editions/edition-2026-11/email.html"])
    text = page.plain
    assert "2026년 11월호 — 피드백 & 질문" in text
    assert "제2호" in text and "2026년 11월 20일" in text
    assert "다음 행동" in text  # the intro
    picks = ["오래된 QA 피드백 루틴", '열린 질문 연습 & "왜"를 묻는 법', "요금 부담 해지 요청 상담"]
    positions = [text.index(title) for title in picks]
    assert positions == sorted(positions)
    assert "고른 이유 — 검토가 밀렸지만 <script>alert(1)</script> 여전히 쓸 만하다" in text
    assert "역할 플레이북 · QA 평가자" in text
    hrefs = [a["href"] for t, a in page.elements if t == "a"]
    assert f"{SITE}playbooks/pb-qa-stale/" in hrefs
    assert f"{SITE}editions/edition-2026-11/" in hrefs  # read it on the web
    assert f"{SITE}subscribe/" in hrefs
    # An edition for QA evaluators: its footer offers the QA feed, which brings the next one.
    assert f"{SITE}roles/qa/feed.xml" in hrefs and f"{SITE}feed.xml" not in hrefs


def test_an_edition_for_everyone_links_the_site_feed(full: Library) -> None:
    edition = full.get("edition-2026-11")
    assert edition is not None and edition.all_roles == ["qa"]
    library = full.select()
    entry = library.entries[edition.id]
    library.entries[edition.id] = replace(entry, doc=edition.model_copy(update={"roles": []}))
    page = parse(
        digest_files(library, RenderOptions(today=TODAY, site_url=SITE))["editions/edition-2026-11/email.html"]
    )
    feeds = [a["href"] for t, a in page.elements if t == "a" and "data-feed" in a]
    assert feeds == [f"{SITE}feed.xml"]


def test_korean_text_breaks_between_words_not_inside_them(public: dict[str, bytes]) -> None:
    """Mail clients break Korean anywhere (권/한) unless told not to; many drop inherited
    styles, so every cell that holds text says so itself."""
    page = parse(public["editions/edition-2026-11/email.html"])
    body = next(a for t, a in page.elements if t == "body")
    assert "word-break:keep-all" in body["style"]
    text_cells = [a for t, a in page.elements if t == "td" and "font-family" in a.get("style", "")]
    assert len(text_cells) >= 5
    assert all("word-break:keep-all" in a["style"] for a in text_cells)


def test_untrusted_text_is_escaped(public: dict[str, bytes]) -> None:
    raw = public["editions/edition-2026-11/email.html"].decode("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    assert "&lt;b&gt;열린 질문&lt;/b&gt;" in raw  # a summary with markup is shown as typed


def test_digest_skips_picks_left_out_of_the_build(public: dict[str, bytes], members: dict[str, bytes]) -> None:
    public_text = parse(public["editions/edition-2026-11/email.html"]).plain
    members_text = parse(members["editions/edition-2026-11/email.html"]).plain
    assert "Zephyr" not in public_text and "Thistlewood" not in public_text
    assert "이번 호에 고른 글 3편" in public_text
    assert "구성원 전용 보상 설계 사례 Zephyr" in members_text
    assert "이번 호에 고른 글 4편" in members_text
    assert "Thistlewood" not in members_text  # drafts stay out of a build without --drafts


def test_relative_intro_links_become_absolute(public: dict[str, bytes]) -> None:
    page = parse(public["editions/edition-2026-09/email.html"])
    hrefs = [a["href"] for t, a in page.elements if t == "a"]
    assert f"{SITE}playbooks/pb-sup-coaching/" in hrefs
    assert not [h for h in hrefs if h.startswith("..")]
