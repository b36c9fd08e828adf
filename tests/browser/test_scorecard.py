"""평가하기 on a scorecard page, in Debian's Chromium, as a QA evaluator scores a call.

The minimal library's scorecard (tests/fixtures/minimal/scorecard.yaml):
- 1. 니즈 파악, weight 60: 1.1 open-question (60 points, anchors 0 and 60); 1.2 notice
  (40 points, critical, N/A allowed, no anchors: a number is typed);
- 2. 제안, weight 40: 2.1 offer (100 points, N/A allowed, no anchors).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser

SCORECARD = "scorecards/qa-retention/"
PAST = "scorecards/qa-retention/v1/"
STARTER_SCORECARD = "scorecards/qa-retention-call/"
WIDTHS = [360, 400, 1280]


@pytest.fixture(scope="module")
def base(minimal_site: Path, serve: Callable[[Path], str]) -> str:
    return serve(minimal_site)


@pytest.fixture(scope="module")
def starter(starter_site: Path, serve: Callable[[Path], str]) -> str:
    return serve(starter_site)


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[..., Page]]:
    """A fresh context per call; a request off 127.0.0.1 is refused and recorded, and
    dialogs are recorded and answered with `page.answer` (True: accept)."""
    contexts: list[Any] = []

    def _open(url: str, width: int = 1280, **options: Any) -> Page:
        context = browser.new_context(viewport={"width": width, "height": 800}, locale="ko-KR", **options)
        contexts.append(context)
        page = context.new_page()
        page.requests = []  # type: ignore[attr-defined]
        page.dialogs = []  # type: ignore[attr-defined]
        page.answer = True  # type: ignore[attr-defined]

        def route(route: Any) -> None:
            page.requests.append(route.request.url)  # type: ignore[attr-defined]
            if urlsplit(route.request.url).hostname == "127.0.0.1":
                route.continue_()
            else:
                route.abort()

        def dialog(dialog: Any) -> None:
            page.dialogs.append(dialog.message)  # type: ignore[attr-defined]
            if page.answer:  # type: ignore[attr-defined]
                dialog.accept()
            else:
                dialog.dismiss()

        context.route("**/*", route)
        page.on("dialog", dialog)
        page.goto(url)
        return page

    yield _open
    for context in contexts:
        context.close()


def start(page: Page) -> None:
    page.locator("[data-score-action=toggle]").click()
    expect(page.locator(".cb-scorecard")).to_have_attribute("data-scoring", "on")


def pick(page: Page, criterion: str, value: str) -> None:
    row = page.locator(f'tr[data-criterion="{criterion}"]')
    if value != "na" and row.locator("input[type=number]").count():
        row.locator("input[type=number]").fill(value)
    else:
        row.locator(f'input[value="{value}"]').check()


def total(page: Page) -> str:
    return page.locator("[data-total]").inner_text()


def subtotal(page: Page, area: int) -> str:
    return page.locator(f'[data-area-subtotal="{area}"]').inner_text()


@pytest.mark.parametrize("width", WIDTHS)
def test_area_subtotals_and_the_weighted_total_follow_each_pick(
    open_page: Callable[..., Page], base: str, width: int
) -> None:
    page = open_page(base + SCORECARD, width=width)
    expect(page.locator("[data-total]")).to_be_hidden()  # reading, not scoring: no blanks on screen
    start(page)
    pick(page, "open-question", "60")
    pick(page, "notice", "40")
    expect(page.locator('[data-area-subtotal="0"]')).to_have_text("100/100")
    expect(page.locator("[data-total]")).to_have_text("100/100")  # area 2 not scored yet: left out
    pick(page, "offer", "50")
    expect(page.locator('[data-area-subtotal="1"]')).to_have_text("50/100")
    assert page.locator('[data-area-weighted="0"]').inner_text() == "60"
    assert page.locator('[data-area-weighted="1"]').inner_text() == "20"
    expect(page.locator("[data-total]")).to_have_text("80/100")  # 100 × 60% + 50 × 40%
    expect(page.locator("[data-result-total]")).to_have_text("총점 80점 / 100")
    pick(page, "open-question", "0")
    expect(page.locator('[data-area-subtotal="0"]')).to_have_text("40/100")  # 40 of 100 points
    expect(page.locator("[data-total]")).to_have_text("44/100")
    expect(page.locator('li.cb-anchor[data-score="0"][data-selected]')).to_have_count(1)
    expect(page.locator("[data-score-bar]")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.requests and all(urlsplit(u).hostname == "127.0.0.1" for u in page.requests)  # type: ignore[attr-defined]


def test_na_leaves_the_sums_and_an_all_na_area_leaves_the_total(open_page: Callable[..., Page], base: str) -> None:
    page = open_page(base + SCORECARD, width=400)
    start(page)
    pick(page, "open-question", "60")
    pick(page, "notice", "na")
    expect(page.locator('[data-area-subtotal="0"]')).to_have_text("100/100")  # 60 of 60: N/A costs nothing
    pick(page, "offer", "na")
    expect(page.locator('[data-area-subtotal="1"]')).to_have_text("N/A")
    expect(page.locator('[data-area-score="1"]')).to_have_text("N/A")
    expect(page.locator("[data-total]")).to_have_text("100/100")  # rebased over area 1's weight
    text = page.locator("[data-result-text]").inner_text()
    assert "총점: 100점 / 100 (모든 항목이 N/A인 영역을 빼고 환산)" in text
    assert "- 1.2 위약금을 고지했는가: N/A [치명]" in text
    pick(page, "open-question", "0")
    expect(page.locator("[data-total]")).to_have_text("0/100")
    # A criterion without `na` offers no N/A at all.
    expect(page.locator('tr[data-criterion="open-question"] input[data-score-na]')).to_have_count(0)


def test_a_critical_zero_fails_the_evaluation(open_page: Callable[..., Page], base: str) -> None:
    page = open_page(base + SCORECARD, width=360)
    start(page)
    pick(page, "open-question", "60")
    pick(page, "offer", "100")
    pick(page, "notice", "40")
    expect(page.locator("[data-critical-status]")).to_have_text("판정: 통과")
    expect(page.locator("[data-total]")).to_have_text("100/100")
    pick(page, "notice", "0")
    expect(page.locator(".cb-scorecard")).to_have_attribute("data-critical-failed", "true")
    expect(page.locator("[data-critical-status]")).to_have_text("판정: 치명 위반")
    expect(page.locator('[data-critical-row="notice"]')).to_have_attribute("data-critical-state", "fail")
    expect(page.locator("[data-total]")).to_have_text("0/100")  # critical_fails: evaluation
    expect(page.locator("[data-result-total]")).to_have_text("총점 0점 / 100 · 치명 위반 (총점 0점)")
    assert "치명 위반: 1.2 위약금을 고지했는가 → 총점 0점" in page.locator("[data-result-text]").inner_text()


def test_a_critical_zero_costs_only_its_area_when_declared_so(
    open_page: Callable[..., Page], build_site: Callable[..., Path], serve: Callable[[Path], str], tmp_path: Path
) -> None:
    library = tmp_path / "lib"
    library.mkdir()
    source = (Path(__file__).resolve().parent.parent / "fixtures" / "minimal" / "scorecard.yaml").read_text("utf-8")
    (library / "scorecard.yaml").write_text(
        source.replace("channel: call\n", "channel: call\ncritical_fails: section\n")
        .replace("        script: script-price#open\n        lesson: lesson-diagnosis\n", "")
        .replace("        script: script-price#offer-plan\n", ""),
        encoding="utf-8",
    )
    page = open_page(serve(build_site(library)) + SCORECARD)
    start(page)
    pick(page, "open-question", "60")
    pick(page, "notice", "0")
    pick(page, "offer", "100")
    expect(page.locator('[data-area-subtotal="0"]')).to_have_text("0/100")
    expect(page.locator("[data-total]")).to_have_text("40/100")  # 0 × 60% + 100 × 40%
    expect(page.locator("[data-critical-status]")).to_have_text("판정: 치명 위반")
    expect(page.locator("[data-scoring-rule]")).to_contain_text("그 항목이 속한 영역의 소계가 0점")


def test_a_typed_score_outside_the_points_is_refused(open_page: Callable[..., Page], base: str) -> None:
    page = open_page(base + SCORECARD)
    start(page)
    pick(page, "open-question", "60")
    pick(page, "notice", "41")
    field = page.locator('tr[data-criterion="notice"] input[type=number]')
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator('[data-area-subtotal="0"]')).to_have_text("100/100")  # 41 is not counted
    assert "1.2 위약금을 고지했는가: 미채점" in page.locator("[data-result-text]").inner_text()
    pick(page, "notice", "20")
    expect(field).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator('[data-area-subtotal="0"]')).to_have_text("80/100")


def test_the_result_is_copied_as_korean_text(open_page: Callable[..., Page], base: str) -> None:
    page = open_page(base + SCORECARD, permissions=["clipboard-read", "clipboard-write"])
    start(page)
    page.locator("[data-field-input=evaluator]").click()
    page.keyboard.insert_text("김하나")
    page.locator("[data-field-input=agent]").click()
    page.keyboard.insert_text("이두리")
    page.locator("[data-field-input=contact-id]").fill("C-2026-1123-0042")
    pick(page, "open-question", "60")
    pick(page, "notice", "na")
    pick(page, "offer", "50")
    page.locator('textarea[data-comment="offer"]').click()
    page.keyboard.insert_text("요금제 비교표를 보여 주면 좋겠다")
    page.locator(".cb-sc-result [data-score-action=copy]").click()
    expect(page.locator(".cb-sc-result [data-score-action=copy]")).to_have_text("✓ 결과 복사")
    copied = page.evaluate("navigator.clipboard.readText()")
    lines = copied.splitlines()
    assert lines[0] == "[평가 결과] 해지 상담 품질 평가표 (버전 2)"
    assert lines[1:4] == ["평가자: 김하나", "상담사: 이두리", "상담 ID: C-2026-1123-0042"]
    assert re.fullmatch(r"평가일: \d{4}-\d{2}-\d{2}", lines[4])
    for line in [
        "총점: 80점 / 100",
        "치명 항목: 통과",
        "1. 니즈 파악 (가중치 60%) 소계 100점",
        "- 1.1 해지 사유를 열린 질문으로 확인했는가: 60/60",
        "2. 제안 (가중치 40%) 소계 50점",
        "- 2.1 대안을 제시했는가: 50/100",
        "  의견: 요금제 비교표를 보여 주면 좋겠다",
    ]:
        assert line in lines
    assert lines[-1] == base + SCORECARD
    assert any(line.startswith("채점 방법 ") for line in lines)
    for criterion_id in ("open-question", "notice", "offer"):
        assert criterion_id not in copied
    assert all(urlsplit(u).hostname == "127.0.0.1" for u in page.requests)  # type: ignore[attr-defined]


def test_copy_works_on_a_plain_http_intranet_address(browser: Any, base: str) -> None:
    """No Clipboard API on plain http: the selection fallback must still copy the result."""
    port = urlsplit(base).port
    rules = "--host-resolver-rules=MAP craftbook.intranet 127.0.0.1"
    intranet = browser.browser_type.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, rules], headless=True)
    try:
        page = intranet.new_context(locale="ko-KR").new_page()
        page.goto(f"http://craftbook.intranet:{port}/{SCORECARD}")
        assert page.evaluate("window.isSecureContext || Boolean(navigator.clipboard)") is False
        start(page)
        pick(page, "open-question", "60")
        page.locator(".cb-sc-result [data-score-action=copy]").click()
        expect(page.locator(".cb-sc-result [data-score-action=copy]")).to_have_text("✓ 결과 복사")
        expect(page.locator(".cb-copy-buffer")).to_have_count(0)
        reader = intranet.new_context(permissions=["clipboard-read"]).new_page()
        reader.goto(base)
        copied = reader.evaluate("navigator.clipboard.readText()")
        assert "- 1.1 해지 사유를 열린 질문으로 확인했는가: 60/60" in copied.splitlines()
    finally:
        intranet.close()


def test_scores_survive_a_reload_in_the_tab_but_not_another_tab_or_a_reset(
    open_page: Callable[..., Page], base: str
) -> None:
    page = open_page(base + SCORECARD)
    start(page)
    pick(page, "open-question", "60")
    pick(page, "notice", "40")
    page.locator("[data-field-input=evaluator]").fill("김하나")
    page.reload()
    expect(page.locator(".cb-scorecard")).to_have_attribute("data-scoring", "on")
    expect(page.locator('tr[data-criterion="open-question"] input[value="60"]')).to_be_checked()
    expect(page.locator('tr[data-criterion="notice"] input[type=number]')).to_have_value("40")
    expect(page.locator("[data-field-input=evaluator]")).to_have_value("김하나")
    expect(page.locator('[data-area-subtotal="0"]')).to_have_text("100/100")
    # The past version is another page: its scoring starts empty.
    page.goto(base + PAST)
    expect(page.locator(".cb-scorecard")).not_to_have_attribute("data-scoring", "on")
    page.go_back()
    expect(page.locator('[data-area-subtotal="0"]')).to_have_text("100/100")
    # Another tab (another browsing context) starts empty.
    other = open_page(base + SCORECARD)
    expect(other.locator(".cb-scorecard")).not_to_have_attribute("data-scoring", "on")
    # Reset asks first; declining keeps everything.
    page.answer = False  # type: ignore[attr-defined]
    page.locator("[data-score-action=reset]").click()
    assert page.dialogs == ["이 평가의 점수, 의견, 상담 정보를 모두 지울까요?"]  # type: ignore[attr-defined]
    expect(page.locator("[data-field-input=evaluator]")).to_have_value("김하나")
    page.answer = True  # type: ignore[attr-defined]
    page.locator("[data-score-action=reset]").click()
    expect(page.locator("[data-field-input=evaluator]")).to_have_value("")
    expect(page.locator("input[data-score-input]:checked")).to_have_count(0)
    expect(page.locator("[data-total]")).to_have_text("—")
    page.reload()
    expect(page.locator("input[data-score-input]:checked")).to_have_count(0)


def test_a_tampered_saved_state_is_ignored(open_page: Callable[..., Page], base: str) -> None:
    page = open_page(base + SCORECARD)
    page.evaluate(
        """() => sessionStorage.setItem('craftbook-score:' + location.pathname, JSON.stringify({
          on: true, scores: {'open-question': 30, notice: 'na', offer: '<img src=x onerror=alert(1)>', x: 1},
          comments: {offer: 5, notice: '<b>굵게</b>'}, fields: {evaluator: '<script>alert(1)</script>'}}))"""
    )
    page.reload()
    expect(page.locator(".cb-scorecard")).to_have_attribute("data-scoring", "on")
    expect(page.locator('tr[data-criterion="open-question"] input:checked')).to_have_count(0)  # 30 is no anchor
    expect(page.locator('tr[data-criterion="notice"] input[data-score-na]')).to_be_checked()
    expect(page.locator('textarea[data-comment="notice"]')).to_have_value("<b>굵게</b>")
    expect(page.locator("[data-field-input=evaluator]")).to_have_value("<script>alert(1)</script>")
    assert page.locator(".cb-scorecard b, .cb-scorecard img, .cb-scorecard script").count() == 0
    assert page.dialogs == []  # type: ignore[attr-defined]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_starter_scorecard_reads_and_scores_at_every_width(
    open_page: Callable[..., Page], starter: str, width: int, scheme: str
) -> None:
    page = open_page(starter + STARTER_SCORECARD, width=width, color_scheme=scheme)
    article = page.locator("article")
    ids = page.eval_on_selector_all("tr[data-criterion]", "rows => rows.map((r) => r.dataset.criterion)")
    assert len(ids) == 12
    for text in (article.inner_text(), page.title()):
        for criterion_id in ids:
            assert criterion_id not in text
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    start(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for criterion_id in ids:
        row = page.locator(f'tr[data-criterion="{criterion_id}"]')
        first = row.locator("input[data-score-input]").last
        first.scroll_into_view_if_needed()
        first.check()  # clicking works: nothing covers the control at this width
    expect(page.locator("[data-total]")).to_have_text("100/100")
    expect(page.locator("[data-critical-status]")).to_have_text("판정: 통과")
    na = page.locator('tr[data-criterion="tailored-proposal"] input[data-score-na]')
    na.scroll_into_view_if_needed()
    na.check()
    expect(page.locator('[data-area-subtotal="2"]')).to_have_text("100/100")
    expect(page.locator('tr[data-criterion="recording-notice"] li[data-score="na"]')).to_contain_text(
        "ARS 안내 멘트로 녹취 사실을 이미 알린 경우"
    )
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_past_version_page_shows_that_version_and_links_the_current(open_page: Callable[..., Page], base: str) -> None:
    page = open_page(base + PAST)
    expect(page.locator("article h1")).to_have_text(re.compile(r"해지 상담 품질 평가표 — 버전 1"))
    expect(page.locator(".cb-scorecard")).to_have_attribute("data-version", "1")
    expect(page.locator("tr[data-na]")).to_have_count(0)  # version 1 allowed no N/A
    page.get_by_role("link", name="현재 버전(버전 2)").click()
    expect(page).to_have_url(base + SCORECARD)
    page.get_by_role("link", name="버전 1 평가 기준 보기").click()
    expect(page).to_have_url(base + PAST)


def test_coaching_links_join_scorecard_script_step_and_lesson(open_page: Callable[..., Page], base: str) -> None:
    page = open_page(base + SCORECARD)
    row = page.locator('tr[data-criterion="open-question"]')
    row.get_by_role("link", name="요금 부담 해지 요청 상담 › 1. 불편을 드려 죄송합니다").click()
    expect(page).to_have_url(base + "scripts/script-price/#step-open")
    page.get_by_role("button", name="모든 단계 펼쳐 보기").click()  # consult mode shows one step at a time
    graded = page.locator('section[data-step="open"] .cb-graded li')
    expect(graded).to_have_text("해지 상담 품질 평가표 1.1 해지 사유를 열린 질문으로 확인했는가")
    graded.get_by_role("link").click()
    expect(page).to_have_url(base + SCORECARD + "#c-open-question")
    page.goto(base + "lessons/lesson-diagnosis/")
    page.get_by_role("link", name="해지 상담 품질 평가표 1.1 해지 사유를 열린 질문으로 확인했는가").click()
    expect(page).to_have_url(base + SCORECARD + "#c-open-question")


def test_a_critical_criterion_is_a_must_say_item_in_consult_mode(open_page: Callable[..., Page], starter: str) -> None:
    page = open_page(starter + "scripts/script-cancellation-price/", width=400)
    must = page.locator("[data-consult] [data-must-say]")
    expect(must).to_contain_text("반드시 지킬 것 (QA 치명 항목)")
    expect(must.locator("li")).to_have_text(
        [
            "통화를 시작하며 개인정보를 묻기 전에 녹취 사실을 알렸는가",
            "이용 내역을 안내하거나 해지·변경을 처리하기 전에 명의자 본인 여부를 규정 절차대로 확인했는가",
        ]
    )
    page.keyboard.press("1")  # on to the reason: graded, but by no critical criterion
    expect(page.locator("[data-consult] [data-step-id]")).to_have_attribute("data-step-id", "ask-reason")
    expect(must).to_have_count(0)


AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_accessibility_check_while_scoring(open_page: Callable[..., Page], starter: str, scheme: str) -> None:
    page = open_page(starter + STARTER_SCORECARD, width=400)
    page.evaluate("scheme => document.body.setAttribute('data-md-color-scheme', scheme)", scheme)
    start(page)
    page.locator('tr[data-criterion="recording-notice"] input[value="0"]').check()  # a critical failure shows
    page.locator('tr[data-criterion="tailored-proposal"] input[data-score-na]').check()
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async () => {
            const result = await axe.run({include: [['.cb-scorecard']]}, {resultTypes: ['violations']});
            return result.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '));
        }"""
    )
    assert violations == []
