"""`craftbook serve` rebuilds the page when a YAML file changes (a real server, a real edit),
keeps serving the last good site with the errors on every page while the library is
broken, says its address first and refuses a port in use before building."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _fetch(url: str, timeout: float = 5) -> str:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:  # an error page has a body too
        return exc.read().decode("utf-8")
    except OSError:
        return ""


def _wait_for(url: str, needle: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if needle in _fetch(url):
            return True
        time.sleep(0.3)
    return False


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's site config with its own small library."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"(?m)^site_url: .*$", 'site_url: ""', config)
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    shutil.copytree(FIXTURES / "minimal", tmp_path / "playbooks")
    return tmp_path


def test_serve_rebuilds_when_yaml_changes(project: Path) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/resources/res-article/"
    with serving(project, port):
        assert _wait_for(url, "포상하기 대신 인정하기", 90), "server never served the page"
        source = project / "playbooks" / "resource.yaml"
        source.write_text(
            source.read_text(encoding="utf-8").replace("title: 포상하기 대신 인정하기", "title: 고친 제목 인정하기"),
            encoding="utf-8",
        )
        assert _wait_for(url, "고친 제목 인정하기", 60), "page did not change after the YAML edit"


BANNER = "data-craftbook-serve-errors"


@contextmanager
def serving(project: Path, port: int) -> Iterator[Path]:
    """`craftbook serve` of `project` on `port`; yields its log file, stops it with SIGTERM."""
    log_path = project / f"serve-{port}.log"
    log = log_path.open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "craftbook.cli", "serve", "-f", str(project / "mkdocs.yml"), "-a", f"127.0.0.1:{port}"],
        cwd=project,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield log_path
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
    # Its working folder (site, generated Markdown) goes with it.
    assert list((project / ".craftbook").glob("serve-*")) == [], log_path.read_text(encoding="utf-8")


def test_serve_keeps_the_last_good_site_with_the_errors_while_the_library_is_broken(project: Path) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/resources/res-article/"
    with serving(project, port) as log:
        assert _wait_for(url, "포상하기 대신 인정하기", 90), "server never served the page"
        lines = log.read_text(encoding="utf-8").splitlines()
        assert lines[0] == f"Serving on http://127.0.0.1:{port}/ (building the site first; Ctrl+C stops)"
        source = project / "playbooks" / "resource.yaml"
        good = source.read_text(encoding="utf-8")
        source.write_text(good.replace("title: 포상하기 대신 인정하기", "title: [깨진 제목"), encoding="utf-8")
        assert _wait_for(url, BANNER, 60), "the page never showed the errors"
        # Now every request is answered at once: the last good page, with the errors on top.
        page = _fetch(url, timeout=1)
        assert "<title>포상하기 대신 인정하기" in page
        banner = page[page.index(BANNER) : page.index("</div>", page.index(BANNER))]
        assert "마지막으로 빌드에 성공한 사이트를 보여 드립니다" in banner
        assert "resource.yaml:3:8: error: invalid YAML: this &#x27;[&#x27; starts a list" in banner
        # Only the broken file's own error: references to it are not reported again.
        assert banner.endswith("\n1 error in 1 file\n7 files read</pre>")
        assert "--md-primary" in _fetch(f"http://127.0.0.1:{port}/assets/craftbook.css", timeout=1)
        assert "resource.yaml:3:8: error: invalid YAML" in log.read_text(encoding="utf-8")  # the console too
        source.write_text(good.replace("title: 포상하기 대신 인정하기", "title: 고친 제목"), encoding="utf-8")
        assert _wait_for(url, "고친 제목", 60), "the fixed page never came"
        assert BANNER not in _fetch(url)


def test_serve_of_a_library_broken_from_the_start_shows_the_errors_until_it_is_fixed(project: Path) -> None:
    port = _free_port()
    source = project / "playbooks" / "resource.yaml"
    good = source.read_text(encoding="utf-8")
    source.write_text(good.replace("summary: ", "summary: [", 1), encoding="utf-8")
    home = f"http://127.0.0.1:{port}/"
    with serving(project, port):
        assert _wait_for(home, BANNER, 90), "no page showed the errors"
        page = _fetch(home, timeout=1)
        assert "사이트를 아직 빌드하지 못했습니다" in page and "resource.yaml:" in page
        assert "livereload" in page  # it reloads by itself once the file is fixed
        source.write_text(good, encoding="utf-8")
        assert _wait_for(f"{home}resources/res-article/", "포상하기 대신 인정하기", 60)


def test_a_second_serve_on_the_same_port_is_refused_before_building(project: Path) -> None:
    port = _free_port()
    with serving(project, port):
        assert _wait_for(f"http://127.0.0.1:{port}/", "Craftbook", 90)
        second = subprocess.run(
            [
                sys.executable,
                "-m",
                "craftbook.cli",
                "serve",
                "-f",
                str(project / "mkdocs.yml"),
                "-a",
                f"127.0.0.1:{port}",
            ],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 2
        assert second.stderr.strip() == (
            f"Error: cannot serve on 127.0.0.1:{port}: the address is already in use (another craftbook serve or "
            f"mkdocs serve?); stop it, or choose another port: craftbook serve -a 127.0.0.1:{port + 1}"
        )
        assert "Documentation built" not in second.stdout + second.stderr


def test_a_file_saved_while_the_first_build_runs_is_not_lost(project: Path) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/resources/res-article/"
    source = project / "playbooks" / "resource.yaml"
    with serving(project, port) as log:
        deadline = time.monotonic() + 30
        while "Serving on" not in log.read_text(encoding="utf-8") and time.monotonic() < deadline:
            time.sleep(0.05)
        source.write_text(
            source.read_text(encoding="utf-8").replace("title: 포상하기 대신 인정하기", "title: 첫 빌드 중 고침"),
            encoding="utf-8",
        )
        assert _wait_for(url, "첫 빌드 중 고침", 120), log.read_text(encoding="utf-8")


def test_serve_rebuilds_when_a_template_override_changes_and_not_for_editor_scratch_files(project: Path) -> None:
    """The plugin's `templates:` folder is watched like the library; a backup or swap
    file an editor writes beside a YAML file is not a change to the site."""
    tpl = project / "tpl"
    tpl.mkdir()
    shipped = (ROOT / "generator" / "craftbook" / "templates" / "resource.md.j2").read_text(encoding="utf-8")
    override = tpl / "resource.md.j2"
    marked = "{% block body %}\n템플릿 {}판\n\n"
    override.write_text(shipped.replace("{% block body %}\n", marked.replace("{}", "첫")), encoding="utf-8")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("  playbooks: playbooks\n", "  playbooks: playbooks\n      templates: [tpl]\n")
    config.write_text(text, encoding="utf-8")
    port = _free_port()
    url = f"http://127.0.0.1:{port}/resources/res-article/"
    with serving(project, port) as log:
        assert _wait_for(url, "템플릿 첫판", 90), log.read_text(encoding="utf-8")
        override.write_text(shipped.replace("{% block body %}\n", marked.replace("{}", "둘째")), encoding="utf-8")
        assert _wait_for(url, "템플릿 둘째판", 60), "the page did not change after the template edit"
        time.sleep(1.5)
        builds = log.read_text(encoding="utf-8").count("craftbook: ")
        for name in ("resource.yaml~", ".resource.yaml.swp", "#resource.yaml#"):
            (project / "playbooks" / name).write_text("scratch", encoding="utf-8")
        time.sleep(2.5)
        assert log.read_text(encoding="utf-8").count("craftbook: ") == builds  # no rebuild


def test_the_banner_breaks_korean_between_words() -> None:
    """Korean lines break between words (keep-all), as everywhere on the site; the
    error lines themselves may break anywhere, being paths."""
    from craftbook.serve import banner

    block = banner("playbooks/x.yaml:1:1: error: …").decode()
    outer = block[: block.index(">")]
    assert "word-break:keep-all" in outer
    assert "word-break:break-word" in block[block.index("<pre") :]


def test_the_cycle_collector_runs_between_builds_not_inside_them() -> None:
    """While serving, CPython's automatic collection is off (a full one walked the whole
    library in the middle of rebuilds); one runs shortly after each build instead, and
    stopping restores what was there before."""
    import gc

    from craftbook.serve import CycleCollector

    assert gc.isenabled()
    collector = CycleCollector(delay=0.05)
    collector.start()
    try:
        assert not gc.isenabled()
        before = gc.get_stats()[2]["collections"]
        collector.after_build()
        collector.after_build()  # a second build before the first collection: one collection
        deadline = time.monotonic() + 5
        while gc.get_stats()[2]["collections"] == before and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.2)
        assert gc.get_stats()[2]["collections"] == before + 1
        assert not gc.isenabled()  # still off until serving stops
        # Builds that end faster than the delay (auto-save) do not put the collection off
        # for ever: one runs within the delay of the first of them.
        before = gc.get_stats()[2]["collections"]
        started = time.monotonic()
        while gc.get_stats()[2]["collections"] == before and time.monotonic() - started < 5:
            collector.after_build()
            time.sleep(0.02)
        assert gc.get_stats()[2]["collections"] > before
        assert time.monotonic() - started < 3  # the old code put it off for as long as saves came
    finally:
        collector.stop()
    assert gc.isenabled()
