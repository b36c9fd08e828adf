"""Golden Markdown for one document of each kind, plus the listing and link rules."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from craftbook import labels
from craftbook.library import load_library
from craftbook.models import KINDS
from craftbook.render import PAGE_SIZE, Renderer, RenderOptions, doc_path, sort_key
from craftbook.urls import slugify

FIXTURES = Path(__file__).parent / "fixtures"
GOLDEN = Path(__file__).parent / "golden"
TODAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    library = load_library(FIXTURES / "minimal")
    return Renderer(library, RenderOptions(today=TODAY)).render_pages()


# The minimal library holds one document of each kind: one golden page per kind.
DOCS = {entry.doc.kind: doc_path(entry.doc) for entry in load_library(FIXTURES / "minimal")}


@pytest.mark.parametrize("kind", sorted(DOCS))
def test_golden_markdown(kind: str, pages: dict[str, str], update_goldens: bool) -> None:
    golden = GOLDEN / f"{kind}.md"
    actual = pages[DOCS[kind]]
    if update_goldens or not golden.exists():
        golden.write_text(actual, encoding="utf-8")
    assert actual == golden.read_text(encoding="utf-8")


def test_every_page_path_contains_its_id(pages: dict[str, str]) -> None:
    library = load_library(FIXTURES / "minimal")
    for entry in library:
        path = doc_path(entry.doc)
        assert entry.doc.id in path
        assert path in pages


def test_site_pages_exist(pages: dict[str, str]) -> None:
    for path in [
        "index.md",
        "tags/index.md",
        "roles/trainer/index.md",
        "roles/qa/index.md",
        "roles/supervisor/index.md",
        "roles/agent/index.md",
        "roles/manager/index.md",
        "scripts/index.md",
        "editions/index.md",
    ]:
        assert path in pages


def test_raw_html_in_markdown_fields_is_text(pages: dict[str, str]) -> None:
    page = pages["playbooks/supervisor-recognition.md"]
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_cross_references_are_relative_links(pages: dict[str, str]) -> None:
    page = pages["playbooks/supervisor-recognition.md"]
    assert "[해지 사유 진단 실습](../lessons/lesson-diagnosis.md)" in page
    assert "[요금 부담 해지 요청 상담](../scripts/script-price.md)" in page
    assert "[포상하기 대신 인정하기](../resources/res-article.md)" in page


def test_listings_paginate(tmp_path: Path) -> None:
    source = (FIXTURES / "minimal" / "resource.yaml").read_text(encoding="utf-8")
    count = PAGE_SIZE * 2 + 3
    for i in range(count):
        text = source.replace("id: res-article", f"id: res-{i:03d}").replace("title: ", f"title: 자료 {i:03d} ")
        (tmp_path / f"r{i}.yaml").write_text(text, encoding="utf-8")
    pages = Renderer(load_library(tmp_path), RenderOptions(today=TODAY)).render_pages()
    assert {"resources/index.md", "resources/page_2.md", "resources/page_3.md"} <= set(pages)
    assert "resources/page_4.md" not in pages
    assert pages["resources/page_3.md"].count("\n- **") == 3
    # the supervisor track shows a preview and links to the full, paginated list
    track = pages["roles/supervisor/index.md"]
    assert track.count("\n- **") == 8
    assert f"[전체 {count}개 보기](resources/index.md)" in track
    assert "roles/supervisor/resources/page_3.md" in pages


def test_korean_slugs_and_sorting() -> None:
    assert slugify("해지 방어") == "해지-방어"
    assert slugify("QA 캘리브레이션!") == "qa-캘리브레이션"
    titles = ["하나", "가나", "다람쥐", "나무", "Apple"]
    assert sorted(titles, key=sort_key) == ["Apple", "가나", "나무", "다람쥐", "하나"]


def test_the_agent_track_lists_scripts_first(pages: dict[str, str]) -> None:
    # An agent opens a track mid-call for a script; other roles keep the contract's order.
    headings = [line for line in pages["roles/agent/index.md"].splitlines() if line.startswith("## ")]
    assert headings == ["## 상담 스크립트 (1)", "## 교육안 (1)", "## 용어집 (1)"]
    assert labels.track_kinds("agent")[0] == "script"
    assert labels.track_kinds("trainer") == KINDS


def test_home_page_starts_with_the_role_cards(pages: dict[str, str]) -> None:
    home = pages["index.md"]
    assert home.index('class="cb-tracks"') < home.index("챗봇이 단순 문의를")
    assert "grid cards" not in home  # one box per role, not a card inside a card
    assert home.count('<a class="cb-track" data-role=') == 5


def test_a_script_page_shows_step_labels_never_step_ids(pages: dict[str, str]) -> None:
    page = pages["scripts/script-price.md"]
    visible = re.sub(r'<[^>]*>|"[^"]*"', " ", page.split("## 상담 단계", 1)[1])  # text, not attributes
    for step_id in ["open", "offer-plan", "close-retained", "close-cancel"]:
        assert not re.search(rf"(?<![\w-]){step_id}(?![\w-])", visible), step_id
    assert "→ 2. 사용량에 맞는 요금제를 안내해 드릴게요" in page
