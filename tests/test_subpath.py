"""A project site on GitHub Pages lives under /<repo>/: every link and asset must work there.

The site is built with `site_url` set the way the Pages workflow sets it, served under
`/sub/` only (everything else is a 404, as on github.io), and crawled: every href and src
of every HTML page, every url() of every stylesheet, the search worker and index the
theme loads from script, and every <loc> of the sitemap must answer 200.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import socketserver
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote, urldefrag, urljoin, urlsplit

import pytest
from craftbook.build import BuildOptions, build

from tests.conftest import FIXTURES, ROOT

pytestmark = pytest.mark.slow

PREFIX = "/sub/"
PUBLIC_URL = "https://example.github.io/sub/"  # what site_url would be for repo "sub"


class _SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the folder at /sub/ and nothing anywhere else; a missing address under /sub/
    gets the site's 404.html with status 404, as GitHub Pages answers."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(str(self.directory)) / "404.html"
        if code != 404 or not urlsplit(self.path).path.startswith(PREFIX) or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def translate_path(self, path: str) -> str:
        plain = unquote(urlsplit(path).path)
        if plain == PREFIX.rstrip("/"):
            return super().translate_path("/")  # a directory: answered with a redirect to /sub/
        if not plain.startswith(PREFIX):
            return str(Path(self.directory) / ".no-such-file")
        return super().translate_path("/" + path[len(PREFIX) :])

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.config: str = ""
        self._in_config = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("href", "src"):
            if values.get(name):
                self.urls.append(values[name] or "")
        for candidate in (values.get("srcset") or "").split(","):
            if candidate.strip():
                self.urls.append(candidate.split()[0])
        self._in_config = tag == "script" and values.get("id") == "__config"

    def handle_data(self, data: str) -> None:
        if self._in_config:
            self.config += data

    def handle_endtag(self, tag: str) -> None:
        self._in_config = False


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("subpath") / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CRAFTBOOK_SITE_URL", PUBLIC_URL)  # as .github/workflows/pages.yml does
        return build(BuildOptions(config_file=ROOT / "mkdocs.yml", out=out, playbooks=FIXTURES / "minimal"))


@pytest.fixture(scope="module")
def base(site: Path) -> Iterator[str]:
    server = _Server(("127.0.0.1", 0), functools.partial(_SubPathHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _uri(url: str) -> str:
    """An address as a browser sends it: a link may be written with Hangul (an IRI)."""
    return quote(url, safe=":/?#[]@!$&'()*+,;=%")


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(_uri(url), method="HEAD"), timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _fetch(url: str) -> bytes:
    with urllib.request.urlopen(_uri(url), timeout=10) as response:
        return response.read()


def _local(url: str, base: str) -> str | None:
    """The loopback URL for a link into the site, or None for another host."""
    if url.startswith(PUBLIC_URL):
        return base + PREFIX + url[len(PUBLIC_URL) :]
    if url.startswith(base):
        return url
    return None


def test_the_server_serves_only_the_sub_path(base: str) -> None:
    assert _status(base + PREFIX) == 200
    assert _status(base + "/") == 404
    assert _status(base + "/index.html") == 404
    assert _status(base + PREFIX + "no-such-page/") == 404


def test_every_internal_link_and_asset_resolves_under_the_sub_path(site: Path, base: str) -> None:
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert "lessons/lesson-diagnosis/index.html" in pages
    targets: dict[str, str] = {}  # target URL → first page linking to it
    stylesheets: set[str] = set()
    for rel in pages:
        page_url = base + PREFIX + quote(rel)
        parser = _Links()
        parser.feed(_fetch(page_url).decode("utf-8"))
        urls = list(parser.urls)
        if parser.config:  # Material's search worker and index are loaded from script
            config = json.loads(parser.config)
            urls += [config["search"], config["base"].rstrip("/") + "/search/search_index.json"]
        for raw in urls:
            if raw.startswith(("#", "mailto:", "data:", "javascript:")):
                continue
            target = _local(urldefrag(urljoin(page_url, raw)).url, base)
            if target is None:
                continue
            assert urlsplit(target).path.startswith(PREFIX), f"{rel}: {raw!r} leaves {PREFIX}"
            targets.setdefault(target, rel)
            if urlsplit(target).path.endswith(".css"):
                stylesheets.add(target)
    for sheet in sorted(stylesheets):
        css = _fetch(sheet).decode("utf-8", "replace")
        for raw in re.findall(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", css):
            if raw.startswith(("data:", "#")):
                continue
            target = _local(urldefrag(urljoin(sheet, raw)).url, base)
            if target is not None:
                targets.setdefault(target, sheet)
    broken = {url: source for url, source in targets.items() if _status(url) != 200}
    assert broken == {}
    # The crawl really walked the site: every page but the 404 page is linked from another.
    linked = {unquote(urlsplit(url).path).removeprefix(PREFIX) for url in targets}
    unlinked = [p for p in pages if p != "404.html" and not {p, p.removesuffix("index.html")} & linked]
    assert unlinked == []


def test_sitemap_and_canonical_links_use_the_published_address(site: Path, base: str) -> None:
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    locations = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert locations and all(loc.startswith(PUBLIC_URL) for loc in locations)
    broken = [loc for loc in locations if _status(_local(loc, base) or loc) != 200]
    assert broken == []
    page = (site / "lessons/lesson-diagnosis/index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{PUBLIC_URL}lessons/lesson-diagnosis/">' in page


def test_a_missing_address_gets_the_korean_404_page_with_links_under_the_sub_path(base: str) -> None:
    try:
        urllib.request.urlopen(base + PREFIX + "no/such/page/", timeout=10)
    except urllib.error.HTTPError as exc:
        assert exc.code == 404
        page = exc.read().decode("utf-8")
    else:
        raise AssertionError("a missing page answered 200")
    assert "<h1>페이지를 찾을 수 없습니다</h1>" in page
    parser = _Links()
    parser.feed(page)
    own = [u for u in parser.urls if not u.startswith(("https://", "data:", "#"))]
    assert own and all(u.startswith(PREFIX) for u in own), own  # site_url's path, not "/"


def test_a_build_without_site_url_warns_that_the_404_page_needs_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("CRAFTBOOK_SITE_URL", raising=False)
    with caplog.at_level("WARNING"):
        build(BuildOptions(config_file=ROOT / "mkdocs.yml", out=tmp_path / "site", playbooks=FIXTURES / "minimal"))
    warnings = [r.getMessage() for r in caplog.records if "404 page" in r.getMessage()]
    assert len(warnings) == 1 and "set site_url" in warnings[0].lower()
