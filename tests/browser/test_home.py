"""The home page in a phone-sized window: every role's way in on the first screen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def starter(starter_site: Path, serve: Callable[[Path], str]) -> str:
    return serve(starter_site)


@pytest.mark.parametrize(("width", "height"), [(360, 740), (400, 800)])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_role_cards_are_single_boxes_on_the_first_screen(
    browser: Any, starter: str, width: int, height: int, scheme: str
) -> None:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="ko-KR", color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(starter)
        agent = page.locator("a.cb-track[data-role=agent]")
        expect(agent).to_contain_text("상담사")
        box = agent.bounding_box()
        assert box and box["y"] + box["height"] <= height, box  # no scrolling to reach it
        cards = page.locator("a.cb-track")
        expect(cards).to_have_count(5)
        # One clickable box per role: the list item around the link draws nothing itself.
        frames = page.evaluate(
            """() => [...document.querySelectorAll('.cb-tracks li')].map(li => {
                const s = getComputedStyle(li);
                return [s.borderTopStyle, s.boxShadow];
            })"""
        )
        assert frames == [["none", "none"]] * 5
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        agent.click()
        page.wait_for_url(starter + "roles/agent/")
        # The agent's track starts with the scripts.
        expect(page.locator("article h2").first).to_contain_text("상담 스크립트")
    finally:
        context.close()
