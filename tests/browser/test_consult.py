"""Consult mode on a script page, driven in Debian's Chromium like an agent on a live call."""

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

CONSULT = Path(__file__).resolve().parent.parent / "fixtures" / "consult"
SCRIPT = "scripts/script-consult/"
HOSTILE = "scripts/script-hostile/"
STEP = "[data-consult] [data-step-id]"
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def base(build_site: Callable[..., Path], serve: Callable[[Path], str]) -> str:
    return serve(build_site(CONSULT))


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[..., Page]]:
    """A fresh browser context per call; every request off 127.0.0.1 is refused and recorded."""
    contexts: list[Any] = []

    def _open(url: str, width: int = 1280, **options: Any) -> Page:
        context = browser.new_context(viewport={"width": width, "height": 800}, locale="ko-KR", **options)
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
    expect(page.locator("button[data-go=open] .cb-choice-text")).to_have_text(
        "</script><script>alert('island')</script>"
    )
    page.keyboard.press("1")
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
    page.keyboard.press("1")
    expect(page.locator("[data-outcome=downgraded]")).to_be_visible()
    show_flowchart(page, 7)
    page.locator(".cb-objection-search input").fill("비싸")
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async () => {
            const result = await axe.run(
                {include: [['.cb-script'], ['.cb-flow'], ['.cb-objections']]},
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
