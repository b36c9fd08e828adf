"""Lessons, scorecards and scripts print for the room, the evaluator and the agent, on A4,
in Chromium's print engine.

Checked in print media (what the print dialog lays out) and through `page.pdf()`, whose
text is read back with pypdf: no site chrome, whole table rows, a scorecard that is a
form to fill in (on two pages for the starter's), a facilitator's guide whose answer key
keeps its explanations on a page of its own, a trainee handout without notes, hidden
motives or answers, and a footer with title, address, date and page n / m on every page.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LESSON = "lessons/lesson-diagnosis/"
HANDOUT = "lessons/lesson-diagnosis/handout/"
SCORECARD = "scorecards/qa-retention/"
STARTER_SCORECARD = "scorecards/qa-retention-call/"
STARTER_LESSON = "lessons/lesson-cancellation-reason-diagnosis/"
GLOSSARY = "glossary/glossary-basics/"
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


@pytest.fixture(scope="module")
def starter_url(starter_site: Path, serve: Callable[[Path], str]) -> str:
    return serve(starter_site)


def _open(page, url: str, media: str):  # type: ignore[no-untyped-def]
    page.goto(url)
    page.emulate_media(media=media)
    return page


def _pdf(page) -> list[pypdf.PageObject]:  # type: ignore[no-untyped-def]
    reader = pypdf.PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    return list(reader.pages)


def _sizes(pages: list[pypdf.PageObject]) -> set[tuple[int, int]]:
    return {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pages}


def _text(page: pypdf.PageObject) -> str:
    """A page's text without white space: PDF text runs of Korean come back spaced apart."""
    return re.sub(r"\s+", "", page.extract_text())


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("path", [LESSON, SCORECARD, HANDOUT, GLOSSARY])
def test_site_chrome_is_on_screen_but_not_on_paper(page, site_url: str, path: str) -> None:  # type: ignore[no-untyped-def]
    _open(page, site_url + path, "screen")
    assert page.evaluate(_VISIBILITY, CHROME) == dict.fromkeys(CHROME, "visible")
    page.emulate_media(media="print")
    assert page.evaluate(_VISIBILITY, CHROME) == dict.fromkeys(CHROME, "hidden")
    assert page.locator("article h1").is_visible()


def test_answer_key_is_hidden_on_screen_and_printed_last_with_explanations(page, site_url: str) -> None:  # type: ignore[no-untyped-def]
    _open(page, site_url + LESSON, "screen")
    assert page.locator(".cb-answer-key").is_hidden()
    assert page.locator("details.cb-answer").is_visible()
    page.emulate_media(media="print")
    key = page.locator(".cb-answer-key")
    assert key.is_visible()
    assert "정답: 나 — 사유 확인" in key.inner_text()
    assert "사유를 알아야 제안할 수 있다." in key.inner_text()
    assert page.locator("details.cb-answer").is_hidden()
    assert key.evaluate("(el) => getComputedStyle(el).breakBefore") == "page"


def test_quiz_choices_and_answers_use_the_same_markers(page, site_url: str) -> None:  # type: ignore[no-untyped-def]
    _open(page, site_url + LESSON, "screen")
    markers = page.locator(".cb-quiz-item .cb-choice-marker").all_inner_texts()
    assert markers == ["가", "나", "다"]
    page.locator("details.cb-answer summary").click()
    assert "정답: 나 — 사유 확인" in page.locator("details.cb-answer").inner_text()


def test_lesson_pdf_is_the_facilitators_guide_with_a_footer_on_every_page(page, site_url: str) -> None:  # type: ignore[no-untyped-def]
    _open(page, site_url + LESSON, "print")
    pages = _pdf(page)
    assert pages and _sizes(pages) == {A4_POINTS}
    texts = [_text(p) for p in pages]
    whole = "".join(texts)
    assert _squeeze("강사용 진행안") in whole
    assert _squeeze("사례 두 개를 보여 준다.") in whole  # the facilitator's notes
    assert _squeeze("쓰지 않는 부가서비스 요금이 아깝다") in whole  # the customer's hidden motive
    # The answers and their explanations are the last page, alone.
    assert _squeeze("퀴즈 정답과 해설") in texts[-1]
    assert _squeeze("정답: 나 — 사유 확인") in texts[-1]
    assert _squeeze("사유를 알아야 제안할 수 있다.") in texts[-1]
    assert _squeeze("학습 목표") not in texts[-1]
    assert not any(_squeeze("정답:") in t for t in texts[:-1])
    # Links between documents stay on the screen.
    for screen_only in ("태그", "이 문서를 언급하는 문서", "관련 문서"):
        assert _squeeze(screen_only) not in whole
    # Every page: the title, the address, the print date and "n / m쪽".
    today = dt.date.today().isoformat()
    for number, text in enumerate(texts, 1):
        assert _squeeze("해지 사유 진단 실습") in text
        assert (site_url + LESSON) in text
        assert f"인쇄{today}" in text
        assert f"{number}/{len(texts)}쪽" in text
        assert "¶" not in text


def test_handout_pdf_has_no_notes_motives_or_answers(page, site_url: str) -> None:  # type: ignore[no-untyped-def]
    _open(page, site_url + LESSON, "screen")
    page.locator("a[data-handout-link]").click()
    page.wait_for_load_state("load")  # the footer's title and address are set once the page has loaded
    assert page.url == site_url + HANDOUT
    page.emulate_media(media="print")
    pages = _pdf(page)
    assert pages and _sizes(pages) == {A4_POINTS}
    whole = "".join(_text(p) for p in pages)
    for present in (
        "수강생용",
        "학습 목표",
        "열린 질문으로 해지 사유를 확인한다",
        "진행 순서",
        "짜증이 난 30대 고객",
        "사유를 두 번 이상 묻는다",
        "가장 먼저 할 일은?",
        "가해지 접수",
        "나사유 확인",
        "다위약금 고지",
    ):
        assert _squeeze(present) in whole, present
    for absent in (
        "정답",
        "사유를 알아야 제안할 수 있다.",
        "사례 두 개를 보여 준다.",
        "진행 메모",
        "쓰지 않는 부가서비스 요금이 아깝다",
        "숨은 사유",
        "강사용 진행안",
        "교육안 페이지",
    ):
        assert _squeeze(absent) not in whole, absent
    assert (site_url + HANDOUT) in whole


def test_scorecard_prints_as_a_form_without_raw_ids(page, site_url: str) -> None:  # type: ignore[no-untyped-def]
    _open(page, site_url + SCORECARD, "print")
    rows = page.evaluate(
        "() => [...document.querySelectorAll('article tr')].map((tr) => getComputedStyle(tr).breakInside)"
    )
    assert rows and set(rows) == {"avoid"}
    pages = _pdf(page)
    assert pages and _sizes(pages) == {A4_POINTS}
    whole = "".join(_text(p) for p in pages)
    for field in (
        "평가자",
        "상담사",
        "상담 일시",
        "상담 ID",
        "평가일",
        "채점 방법",
        "영역 소계",
        "총점",
        "치명 항목",
        "판정:",
        "통과",
        "치명 위반",
        "의견",
        "가중치 60%",
        "배점 60",
        "묻지 않고 바로 접수",
        "해당 없음: 고객이 약정 없이 이용 중인 경우",
        "0–100점 사이 점수를 적습니다",
    ):
        assert _squeeze(field) in whole, field
    assert _squeeze("치명 항목이 하나라도 0점이면 다른 점수와 관계없이 총점이 0점(치명 위반)입니다.") in whole
    assert _squeeze("N/A(해당 없음)로 채점한 항목은 받은 점수와 배점 양쪽에서 빼므로 감점이 아닙니다.") in whole
    for criterion_id in ("open-question", "notice", "offer"):
        assert criterion_id not in whole
    for screen_only in ("캘리브레이션", "변경 이력", "평가하기"):
        assert _squeeze(screen_only) not in whole


def test_the_starter_scorecard_fits_on_two_a4_pages(page, starter_url: str) -> None:  # type: ignore[no-untyped-def]
    _open(page, starter_url + STARTER_SCORECARD, "print")
    ids = page.eval_on_selector_all("tr[data-criterion]", "rows => rows.map((r) => r.dataset.criterion)")
    areas = page.eval_on_selector_all(".cb-sc-area-title", "els => els.map((e) => e.textContent)")
    pages = _pdf(page)
    assert _sizes(pages) == {A4_POINTS}
    assert len(pages) == 2
    texts = [_text(p) for p in pages]
    whole = "".join(texts)
    for criterion_id in ids:
        assert criterion_id not in whole
    assert _squeeze("통화를 시작하며 개인정보를 묻기 전에 녹취 사실을 알렸는가") in whole
    # Each area's table starts with its title; a page never ends on a title without rows.
    for text in texts:
        body = text.split("해지방어상담통화평가표http")[0]  # the footer follows the body
        assert not any(body.endswith(_squeeze(area) + "가중치" + str(w) + "%") for area in areas for w in range(101))
    assert _squeeze("판정:") in texts[-1]
    assert "1/2쪽" in texts[0] and "2/2쪽" in texts[1]


def test_printing_after_scoring_on_screen_keeps_the_marks(page, site_url: str) -> None:  # type: ignore[no-untyped-def]
    _open(page, site_url + SCORECARD, "screen")
    page.locator("[data-score-action=toggle]").click()
    page.locator('tr[data-criterion="open-question"] input[value="60"]').check()
    page.locator("[data-field-input=evaluator]").fill("김하나")
    page.emulate_media(media="print")
    assert page.locator("[data-score-result]").is_hidden()
    assert page.locator("[data-score-bar]").is_hidden()
    whole = "".join(_text(p) for p in _pdf(page))
    assert "김하나" in whole  # what was typed on screen is on the paper form
    assert _squeeze("평가하기") not in whole and _squeeze("평가 마치기") not in whole


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
    assert page.locator(".cb-flow-diagram").is_hidden()  # even when the chart was drawn on screen
    assert "→ 2. 사용량에 맞는 요금제를 안내해 드릴게요" in page.locator(".cb-steps").inner_text()
    pages = _pdf(page)
    assert pages and _sizes(pages) == {A4_POINTS}


@pytest.mark.parametrize("path", [SCORECARD, "lessons/lesson-diagnosis/handout/"])
def test_a_page_printed_from_the_dark_scheme_is_black_on_white(browser, site_url: str, path: str) -> None:  # type: ignore[no-untyped-def]
    """Material's slate scheme sets a dark color-scheme; with background graphics on, the
    page margins and the footer printed black and faint grey on black."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="dark", locale="ko-KR")
    page = context.new_page()
    try:
        page.goto(site_url + path)
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
        page.emulate_media(media="print", color_scheme="dark")
        seen = page.evaluate(
            """() => {
                const root = getComputedStyle(document.documentElement), body = getComputedStyle(document.body);
                const text = getComputedStyle(document.querySelector('article'));
                return [root.colorScheme, body.backgroundColor, text.color];
            }"""
        )
        assert seen == ["light", "rgb(255, 255, 255)", "rgb(0, 0, 0)"]
    finally:
        context.close()


def test_copy_buttons_of_code_blocks_are_not_printed(page, site_url: str) -> None:  # type: ignore[no-untyped-def]
    """The guide quotes messages in code blocks: on paper the copy button covered their ends."""
    _open(page, site_url + "guide/", "screen")
    buttons = page.locator(".md-code__button")
    buttons.first.wait_for()  # Material's script adds them after load
    assert buttons.count() > 10 and buttons.first.is_visible()
    page.emulate_media(media="print")
    assert all(not buttons.nth(i).is_visible() for i in range(buttons.count()))


def test_glossary_prints_its_terms_without_the_jump_index(page, site_url: str) -> None:  # type: ignore[no-untyped-def]
    _open(page, site_url + GLOSSARY, "screen")
    assert page.locator(".cb-jump").is_visible()
    page.emulate_media(media="print")
    assert page.locator(".cb-jump").is_hidden()  # on paper it links nowhere
    assert page.locator(".cb-term").count() == 5 and page.locator(".cb-term").first.is_visible()
    assert _sizes(_pdf(page)) == {A4_POINTS}
