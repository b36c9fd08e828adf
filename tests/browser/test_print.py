"""Lessons, scorecards and scripts print as handouts and forms on A4, in Chromium's print engine.

Checked in print media (what the print dialog lays out) and through `page.pdf()` itself:
no site chrome, whole table rows, and the quiz answers on a page of their own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LESSON = "lessons/lesson-diagnosis/"
SCORECARD = "scorecards/qa-retention/"
CHROME = [".md-header", ".md-tabs", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-search", ".md-footer"]
A4_POINTS = (595, 842)  # 210 × 297 mm

_VISIBILITY = """
(selectors) => Object.fromEntries(selectors.map((s) => {
  const el = document.querySelector(s);
  if (!el) return [s, "absent"];
  return [s, el.checkVisibility() ? "visible" : "hidden"];
}))
"""


@pytest.fixture(scope="module")
def site_url(minimal_site: Path, serve: Callable[[Path], str]) -> str:
    return serve(minimal_site)


def _open(page, url: str, media: str):  # type: ignore[no-untyped-def]
    page.goto(url)
    page.emulate_media(media=media)
    return page


def _pdf_pages(pdf: bytes) -> list[tuple[float, float]]:
    """Page sizes (points) from the PDF's page objects; Chromium writes them uncompressed."""
    boxes = re.findall(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    return [(float(w), float(h)) for w, h in boxes]


@pytest.mark.parametrize("path", [LESSON, SCORECARD])
def test_site_chrome_is_on_screen_but_not_on_paper(page, site_url: str, path: str) -> None:  # type: ignore[no-untyped-def]
    _open(page, site_url + path, "screen")
    assert page.evaluate(_VISIBILITY, CHROME) == dict.fromkeys(CHROME, "visible")
    page.emulate_media(media="print")
    assert page.evaluate(_VISIBILITY, CHROME) == dict.fromkeys(CHROME, "hidden")
    assert page.locator("article h1").is_visible()


def test_answer_key_is_hidden_on_screen_and_printed_on_its_own_page(page, site_url: str) -> None:  # type: ignore[no-untyped-def]
    _open(page, site_url + LESSON, "screen")
    assert page.locator(".cb-answer-key").is_hidden()
    assert page.locator("details.cb-answer").is_visible()
    page.emulate_media(media="print")
    key = page.locator(".cb-answer-key")
    assert key.is_visible()
    assert "2번 — 사유 확인" in key.inner_text()
    assert page.locator("details.cb-answer").is_hidden()
    style = key.evaluate("(el) => { const s = getComputedStyle(el); return [s.breakBefore, s.breakAfter]; }")
    assert style == ["page", "page"]


def test_lesson_pdf_is_a4_and_the_answers_take_a_page_of_their_own(page, site_url: str) -> None:  # type: ignore[no-untyped-def]
    _open(page, site_url + LESSON, "print")
    with_key = _pdf_pages(page.pdf(prefer_css_page_size=True, print_background=False))
    assert with_key, "no pages found in the PDF"
    assert {(round(w), round(h)) for w, h in with_key} == {A4_POINTS}
    page.evaluate("() => document.querySelector('.cb-answer-key').remove()")
    without_key = _pdf_pages(page.pdf(prefer_css_page_size=True))
    assert len(with_key) >= len(without_key) + 1


def test_scorecard_prints_on_a4_with_whole_table_rows(page, site_url: str) -> None:  # type: ignore[no-untyped-def]
    _open(page, site_url + SCORECARD, "print")
    rules = page.evaluate(
        """() => [...document.querySelectorAll('article tr')].map((tr) => getComputedStyle(tr).breakInside)"""
    )
    assert rules and set(rules) == {"avoid"}
    overflow = page.evaluate(
        """() => [...document.querySelectorAll('.md-typeset__table')].map((el) => getComputedStyle(el).overflowX)"""
    )
    assert set(overflow) <= {"visible"}
    pages = _pdf_pages(page.pdf(prefer_css_page_size=True))
    assert pages and {(round(w), round(h)) for w, h in pages} == {A4_POINTS}


SCRIPT = "scripts/script-price/"


def test_a_script_prints_every_step_by_its_label_on_a4(page, site_url: str) -> None:  # type: ignore[no-untyped-def]
    _open(page, site_url + SCRIPT, "screen")
    assert page.locator("[data-consult]").is_visible()
    assert page.locator(".cb-steps").is_hidden()  # consult mode shows one step at a time
    page.emulate_media(media="print")
    assert page.locator("[data-consult]").is_hidden()
    titles = page.locator(".cb-step-title").all_inner_texts()
    assert len(titles) == 4 and all(t.strip() for t in titles)
    assert titles[1] == "2. 사용량에 맞는 요금제를 안내해 드릴게요"
    for step_id in ["open", "offer-plan", "close-retained", "close-cancel"]:
        assert not any(step_id in t for t in titles)
    assert page.locator(".cb-compliance-block").is_visible()
    assert page.locator(".cb-context").is_visible()  # scenario and goal, folded on screen
    assert page.locator(".cb-flow-list").is_visible()  # the step list stands in for the chart
    assert "→ 2. 사용량에 맞는 요금제를 안내해 드릴게요" in page.locator(".cb-steps").inner_text()
    pages = _pdf_pages(page.pdf(prefer_css_page_size=True))
    assert pages and {(round(w), round(h)) for w, h in pages} == {A4_POINTS}
