"""The starter site as a new user meets it, in Debian's Chromium, published under /sub/.

Built the way the Pages workflow builds it (site_url and repo_url from the environment)
and served under /sub/ only, where a missing address gets 404.html as on GitHub Pages:
- no page asks for anything that fails or lives on another host (Material's sitemap
  look-ups next to feed links were 404s on every role page);
- no chrome is English: every string of Material's English interface, rendered or in a
  tooltip, is absent, and so are the Python-Markdown and footer strings;
- the 404 page is Korean, styled under the sub-path, and its search, home and role
  tracks work;
- a feed opened in the browser is a Korean page through the site's own stylesheet (and
  through feed.css where the browser no longer runs XSLT);
- the 역할별 트랙 and 문서 tabs land on their overview pages.
"""

from __future__ import annotations

import functools
import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import material
import pytest
from craftbook import labels
from craftbook.build import BuildOptions, build
from craftbook.models import KINDS, ROLES

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, STARTER
from tests.test_subpath import PREFIX, _Server, _SubPathHandler

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PUBLIC_URL = "https://example.github.io/sub/"
REPO_URL = "https://github.com/example/craftbook"
ATOM = "{http://www.w3.org/2005/Atom}"

# A document of each kind, both overview pages, a role track, a tag page and its feed's
# page, 검토 현황, the hand-written pages, an edition, a listing: every template once.
PAGES = [
    "",
    "roles/",
    "roles/qa/",
    "roles/trainer/",
    "documents/",
    "review/",
    "tags/",
    "tags/인정/",
    "playbooks/",
    "playbooks/supervisor-one-line-log/",
    "lessons/lesson-cancellation-reason-diagnosis/",
    "scorecards/qa-retention-call/",
    "scripts/script-cancellation-price/",
    "resources/res-crafting-a-job-2001/",
    "editions/edition-2026-11/",
    "subscribe/",
    "guide/",
]
MISSING = "no/such/page/"  # any missing address: GitHub Pages answers with 404.html


def _english_chrome() -> set[str]:
    """Material's English interface strings (its en language file), and the English that
    Python-Markdown and Material's footer print outside it."""
    source = Path(material.__file__).parent / "templates" / "partials" / "languages" / "en.html"
    pairs = re.findall(r'"([\w.]+)": "([^"]*)"', source.read_text(encoding="utf-8"))
    strings = {value for key, value in pairs if not key.startswith(("search.config", "language", "direction"))}
    return {s for s in strings if re.search("[A-Za-z]{2}", s)} | {
        "Permanent link",
        "Made with",
        "404 - Not found",
        "Not found",
    }


ENGLISH = _english_chrome()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hub-pages") / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CRAFTBOOK_SITE_URL", PUBLIC_URL)  # as .github/workflows/pages.yml does
        patch.setenv("CRAFTBOOK_REPO_URL", REPO_URL)
        return build(BuildOptions(config_file=ROOT / "mkdocs.yml", out=out, playbooks=STARTER))


@pytest.fixture(scope="module")
def base(site: Path) -> Iterator[str]:
    server = _Server(("127.0.0.1", 0), functools.partial(_SubPathHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    server.shutdown()


@pytest.fixture
def visit(browser: Any, base: str) -> Iterator[Any]:
    """Open a page in a fresh context and return it with every request that went wrong:
    a status of 400 or more, a failure, or any host but the site's."""
    contexts: list[Any] = []

    def _visit(path: str, wait: str = "networkidle", **options: Any) -> tuple[Any, list[tuple[Any, str]]]:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR", **options)
        contexts.append(context)
        page = context.new_page()
        problems: list[tuple[Any, str]] = []
        origin = urlsplit(base).netloc

        def on_response(response: Any) -> None:
            if response.status >= 400 and response.url != base + quote(path):
                problems.append((response.status, response.url))

        page.on("response", on_response)
        page.on("requestfailed", lambda r: problems.append(("failed", r.url)))
        page.on(
            "request",
            lambda r: (
                problems.append(("elsewhere", r.url))
                if urlsplit(r.url).scheme in ("http", "https") and urlsplit(r.url).netloc != origin
                else None
            ),
        )
        page.goto(base + quote(path))
        page.wait_for_load_state(wait)
        return page, problems

    yield _visit
    for context in contexts:
        context.close()


def heading(page: Any) -> str:
    """The page's h1 without the ¶ of its heading anchor."""
    return page.locator("h1").first.inner_text().removesuffix("¶").strip()


@pytest.mark.parametrize("path", [*PAGES, MISSING])
def test_no_page_asks_for_anything_that_fails_or_lives_elsewhere(visit: Any, path: str) -> None:
    page, problems = visit(path)
    assert heading(page)
    assert problems == []


def _chrome_strings(page: Any) -> list[str]:
    """Every text node and every title, aria-label, placeholder and alt of the page."""
    return page.evaluate(
        """() => {
          const out = [];
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            if (n.parentElement.closest("script, style")) continue;
            const text = n.textContent.replace(/\\s+/g, " ").trim();
            if (text) out.push(text);
          }
          for (const el of document.querySelectorAll("[title], [aria-label], [placeholder], [alt]")) {
            for (const name of ["title", "aria-label", "placeholder", "alt"]) {
              const value = el.getAttribute(name);
              if (value && value.trim()) out.push(value.trim());
            }
          }
          out.push(document.title);
          return out;
        }"""
    )


@pytest.mark.parametrize("path", [*PAGES, MISSING])
def test_no_chrome_is_english(visit: Any, path: str) -> None:
    page, _ = visit(path)
    # What Material renders only on use: the search overlay with results, code copy buttons.
    page.locator("input.md-search__input").click()
    page.keyboard.insert_text("해지")
    page.keyboard.press("End")
    page.wait_for_selector("li.md-search-result__item")
    strings = _chrome_strings(page)
    english = sorted({s for s in strings if s in ENGLISH or any(e in s for e in ("Permanent link", "Made with"))})
    assert english == []
    assert " ".join(page.locator(".md-copyright").inner_text().split()) == "Material for MkDocs로 만들었습니다"
    if page.locator("a.headerlink").count():
        assert page.locator("a.headerlink").first.get_attribute("title") == "이 제목을 가리키는 고정 링크"


def test_the_404_page_is_korean_styled_and_leads_back_under_the_sub_path(visit: Any, base: str) -> None:
    page, problems = visit("deep/" + MISSING)
    assert problems == []
    assert heading(page) == "페이지를 찾을 수 없습니다"
    assert page.title() == "페이지를 찾을 수 없습니다 - Craftbook"
    # Styled: Material's stylesheet and ours loaded from /sub/, not from the server's root.
    header = page.evaluate("getComputedStyle(document.querySelector('.md-header')).backgroundColor")
    assert header == "rgb(64, 81, 181)"
    assert page.evaluate("getComputedStyle(document.querySelector('.cb-404-code')).fontSize") == "60px"
    tracks = page.locator(".cb-404-tracks a")
    assert tracks.all_inner_texts() == [f"{labels.ROLE_LABEL[r]} 트랙" for r in labels.ROLE_TRACK_ORDER]
    assert [a.get_attribute("href") for a in tracks.all()] == [f"{PREFIX}roles/{r}/" for r in labels.ROLE_TRACK_ORDER]
    tracks.nth(1).click()
    page.wait_for_url(base + "roles/qa/")
    assert heading(page) == "QA 평가자 트랙"


def test_the_404_search_opens_the_site_search_with_the_words(visit: Any, base: str) -> None:
    page, problems = visit(MISSING)
    page.locator("#cb-404-query").focus()
    page.keyboard.insert_text("업무일지")
    page.locator(".cb-404-search button").click()
    page.wait_for_url(re.compile(re.escape(base) + r"\?q="))
    page.wait_for_selector("li.md-search-result__item")
    assert page.locator("input.md-search__input").input_value() == "업무일지"
    titles = page.locator("li.md-search-result__item h1, li.md-search-result__item h2").all_inner_texts()
    assert any("업무일지" in t for t in titles)
    assert problems == []


@pytest.mark.parametrize("feed", ["feed.xml", "roles/qa/feed.xml", "tags/인정/feed.xml"])
def test_a_feed_opens_as_a_korean_page_through_the_sites_stylesheet(
    visit: Any, site: Path, base: str, feed: str
) -> None:
    root = ET.fromstring((site / feed).read_bytes())
    page, problems = visit(feed, wait="load", permissions=["clipboard-read", "clipboard-write"])
    assert problems == []  # the stylesheet came from the site; nothing else was asked for
    assert page.locator("h1").inner_text() == root.findtext(f"{ATOM}title")
    assert page.locator("h2").first.inner_text() == "이 피드를 구독하려면"
    address = page.locator("#feed-address")
    assert address.input_value() == PUBLIC_URL + feed  # the address to paste into a reader
    entries = root.findall(f"{ATOM}entry")
    assert page.locator("[data-entry]").count() == len(entries) > 0
    first = page.locator("[data-entry]").first
    assert first.locator(".title a").get_attribute("href") == entries[0].find(f"{ATOM}link").get("href")  # type: ignore[union-attr]
    assert re.fullmatch(r".+ · \d{4}년 \d{1,2}월 \d{1,2}일", first.locator(".meta").inner_text())
    assert page.locator("xslt-warning-banner").evaluate_all("els => els.every(e => !e.checkVisibility())")
    page.locator("[data-copy-feed]").click()
    page.wait_for_function("document.querySelector('[data-copy-feed]').textContent === '복사했습니다'")
    assert page.evaluate("navigator.clipboard.readText()") == PUBLIC_URL + feed


def test_a_browser_without_xslt_still_shows_the_feed_in_korean(browser: Any, base: str) -> None:
    """Browsers are removing XSLT; then feed.css (the feed's second stylesheet) lays it out."""
    without_xslt = browser.browser_type.launch(
        executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, "--disable-blink-features=XSLT"], headless=True
    )
    try:
        page = without_xslt.new_page(viewport={"width": 400, "height": 800})
        page.goto(base + "roles/qa/feed.xml")
        assert page.evaluate("document.documentElement.namespaceURI") == "http://www.w3.org/2005/Atom"
        intro = page.evaluate("getComputedStyle(document.querySelector('subtitle'), '::after').content")
        assert "RSS 리더" in intro
        assert page.evaluate("getComputedStyle(document.querySelector('id')).display") == "none"
        assert page.evaluate("getComputedStyle(document.querySelector('entry')).display") == "block"
    finally:
        without_xslt.close()


@pytest.mark.parametrize(
    ("tab", "url", "title"), [("역할별 트랙", "roles/", "역할별 트랙"), ("문서", "documents/", "문서")]
)
def test_each_nav_tab_lands_on_its_overview_page(visit: Any, base: str, tab: str, url: str, title: str) -> None:
    page, _ = visit("")
    page.locator(".md-tabs__link", has_text=tab).click()
    page.wait_for_url(base + url)
    assert heading(page) == title
    cards = page.locator(".cb-overview-item a.cb-overview-link")
    assert cards.count() == (len(ROLES) if url == "roles/" else len(KINDS))  # one card each
    cards.first.click()  # a card leads to its track or listing
    page.wait_for_load_state()
    assert page.url != base + url and heading(page)
