"""Shared fixtures: real builds of real libraries, served on loopback, opened in Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import socketserver
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from craftbook.build import BuildOptions, build
from hypothesis import settings

# Speed is measured in benchmarks, never asserted in tests: Hypothesis' per-example deadline
# is a timing assertion that fails on a loaded 2-core machine, so it is off everywhere.
settings.register_profile("craftbook", deadline=None)
settings.load_profile("craftbook")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
STARTER = ROOT / "playbooks"
CHROMIUM = os.environ.get("CRAFTBOOK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", help="Rewrite golden files from current output.")


@pytest.fixture(scope="session")
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture(scope="session")
def build_site(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """Build a library with the project's mkdocs.yml into a fresh folder; returns the site folder."""

    def _build(playbooks: Path, **options: object) -> Path:
        out = tmp_path_factory.mktemp("site") / "site"
        return build(BuildOptions(config_file=ROOT / "mkdocs.yml", out=out, playbooks=playbooks, **options))  # type: ignore[arg-type]

    return _build


@pytest.fixture(scope="session")
def starter_site(build_site: Callable[..., Path]) -> Path:
    """The shipped starter library, built once per test session."""
    return build_site(STARTER)


@pytest.fixture(scope="session")
def minimal_site(build_site: Callable[..., Path]) -> Path:
    return build_site(FIXTURES / "minimal")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


@pytest.fixture(scope="session")
def serve() -> Iterator[Callable[[Path], str]]:
    """Serve a folder on 127.0.0.1 (a free port); returns its base URL ending in '/'."""
    servers: list[_Server] = []

    def _serve(folder: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        server = _Server(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield _serve
    for server in servers:
        server.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright; skipped only where it is not installed."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}; .ci/run must install it")
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")  # type: ignore[attr-defined]
    page = context.new_page()
    yield page
    context.close()
