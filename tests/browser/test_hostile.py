"""A library full of hostile strings, built for real and opened page by page in Chromium.

Every field of every kind in `tests/fixtures/hostile/` carries markup, script, event
handlers, dangerous link schemes, attribute/Mermaid/JSON breakers and remote images.
The library is valid, so all of it reaches the templates. Nothing may run (no dialog),
no element may carry an inline handler, no link may point at script, and no page may
ask any host but the loopback server for anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from craftbook.models import KIND_SPECS

from tests.conftest import FIXTURES

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HOSTILE = FIXTURES / "hostile"

# What the DOM must not contain, gathered in one evaluate per page to keep it fast.
_INSPECT = r"""
() => {
  const clean = (v) => (v || "").replace(/[\u0000-\u0020\u007f-\u009f]+/g, "").toLowerCase();
  const bad = /^(javascript|vbscript|data):/;
  const found = {handlers: [], links: [], embeds: [], images: [], scripts: [], json: [], bases: []};
  for (const el of document.querySelectorAll("*")) {
    for (const a of el.attributes) {
      if (a.name.toLowerCase().startsWith("on")) found.handlers.push(`<${el.localName} ${a.name}="${a.value}">`);
    }
  }
  for (const el of document.querySelectorAll("[href], [src], [action], [formaction], [data]")) {
    for (const name of ["href", "src", "action", "formaction", "data"]) {
      const value = el.getAttribute(name);
      if (value !== null && bad.test(clean(value)))
        found.links.push(`<${el.localName} ${name}="${value}">`);
    }
  }
  for (const el of document.querySelectorAll("iframe, object, embed, frame, applet"))
    found.embeds.push(el.outerHTML.slice(0, 120));
  for (const el of document.querySelectorAll("img, image, source, video, audio")) {
    const src = el.getAttribute("src") || el.getAttribute("href") || "";
    if (src && new URL(src, location.href).host !== location.host) found.images.push(src);
  }
  // Content must not bring its own script, style, base, meta or stylesheet.
  for (const el of document.querySelectorAll(
      "article script, article style, article base, article meta, article link, body base, body meta"))
    if (!(el.localName === "script" && /json/.test(el.type))
        && !(el.localName === "style" && el.closest(".cb-flow-diagram > svg")))  // Mermaid's own
      found.scripts.push(el.outerHTML.slice(0, 120));
  // A JSON blob that a string broke out of no longer parses.
  for (const el of document.querySelectorAll('script[type*="json"]')) {
    try { JSON.parse(el.textContent); } catch (e) { found.json.push(el.textContent.slice(0, 120)); }
  }
  if (document.querySelectorAll("base").length) found.bases.push(document.querySelector("base").outerHTML);
  return found;
}
"""


@pytest.fixture(scope="module")
def hostile_site(build_site: Callable[..., Path]) -> Path:
    return build_site(HOSTILE)


@pytest.fixture(scope="module")
def hostile_page(browser: object, hostile_site: Path, serve: Callable[[Path], str]) -> Iterator[tuple]:
    """One browser context for every page; records dialogs and every request it makes."""
    base = serve(hostile_site)
    host = urlsplit(base).netloc
    context = browser.new_context(locale="ko-KR", service_workers="block")  # type: ignore[attr-defined]
    dialogs: list[str] = []
    foreign: list[str] = []

    def route(request_route: object) -> None:
        url = request_route.request.url  # type: ignore[attr-defined]
        if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url).netloc != host:
            foreign.append(url)
            request_route.abort()  # type: ignore[attr-defined]
        else:
            request_route.continue_()  # type: ignore[attr-defined]

    context.route("**/*", route)
    page = context.new_page()

    def on_dialog(dialog: object) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message} on {page.url}")  # type: ignore[attr-defined]
        dialog.dismiss()  # type: ignore[attr-defined]

    page.on("dialog", on_dialog)
    yield page, base, dialogs, foreign
    context.close()


def _pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def test_the_hostile_library_covers_every_kind(hostile_site: Path) -> None:
    pages = _pages(hostile_site)
    for kinddir in (spec.site_folder for spec in KIND_SPECS):
        assert any(p.startswith(f"{kinddir}/hostile-") for p in pages), kinddir
    assert any(p.startswith("tags/") and p != "tags/index.html" for p in pages)


def test_no_hostile_string_runs_or_loads_anything_on_any_page(hostile_site: Path, hostile_page: tuple) -> None:
    page, base, dialogs, foreign = hostile_page
    problems: dict[str, dict[str, list[str]]] = {}
    pages = _pages(hostile_site)
    assert len(pages) > 15
    for rel in pages:
        page.goto(base + rel, wait_until="load")
        page.wait_for_timeout(150)  # let deferred scripts (Material, ours) run
        found = page.evaluate(_INSPECT)
        found = {k: v for k, v in found.items() if v}
        if found:
            problems[rel] = found
    assert {"dialogs": dialogs, "foreign requests": sorted(set(foreign)), "dom": problems} == {
        "dialogs": [],
        "foreign requests": [],
        "dom": {},
    }


def test_hostile_text_is_shown_as_typed(hostile_site: Path, hostile_page: tuple) -> None:
    """Escaping must not lose the text: the page shows what the author wrote."""
    page, base, dialogs, _ = hostile_page
    page.goto(base + "playbooks/hostile-playbook/", wait_until="load")
    assert page.title().startswith('<script>alert("title")</script> </title><img src=x onerror=alert("title2")>')
    h1 = page.locator("article h1").first.inner_text().removesuffix("¶")
    assert h1 == '<script>alert("title")</script> </title><img src=x onerror=alert("title2")>'
    summary = page.locator(".cb-summary").inner_text()
    assert summary.startswith('"><script>alert("summary")</script>')
    description = page.locator('meta[name="description"]').get_attribute("content")
    assert description is not None and description.startswith('"><script>alert("summary")</script>')
    body = page.locator("article").inner_text()
    for text in ("<div onclick=\"alert('div')\">raw block</div>", '<iframe srcdoc="', "%%{init:"):
        assert text in body
    # Dangerous links keep their words but lose their target.
    assert page.locator("article .cb-unsafe-link", has_text="plain").count() == 1
    assert dialogs == []


def test_search_results_show_hostile_titles_as_text(hostile_page: tuple) -> None:
    """Material's search renders index entries as HTML: titles must arrive escaped."""
    page, base, dialogs, _ = hostile_page
    page.goto(base, wait_until="load")
    page.locator(".md-search__input").click()
    page.keyboard.type("onerror")
    results = page.locator(".md-search-result__item")
    page.wait_for_function("document.querySelectorAll('.md-search-result__item').length > 3", timeout=15_000)
    page.wait_for_timeout(300)
    assert results.count() > 3
    found = page.evaluate(_INSPECT)
    assert {k: v for k, v in found.items() if v} == {}
    assert '<img src=x onerror=alert("resource-title")>' in page.locator(".md-search-result").inner_text()
    assert dialogs == []


def test_the_script_flowchart_draws_hostile_labels_as_text(hostile_page: tuple) -> None:
    """Mermaid draws only when scrolled to: draw it, then look inside the SVG."""
    page, base, dialogs, foreign = hostile_page
    page.goto(base + "scripts/hostile-script/", wait_until="load")
    page.locator(".cb-flow").scroll_into_view_if_needed()
    page.locator(".cb-flow-diagram svg").wait_for(timeout=20_000)
    page.wait_for_timeout(200)
    found = page.evaluate(_INSPECT)
    assert {k: v for k, v in found.items() if v} == {}
    diagram = page.locator(".cb-flow-diagram")
    svg_text = " ".join(diagram.inner_text().split())
    assert "close-cancel[\"<img src=x onerror=alert('when')>\"]" in svg_text
    assert "%%{init:" in svg_text
    # Labels are text: the only elements inside Mermaid's labels are its own.
    assert diagram.locator("foreignObject img, foreignObject svg, foreignObject script").count() == 0
    assert dialogs == []
    assert foreign == []


def test_glossary_tooltips_show_hostile_definitions_as_text(hostile_site: Path, hostile_page: tuple) -> None:
    """Material's tooltips put an abbreviation's title into the page as HTML (innerHTML),
    so no title may hold what HTML reads as markup; and a real one shows the text."""
    page, base, dialogs, foreign = hostile_page
    titles: dict[str, list[str]] = {}
    for rel in _pages(hostile_site):
        page.goto(base + rel, wait_until="load")
        titles[rel] = page.eval_on_selector_all("abbr[title]", "nodes => nodes.map(n => n.getAttribute('title'))")
    assert sum(map(len, titles.values())) > 10  # the hostile glossary's terms are used across the library
    marked_up = {rel: [t for t in found if set(t) & set("<>&")] for rel, found in titles.items()}
    assert {rel: found for rel, found in marked_up.items() if found} == {}
    page.goto(base + "playbooks/hostile-playbook/", wait_until="load")
    page.locator("article abbr").first.hover()
    tooltip = page.locator(".md-tooltip2__inner", has_text="alert:").first
    tooltip.wait_for(state="attached")
    assert tooltip.inner_text().startswith(
        'alert: ＜img src=x onerror=alert("tooltip")＞ ＜img src=x onerror=alert(2)＞'
    )
    assert page.locator(".md-tooltip2 img, .md-tooltip2 svg, .md-tooltip2 script").count() == 0
    assert dialogs == [] and foreign == []
