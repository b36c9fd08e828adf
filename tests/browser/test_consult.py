"""Consult mode on a script page, driven in Debian's Chromium like an agent on a live call."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser

CONSULT = Path(__file__).resolve().parent.parent / "fixtures" / "consult"
SCRIPT = "scripts/script-consult/"
HOSTILE = "scripts/script-hostile/"
OUTAGE = "scripts/script-outage/"  # hands off to SCRIPT; stale since 2020
PRICE = "scripts/script-cancellation-price/"  # the starter library's, long lines to say
VIEWPORTS = [(360, 740), (400, 800), (1280, 800)]
SEOUL = ZoneInfo("Asia/Seoul")
STEP = "[data-consult] [data-step-id]"
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def base(build_site: Callable[..., Path], serve: Callable[[Path], str]) -> str:
    return serve(build_site(CONSULT))


@pytest.fixture(scope="module")
def starter(starter_site: Path, serve: Callable[[Path], str]) -> str:
    return serve(starter_site)


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[..., Page]]:
    """A fresh browser context per call; every request off 127.0.0.1 is refused and recorded."""
    contexts: list[Any] = []

    def _open(url: str, width: int = 1280, height: int = 800, clock: dt.datetime | None = None, **options: Any) -> Page:
        context = browser.new_context(viewport={"width": width, "height": height}, locale="ko-KR", **options)
        if clock is not None:
            context.clock.install(time=clock)
        contexts.append(context)
        page = context.new_page()
        page.requests = []  # type: ignore[attr-defined]
        page.dialogs = []  # type: ignore[attr-defined]

        def route(route: Any) -> None:
            page.requests.append(route.request.url)  # type: ignore[attr-defined]
            if urlsplit(route.request.url).hostname == "127.0.0.1":
                route.continue_()
            else:
                route.abort()

        def dialog(dialog: Any) -> None:
            page.dialogs.append(dialog.message)  # type: ignore[attr-defined]
            dialog.dismiss()

        context.route("**/*", route)
        page.on("dialog", dialog)
        page.goto(url)
        return page

    yield _open
    for context in contexts:
        context.close()


def expect_step(page: Page, step_id: str) -> None:
    expect(page.locator(STEP)).to_have_attribute("data-step-id", step_id)


def trail(page: Page) -> list[str]:
    return page.locator("[data-consult] .cb-trail li").all_inner_texts()


def no_sideways_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def say_box(page: Page) -> dict[str, float]:
    """Where the current line to say is, and the screen it must be on (below the header)."""
    return page.evaluate(
        """() => {
            const say = document.querySelector('[data-consult] [data-step-id] [data-say]');
            const box = say.getBoundingClientRect();
            return {top: box.top, bottom: box.bottom, height: box.height,
                    header: document.querySelector('.md-header').getBoundingClientRect().bottom,
                    screen: window.innerHeight};
        }"""
    )


def assert_say_in_view(page: Page) -> None:
    box = say_box(page)
    assert box["top"] >= box["header"], box
    # Whole, or, if it is taller than the screen, from its first line.
    assert box["bottom"] <= box["screen"] or box["top"] <= box["header"] + 16, box


def show_flowchart(page: Page, nodes: int) -> None:
    """The chart view of the flowchart, drawn (a narrow window starts with the step list)."""
    if page.locator(".cb-flow").get_attribute("data-flow-view") == "list":
        page.locator(".cb-flow-view").click()
    page.locator(".cb-flow").scroll_into_view_if_needed()
    expect(page.locator(".cb-flow-diagram svg g.node")).to_have_count(nodes, timeout=20_000)


def test_keys_and_clicks_walk_the_script(open_page: Callable[..., Page], base: str) -> None:
    page = open_page(base + SCRIPT)
    expect_step(page, "open")
    expect(page.locator("[data-action=back]")).to_be_disabled()
    expect(page.locator("[data-consult] button[data-go]")).to_have_count(3)

    page.keyboard.press("1")
    expect_step(page, "offer-plan")
    expect(page.locator("[data-consult] [aria-live]")).to_contain_text("2. 낮은 요금제 제안")
    page.locator("button[data-go=close-downgraded]").click()
    expect_step(page, "close-downgraded")
    expect(page.locator("[data-outcome=downgraded]")).to_contain_text("요금제 변경")
    assert trail(page) == ["1. 해지 이유 묻기", "2. 낮은 요금제 제안", "5. 요금제를 변경해 드렸습니다"]

    page.keyboard.press("Backspace")
    expect_step(page, "offer-plan")
    page.locator("[data-action=back]").click()
    expect_step(page, "open")

    page.keyboard.press("2")
    expect_step(page, "probe-issue")
    page.keyboard.press("9")  # only two branches here: nothing happens
    expect_step(page, "probe-issue")
    page.keyboard.press("Home")
    expect_step(page, "open")
    assert page.evaluate("location.hash") == "#path=open"

    # A loop back to the start is a step like any other, and the trail keeps it.
    page.keyboard.press("1")
    page.locator("button[data-go=open]").click()
    expect_step(page, "open")
    assert trail(page) == ["1. 해지 이유 묻기", "2. 낮은 요금제 제안", "1. 해지 이유 묻기"]
    page.locator(".cb-trail button", has_text="2. 낮은 요금제 제안").click()
    expect_step(page, "offer-plan")


def test_reload_and_shared_link_resume(open_page: Callable[..., Page], base: str) -> None:
    page = open_page(base + SCRIPT)
    page.keyboard.press("1")
    expect_step(page, "offer-plan")
    page.locator(".cb-checklist label", has_text="약정 위약금").click()
    assert page.evaluate("location.hash") == "#path=open/offer-plan&checked=0"

    page.reload()
    expect_step(page, "offer-plan")
    assert trail(page) == ["1. 해지 이유 묻기", "2. 낮은 요금제 제안"]
    expect(page.locator(".cb-checklist input").nth(0)).to_be_checked()
    expect(page.locator(".cb-checklist input").nth(1)).not_to_be_checked()

    shared = open_page(page.url)  # another agent's browser
    expect_step(shared, "offer-plan")
    expect(shared.locator(".cb-checklist input").nth(0)).to_be_checked()

    # A link that no longer fits the script is cut where it stops making sense.
    stale = open_page(base + SCRIPT + "#path=open/close-resolved&checked=0,7")
    expect_step(stale, "open")
    expect(stale.locator(".cb-checklist input:checked")).to_have_count(1)


def test_a_link_with_only_a_path_ticks_nothing(open_page: Callable[..., Page], base: str) -> None:
    """`#path=` without `checked=` (a reload after a move, a link sent before ticking):
    no compliance line is shown as said. `"".split(",").map(Number)` is `[0]`."""
    page = open_page(base + SCRIPT + "#path=open/offer-plan")
    expect_step(page, "offer-plan")
    expect(page.locator(".cb-checklist input")).to_have_count(3)
    expect(page.locator(".cb-checklist input:checked")).to_have_count(0)
    page.reload()
    expect(page.locator(".cb-checklist input:checked")).to_have_count(0)
    empty = open_page(base + SCRIPT + "#path=open&checked=")
    expect(empty.locator(".cb-checklist input:checked")).to_have_count(0)


def test_outcome_shows_compliance_still_unticked(open_page: Callable[..., Page], base: str) -> None:
    page = open_page(base + SCRIPT)
    page.locator(".cb-checklist label", has_text="녹음").click()
    page.keyboard.press("3")
    expect_step(page, "close-cancel")
    outcome = page.locator("[data-outcome=cancelled]")
    expect(outcome).to_be_visible()
    expect(outcome).to_contain_text("해지")
    expect(outcome.locator(".cb-unticked li")).to_have_text(["약정 위약금을 안내한다"])

    page.locator(".cb-checklist label", has_text="약정 위약금").click()
    expect(outcome.locator(".cb-unticked")).to_have_count(0)
    expect(outcome).to_contain_text("모두 안내했습니다")


@pytest.mark.parametrize("width", [360, 420])
def test_narrow_window_with_keyboard_only(open_page: Callable[..., Page], base: str, width: int) -> None:
    page = open_page(base + SCRIPT, width=width)
    expect_step(page, "open")
    assert no_sideways_scroll(page)
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('button[data-go]')"):
            break
    else:
        pytest.fail("Tab never reached a branch button")
    focused = page.locator("button[data-go]:focus")
    assert focused.evaluate("b => getComputedStyle(b).outlineStyle") != "none"
    box = focused.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= width
    page.keyboard.press("Enter")
    expect_step(page, "offer-plan")
    page.keyboard.press("1")
    expect_step(page, "close-downgraded")
    expect(page.locator("[data-outcome=downgraded]")).to_be_visible()
    assert no_sideways_scroll(page)
    show_flowchart(page, 7)
    assert no_sideways_scroll(page)


def test_flowchart_is_drawn_from_the_site_itself(open_page: Callable[..., Page], base: str) -> None:
    page = open_page(base + SCRIPT)
    show_flowchart(page, 7)
    labels = page.locator(".cb-flow-diagram svg .edgeLabel").all_inner_texts()
    for when in ["요금이 부담스럽다", "서비스에 불만이 있다", "다시 생각해 보겠다", "기술 지원이 필요하다"]:
        assert when in labels
    expect(page.locator(".cb-flow-diagram [data-flow-step=open]")).to_have_class(_has("cb-flow-current"))
    page.keyboard.press("1")
    expect(page.locator(".cb-flow-diagram [data-flow-step=offer-plan]")).to_have_class(_has("cb-flow-current"))
    expect(page.locator(".cb-flow-diagram [data-flow-step=open]")).to_have_class(_has("cb-flow-visited"))
    assert any(u.endswith("/assets/vendor/mermaid/mermaid.min.js") for u in page.requests)  # type: ignore[attr-defined]
    assert {urlsplit(u).hostname for u in page.requests} == {"127.0.0.1"}  # type: ignore[attr-defined]


def test_hostile_labels_stay_text(open_page: Callable[..., Page], base: str) -> None:
    page = open_page(base + HOSTILE)
    expect_step(page, "open")
    buttons = page.locator("[data-consult] button[data-go] .cb-choice-text")
    expect(buttons).to_have_text(
        [
            '"]--> n9["가짜"] click n0 call alert(1)',
            "<img src=x onerror=alert('when')><script>alert('when')</script>",
            '%%{init: {"securityLevel": "loose"}}%% `백틱` #35; & ;',
            "여러 줄 라벨",
        ]
    )
    expect(page.locator(".cb-current-say")).to_contain_text("<script>alert('say')</script>")
    page.keyboard.press("2")
    expect_step(page, "loop-back")
    expect(page.locator(".cb-current-title")).to_have_text('3. <img src=x onerror=alert(\'title\')>"]--> n9["제목"]')
    expect(page.locator(".cb-current-must li")).to_have_text(["<script>alert('must_say')</script> 말한다"])
    expect(page.locator("button[data-go=open] .cb-choice-text")).to_have_text(
        "</script><script>alert('island')</script>"
    )
    page.keyboard.press("1")
    expect_step(page, "open")

    page.keyboard.press("1")
    expect_step(page, "end")
    expect(page.locator("[data-outcome] .cb-unticked li")).to_contain_text(
        ["<i onclick=alert('at')>끝에서</i> 안내한다"]
    )
    page.keyboard.press("Backspace")
    expect_step(page, "open")
    show_flowchart(page, 3)  # the fake node "n9" in a label did not become a node
    svg = page.locator(".cb-flow-diagram svg")
    expect(svg).to_contain_text('"]--> n9["가짜"] click n0 call alert(1)')
    expect(svg).to_contain_text("<img src=x onerror=alert('when')><script>alert('when')</script>")
    expect(svg).to_contain_text("#35; & ;")
    page.locator(".cb-objection-search input").fill("script")
    expect(page.locator(".cb-objection:visible")).to_have_count(1)

    injected = page.evaluate(
        """() => ({
            scripts: [...document.querySelectorAll('article script')]
                .filter(s => s.type !== 'application/json').length,
            handlers: [...document.querySelectorAll('*')]
                .flatMap(e => [...e.attributes].map(a => a.name))
                .filter(n => n.startsWith('on')).length,
            images: document.querySelectorAll('article img, article svg image').length,
            scriptLinks: [...document.querySelectorAll('a[href], [*|href]')]
                .filter(a => /^\\s*javascript:/i.test(a.getAttribute('href') || '')).length,
        })"""
    )
    assert injected == {"scripts": 0, "handlers": 0, "images": 0, "scriptLinks": 0}
    assert page.dialogs == []  # type: ignore[attr-defined]
    assert {urlsplit(u).hostname for u in page.requests} == {"127.0.0.1"}  # type: ignore[attr-defined]


def test_objections_filter_as_you_type(open_page: Callable[..., Page], base: str) -> None:
    page = open_page(base + SCRIPT)
    search = page.locator(".cb-objection-search input")
    visible = page.locator(".cb-objection:visible .cb-objection-q")
    expect(visible).to_have_count(3)
    search.focus()
    page.keyboard.insert_text("비싸")
    expect(visible).to_have_text(["“위약금이 너무 비싸요”"])
    expect(page.locator(".cb-objection-count")).to_have_text("반론 3건 중 1건")
    search.fill("")
    page.keyboard.insert_text("다른회사")  # typed without the space the text has
    expect(visible).to_have_text(["“다른 회사가 더 싸요”"])
    search.fill("")
    page.keyboard.insert_text("위약금")  # in one objection and in another's answer
    expect(visible).to_have_count(2)
    page.keyboard.press("1")  # typing a digit in the box is text, not a branch
    expect_step(page, "open")
    expect(visible).to_have_count(0)
    expect(page.locator(".cb-objection-count")).to_have_text("맞는 반론이 없습니다.")
    search.fill("")
    expect(visible).to_have_count(3)


def test_copy_button_copies_the_line_to_say(open_page: Callable[..., Page], base: str) -> None:
    page = open_page(base + SCRIPT, permissions=["clipboard-read", "clipboard-write"])
    page.keyboard.press("1")
    page.locator("[data-action=copy]").click()
    expect(page.locator("[data-action=copy]")).to_have_text("복사됨")
    assert page.evaluate("navigator.clipboard.readText()") == (
        "지난 석 달 사용량을 보면 한 단계 낮은 요금제로도 충분하십니다."
    )


def test_copy_button_works_on_a_plain_http_intranet_address(browser: Any, base: str) -> None:
    """Intranets serve by name over plain http, where browsers offer no Clipboard API:
    consult.js falls back to copying a selection, and the line must still reach the
    clipboard (read back from a page where the Clipboard API exists)."""
    port = urlsplit(base).port
    rules = "--host-resolver-rules=MAP craftbook.intranet 127.0.0.1"
    intranet = browser.browser_type.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, rules], headless=True)
    try:
        page = intranet.new_context(locale="ko-KR").new_page()
        page.goto(f"http://craftbook.intranet:{port}/{SCRIPT}")
        assert page.evaluate("window.isSecureContext || Boolean(navigator.clipboard)") is False
        page.keyboard.press("1")
        page.locator("[data-action=copy]").click()
        expect(page.locator("[data-action=copy]")).to_have_text("복사됨")
        expect(page.locator(".cb-copy-buffer")).to_have_count(0)  # the helper selection is gone again
        reader = intranet.new_context(permissions=["clipboard-read"]).new_page()
        reader.goto(base)
        assert reader.evaluate("navigator.clipboard.readText()") == (
            "지난 석 달 사용량을 보면 한 단계 낮은 요금제로도 충분하십니다."
        )
    finally:
        intranet.close()


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_accessibility_check(open_page: Callable[..., Page], base: str, scheme: str) -> None:
    page = open_page(base + SCRIPT, width=400)
    page.evaluate("scheme => document.body.setAttribute('data-md-color-scheme', scheme)", scheme)
    choice = page.get_by_role("button", name="요금이 부담스럽다", exact=True)
    expect(choice).to_have_attribute("data-go", "offer-plan")
    choice.click()
    expect(page.get_by_role("status").filter(has_text="2. 낮은 요금제 제안")).to_have_count(1)
    page.get_by_role("checkbox", name="약정 위약금을 안내한다").check()
    page.get_by_role("button", name="상황과 목표").click()
    expect(page.locator("[data-consult] .cb-context-list")).to_contain_text("요금 부담을 이유로 해지를 요청하는 고객")
    page.keyboard.press("1")
    expect(page.locator("[data-outcome=downgraded]")).to_be_visible()
    show_flowchart(page, 7)
    page.locator(".cb-objection-search input").fill("비싸")
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async () => {
            const result = await axe.run(
                {include: [['[data-consult]'], ['.cb-script'], ['.cb-flow'], ['.cb-objections']]},
                {resultTypes: ['violations']});
            return result.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '));
        }"""
    )
    assert violations == []


def test_without_javascript_every_step_is_on_the_page(open_page: Callable[..., Page], base: str) -> None:
    page = open_page(base + SCRIPT, java_script_enabled=False)
    expect(page.locator("[data-consult]")).to_have_count(0)
    expect(page.locator("section.cb-step:visible")).to_have_count(7)
    expect(page.locator("section.cb-step a.cb-branch")).to_have_count(7)
    expect(page.locator(".cb-compliance li")).to_have_count(3)
    expect(page.locator(".cb-objection:visible")).to_have_count(3)


def _has(css_class: str) -> re.Pattern[str]:
    return re.compile(rf"(^|\s){css_class}(\s|$)")


# ------------------------------------------------------------------ issue 12: a real call


@pytest.mark.parametrize(("width", "height"), VIEWPORTS)
def test_the_line_to_say_is_in_view_after_every_move(
    open_page: Callable[..., Page], starter: str, width: int, height: int
) -> None:
    page = open_page(starter + PRICE, width=width, height=height)
    expect_step(page, "open")
    if width <= 600:
        # The panel comes first: above the summary, its line to say starting on the first screen.
        order = page.evaluate(
            "() => [document.querySelector('[data-consult]'), document.querySelector('.cb-summary')]"
            ".map(e => e.getBoundingClientRect().top)"
        )
        assert order[0] < order[1]
        box = say_box(page)
        assert box["header"] <= box["top"] < box["screen"] - 100
    moves: list[tuple[str, str]] = [
        ("1", "ask-reason"),
        ("1", "check-usage"),
        ("1", "propose-downgrade"),
        ("2", "handle-objection"),
        ("Backspace", "propose-downgrade"),
        ("trail:1", "ask-reason"),
        ("4", "acknowledge"),  # handed off to the outage script
        ("return", "ask-reason"),
        ("3", "explain-cancel-terms"),
        ("1", "close-cancelled"),
        ("Home", "open"),
        ("undo", "close-cancelled"),
    ]
    for move, step in moves:
        if move.startswith("trail:"):
            page.locator(".cb-trail button").nth(int(move[6:])).click()
        elif move in ("return", "undo"):
            page.locator(f"[data-consult] [data-action={move}]").click()
        else:
            page.keyboard.press(move)
        expect_step(page, step)
        assert_say_in_view(page)
    assert no_sideways_scroll(page)


def test_a_line_already_in_view_is_left_where_it_is(open_page: Callable[..., Page], base: str) -> None:
    page = open_page(base + SCRIPT)  # 1280 × 800: short steps, the panel on the first screen
    assert_say_in_view(page)
    page.keyboard.press("1")
    expect_step(page, "offer-plan")
    assert_say_in_view(page)
    assert page.evaluate("window.scrollY") == 0


@pytest.mark.parametrize("width", [360, 400, 1280])
def test_an_outcome_lists_only_the_unticked_lines_of_the_path_taken(
    open_page: Callable[..., Page], base: str, width: int
) -> None:
    page = open_page(base + SCRIPT, width=width)
    page.keyboard.press("2")
    page.keyboard.press("2")
    expect_step(page, "close-escalated")
    # The line of this step is shown with it and marked in the checklist.
    expect(page.locator(".cb-current-must li")).to_have_text(["기술 지원팀 연결까지 대기 시간을 안내한다"])
    expect(page.locator(".cb-checklist .cb-check-now")).to_contain_text("기술 지원팀 연결까지")
    # "약정 위약금" belongs to steps this call did not pass: not asked for.
    outcome = page.locator("[data-outcome=escalated] .cb-unticked li")
    expect(outcome).to_have_text(["통화 내용이 녹음됨을 안내한다", "기술 지원팀 연결까지 대기 시간을 안내한다"])
    page.locator(".cb-checklist label", has_text="기술 지원팀").click()
    expect(outcome).to_have_text(["통화 내용이 녹음됨을 안내한다"])
    assert no_sideways_scroll(page)


def test_restart_can_be_undone(open_page: Callable[..., Page], base: str) -> None:
    page = open_page(base + SCRIPT, width=400)
    page.keyboard.press("Home")  # nothing to lose yet: nothing to undo
    expect(page.locator("[data-action=undo]")).to_have_count(0)
    page.keyboard.press("1")
    page.locator(".cb-checklist label", has_text="녹음").click()
    page.keyboard.press("Home")
    expect_step(page, "open")
    expect(page.locator(".cb-checklist input:checked")).to_have_count(0)
    assert page.evaluate("location.hash") == "#path=open"
    undo = page.locator("[data-consult] [data-action=undo]")
    expect(undo).to_have_text("↶ 되돌리기")
    undo.click()
    expect_step(page, "offer-plan")
    expect(page.locator(".cb-checklist input:checked")).to_have_count(1)
    assert page.evaluate("location.hash") == "#path=open/offer-plan&checked=1"
    expect(undo).to_have_count(0)
    # "새 상담 시작" at an outcome is a restart too; the offer ends with the next move.
    page.keyboard.press("1")
    page.locator("[data-outcome] [data-action=restart]").click()
    expect_step(page, "open")
    expect(undo).to_have_count(1)
    page.keyboard.press("2")
    expect_step(page, "probe-issue")
    expect(undo).to_have_count(0)


@pytest.mark.parametrize("width", [360, 400, 1280])
def test_a_hand_off_follows_into_the_other_script_and_returns(
    open_page: Callable[..., Page], base: str, width: int
) -> None:
    page = open_page(base + OUTAGE, width=width, permissions=["clipboard-read", "clipboard-write"])
    expect_step(page, "open")
    choice = page.locator("[data-consult] button[data-go='script-consult#offer-plan']")
    expect(choice).to_contain_text("다른 스크립트: 요금 부담 해지 요청 상담")
    page.keyboard.press("2")
    expect_step(page, "offer-plan")
    expect(page.locator(STEP)).to_have_attribute("data-current-script", "script-consult")
    expect(page.locator(".cb-current-title")).to_contain_text("요금 부담 해지 요청 상담")
    expect(page.locator(".cb-from")).to_contain_text("장애 후 해지 요청 상담 · 1. 장애 사과에서 넘어왔습니다.")
    assert page.evaluate("location.hash") == "#path=open/script-consult:offer-plan"
    assert trail(page) == ["1. 장애 사과", "요금 부담 해지 요청 상담: 2. 낮은 요금제 제안"]
    assert_say_in_view(page)

    # The other script's steps and compliance lines go on; only the path's are asked for.
    page.keyboard.press("1")
    expect_step(page, "close-downgraded")
    unticked = page.locator("[data-outcome=downgraded] .cb-unticked li")
    expect(unticked).to_have_text(["약정 위약금을 안내한다", "통화 내용이 녹음됨을 안내한다"])
    page.locator("[data-action=note]").click()
    note = page.evaluate("navigator.clipboard.readText()")
    assert note.splitlines()[0] == "[상담 메모] 장애 후 해지 요청 상담 → 요금 부담 해지 요청 상담"
    assert "경로: 1. 장애 사과 → [요금 부담 해지 요청 상담] 2. 낮은 요금제 제안 → 5. 요금제를 변경해 드렸습니다" in note

    page.reload()  # a reload resumes inside the other script
    expect_step(page, "close-downgraded")
    expect(page.locator(STEP)).to_have_attribute("data-current-script", "script-consult")
    page.locator("[data-consult] [data-action=return]").click()
    expect_step(page, "open")
    expect(page.locator(".cb-from")).to_be_hidden()
    assert page.evaluate("location.hash") == "#path=open"
    assert_say_in_view(page)
    assert no_sideways_scroll(page)
    assert {urlsplit(u).hostname for u in page.requests} == {"127.0.0.1"}  # type: ignore[attr-defined]


def test_the_flowchart_shows_a_hand_off_as_a_node_linking_to_the_other_script(
    open_page: Callable[..., Page], base: str
) -> None:
    page = open_page(base + OUTAGE)
    show_flowchart(page, 3)
    node = page.locator(".cb-flow-diagram [data-flow-handoff='script-consult#offer-plan']")
    expect(node).to_contain_text("→ 요금 부담 해지 요청 상담 · 2. 낮은 요금제 제안")
    link = page.locator(".cb-flow-diagram a.cb-flow-link")
    assert link.get_attribute("href") == "../script-consult/#step-offer-plan"
    page.keyboard.press("2")
    expect_step(page, "offer-plan")
    expect(node).to_have_class(_has("cb-flow-current"))
    expect(page.locator(".cb-flow-diagram [data-flow-step=open]")).to_have_class(_has("cb-flow-visited"))
    link.click()
    page.wait_for_url(re.compile(r"/scripts/script-consult/#step-offer-plan$"))


def test_the_call_note_is_plain_text_for_the_crm(open_page: Callable[..., Page], base: str) -> None:
    page = open_page(
        base + SCRIPT,
        width=400,
        permissions=["clipboard-read", "clipboard-write"],
        timezone_id="Asia/Seoul",
        clock=dt.datetime(2026, 11, 30, 14, 5, tzinfo=SEOUL),
    )
    page.locator(".cb-checklist label", has_text="녹음").click()
    page.keyboard.press("1")
    page.keyboard.press("1")
    expect_step(page, "close-downgraded")
    button = page.locator("[data-outcome] [data-action=note]")
    expect(button).to_have_text("상담 메모 복사")
    button.click()
    expect(button).to_have_text("복사됨")
    assert page.evaluate("navigator.clipboard.readText()") == "\n".join(
        [
            "[상담 메모] 요금 부담 해지 요청 상담",
            "시각: 2026-11-30 14:05",
            "결과: 요금제 변경",
            "경로: 1. 해지 이유 묻기 → 2. 낮은 요금제 제안 → 5. 요금제를 변경해 드렸습니다",
            "안내한 문구:",
            "- 통화 내용이 녹음됨을 안내한다",
            "안내하지 않은 문구:",
            "- 약정 위약금을 안내한다",
        ]
    )
    assert {urlsplit(u).hostname for u in page.requests} == {"127.0.0.1"}  # type: ignore[attr-defined]


@pytest.mark.parametrize("width", [360, 400, 1280])
def test_a_stale_script_says_so_at_the_top_of_the_panel(open_page: Callable[..., Page], base: str, width: int) -> None:
    page = open_page(base + OUTAGE, width=width)
    stale = page.locator("[data-consult] [data-stale]")
    expect(stale).to_be_visible()
    expect(stale).to_contain_text("검토 기한이 지난 스크립트입니다. 마지막 검토 2020-01-15(90일마다 검토)")
    expect(stale).to_contain_text("담당자(운영팀)에게 확인하세요.")
    assert page.evaluate("document.querySelector('[data-consult]').firstElementChild.hasAttribute('data-stale')")
    box = stale.bounding_box()
    assert box and box["y"] < 800 and box["x"] + box["width"] <= width
    page.keyboard.press("2")  # into a script that is not stale: the warning goes with its script
    expect_step(page, "offer-plan")
    expect(stale).to_have_count(0)
    expect(open_page(base + SCRIPT, width=width).locator("[data-stale]")).to_have_count(0)


def test_a_script_that_goes_stale_after_the_build_says_so(open_page: Callable[..., Page], starter: str) -> None:
    # Built while fresh (reviewed 2026-11-30, every 180 days); read in 2027-06.
    page = open_page(starter + PRICE, width=400, clock=dt.datetime(2027, 6, 15, 9, 0, tzinfo=SEOUL))
    expect(page.locator("[data-consult] [data-stale]")).to_contain_text("마지막 검토 2026-11-30(180일마다 검토)")
    fresh = open_page(starter + PRICE, width=400, clock=dt.datetime(2026, 12, 1, 9, 0, tzinfo=SEOUL))
    expect_step(fresh, "open")
    expect(fresh.locator("[data-stale]")).to_have_count(0)


@pytest.mark.parametrize("width", [360, 400])
def test_a_narrow_window_shows_the_flowchart_as_a_step_list(
    open_page: Callable[..., Page], starter: str, width: int
) -> None:
    page = open_page(starter + PRICE, width=width)
    flow = page.locator(".cb-flow")
    expect(flow).to_have_attribute("data-flow-view", "list")
    for key in "1113":
        page.keyboard.press(key)
    expect_step(page, "close-follow-up")
    current = page.locator(".cb-flow-list li[aria-current=step]")
    expect(current).to_have_attribute("data-flow-item", "close-follow-up")
    expect(current.locator(".cb-flow-step")).to_have_text("16. 재연락 약속")
    expect(page.locator(".cb-flow-list li.cb-flow-visited")).to_have_count(5)
    inside = page.evaluate(
        """() => {
            const list = document.querySelector('.cb-flow-list').getBoundingClientRect();
            const item = document.querySelector('.cb-flow-list li[aria-current]').getBoundingClientRect();
            return item.top >= list.top && item.bottom <= list.bottom;
        }"""
    )
    assert inside
    texts = " ".join(page.locator(".cb-flow-list").all_inner_texts())
    assert "check-usage" not in texts and "4. 이용 내역 확인" in texts
    assert not any("mermaid" in u for u in page.requests)  # type: ignore[attr-defined]
    assert no_sideways_scroll(page)


def test_a_hand_off_that_cannot_load_says_so_and_links_the_script(open_page: Callable[..., Page], base: str) -> None:
    page = open_page(base + OUTAGE, width=400)
    page.context.route("**/scripts/script-consult/", lambda route: route.fulfill(status=404, body="gone"))
    page.keyboard.press("2")
    failed = page.locator(".cb-handoff-failed")
    expect(failed).to_contain_text("다른 스크립트를 불러오지 못했습니다.")
    expect(failed.locator("a")).to_have_attribute("href", re.compile(r"/scripts/script-consult/#step-offer-plan$"))
    expect(failed).to_be_in_viewport()  # under the line to say, where the agent is looking
    assert page.evaluate(
        "() => document.querySelector('[data-consult] [data-say]').nextElementSibling.classList"
        ".contains('cb-handoff-failed')"
    )
    expect_step(page, "open")  # the call stays where it was
    page.keyboard.press("1")
    expect_step(page, "compensate")


def test_keys_pressed_while_a_hand_off_loads_win(open_page: Callable[..., Page], base: str) -> None:
    page = open_page(base + OUTAGE, width=400)
    release: list[Any] = []
    page.context.route("**/scripts/script-consult/", lambda route: release.append(route))
    page.keyboard.press("2")  # the other script starts loading…
    page.keyboard.press("1")  # …and the agent picks another branch meanwhile
    expect_step(page, "compensate")
    page.wait_for_timeout(100)
    assert release
    release[0].continue_()
    page.wait_for_timeout(500)
    expect_step(page, "compensate")  # the late answer does not pull the call elsewhere
    assert page.evaluate("location.hash") == "#path=open/compensate"


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_accessibility_of_a_stale_script_handed_off(open_page: Callable[..., Page], base: str, scheme: str) -> None:
    page = open_page(base + OUTAGE, width=400)
    page.evaluate("scheme => document.body.setAttribute('data-md-color-scheme', scheme)", scheme)
    expect(page.locator("[data-stale]")).to_be_visible()
    page.keyboard.press("2")
    expect_step(page, "offer-plan")
    page.keyboard.press("1")
    expect(page.locator("[data-outcome=downgraded]")).to_be_visible()
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async () => {
            const result = await axe.run({include: [['[data-consult]'], ['.cb-flow']]}, {resultTypes: ['violations']});
            return result.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '));
        }"""
    )
    assert violations == []


# ------------------------------------------------------------------ found by trying it as an agent


INTO_OUTAGE = "#path=open/ask-reason/script-cancellation-after-outage:acknowledge"


@pytest.mark.parametrize(("width", "height"), VIEWPORTS)
def test_a_shared_link_into_a_hand_off_brings_its_line_to_say_into_view(
    open_page: Callable[..., Page], starter: str, width: int, height: int
) -> None:
    page = open_page(starter + PRICE + INTO_OUTAGE, width=width, height=height)
    expect_step(page, "acknowledge")
    expect(page.locator(STEP)).to_have_attribute("data-current-script", "script-cancellation-after-outage")
    page.wait_for_function("() => document.querySelector('[data-consult] [data-step-id] [data-say]')")
    assert_say_in_view(page)


@pytest.mark.parametrize(("width", "height"), VIEWPORTS)
def test_a_stale_warning_after_a_hand_off_is_seen_with_the_line_to_say(
    open_page: Callable[..., Page], starter: str, width: int, height: int
) -> None:
    # Read in 2027-06: every starter script (reviewed 2026-11-30, every 180 days) is past its review interval.
    page = open_page(starter + PRICE, width=width, height=height, clock=dt.datetime(2027, 6, 15, 9, 0, tzinfo=SEOUL))
    for key, step in (("1", "ask-reason"), ("4", "acknowledge")):
        page.keyboard.press(key)
        expect_step(page, step)
    stale = page.locator("[data-consult] [data-stale]")
    expect(stale).to_be_visible()
    assert_say_in_view(page)
    box = stale.bounding_box()
    header = page.evaluate("document.querySelector('.md-header').getBoundingClientRect().bottom")
    say = say_box(page)
    if say["bottom"] - box["y"] <= height - header - 16:  # both fit on the screen: both are seen
        assert box["y"] >= header


def test_a_link_within_the_page_keeps_the_call_in_the_address(open_page: Callable[..., Page], starter: str) -> None:
    page = open_page(starter + PRICE, width=1280, height=800)
    page.keyboard.press("1")
    expect_step(page, "ask-reason")
    page.locator(".md-sidebar--secondary a.md-nav__link").first.click()  # the table of contents
    assert page.evaluate("location.hash").startswith("#path=open/ask-reason")
    page.reload()
    expect_step(page, "ask-reason")
