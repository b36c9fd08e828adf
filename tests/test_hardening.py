"""Hostile or broken input never runs, never writes where it should not, never loses a site.

Markdown sanitising is checked on the HTML our own Markdown instance produces; ids and
output paths on the real loader and writer; "nothing lost" on real builds that fail in
real ways (bad YAML, a template that raises inside MkDocs, a full disk, a killed
process, a swap that cannot happen).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from craftbook.build import BuildOptions, build
from craftbook.errors import BuildError, CraftbookError, OutputRefused, ValidationFailed
from craftbook.library import load_library
from craftbook.pipeline import output_clashes, sync_tree
from craftbook.render import RenderOptions, render_site
from craftbook.text import is_local_path, link_is_safe, render_markdown

from tests.conftest import FIXTURES, ROOT

MINIMAL = FIXTURES / "minimal"
HOSTILE = FIXTURES / "hostile"
CLI = "from craftbook.cli import main; main()"


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file and folder under `folder` (hidden ones too): content hash and mtime."""
    result: dict[str, tuple[str, int]] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_dir():
            result[rel + "/"] = ("dir", 0)
        else:
            result[rel] = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
    return result


def leftovers(parent: Path, name: str) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(f".{name}."))


# ------------------------------------------------------------------ Markdown fields


@pytest.mark.parametrize(
    "src",
    [
        "https://evil.example/a.png",
        "//evil.example/a.png",
        "\\\\evil.example/a.png",
        "/\\evil.example/a.png",
        "&#x2F;&#x2F;evil.example/a.png",
        "https:evil.example/a.png",
        "/&#9;/evil.example/a.png",
        "&#10;//evil.example/a.png",
        "data:image/png;base64,iVBORw0KGgo=",
        "javascript:alert(1)",
    ],
)
def test_images_that_would_load_from_elsewhere_show_their_text(src: str) -> None:
    assert not is_local_path(src)
    html = str(render_markdown(f"![그림 설명]({src.replace(chr(92), chr(92) * 2)})"))  # Markdown-escape '\\'
    assert "<img" not in html
    assert "그림 설명" in html


@pytest.mark.parametrize("src", ["a.png", "../img/a.png", "/assets/a.png", "img/a.png?v=1:2", "#x"])
def test_images_from_this_site_are_kept(src: str) -> None:
    assert is_local_path(src)
    assert "<img" in str(render_markdown(f"![그림]({src})"))


@pytest.mark.parametrize(
    "source",
    [
        "[a](java&#x09;script:alert(1))",
        "[a](&#106;avascript:alert(1))",
        "[a](java&#10;script:alert(1))",
        "[a](javascript&colon;alert(1))",
        "[a](<javascript:alert(1)>)",
        "[a][r]\n\n[r]: javascript:alert(1)",
        "[a](data:text/html;base64,PHNjcmlwdD4=)",
        "[a](vbscript:msgbox(1))",
    ],
)
def test_obfuscated_script_links_lose_their_target(source: str) -> None:
    html = str(render_markdown(source))
    assert "href" not in html
    assert '<span class="cb-unsafe-link">a</span>' in html


def test_raw_html_in_a_markdown_field_is_text() -> None:
    source = (
        '<img src=x onerror=alert(1)>\n\n<div onclick="x()">d</div>\n\n'
        "<iframe src=//evil.example></iframe> <base href=//evil.example/> <!-- c -->"
    )
    html = str(render_markdown(source))
    assert re.search(r"<(img|div onclick|iframe|base)\b", html) is None
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;iframe src=//evil.example&gt;" in html


def test_placeholder_characters_cannot_smuggle_html_through_the_markdown_stash() -> None:
    """Python-Markdown keeps raw HTML as \\x02wzxhzdk:N\\x03 placeholders; authors cannot type them."""
    html = str(render_markdown("\x02wzxhzdk:0\x03 <b>x</b>"))
    assert "<b>" not in html and "\x02" not in html


def test_page_titles_and_descriptions_reach_material_as_html_text() -> None:
    """Material prints page.meta.title/description without escaping: the front matter must escape."""
    library = load_library(HOSTILE)
    pages = render_site(library, RenderOptions(today=dt.date(2026, 11, 20)))
    meta = yaml.safe_load(pages["playbooks/hostile-playbook.md"].split("---\n")[1])
    for value in (meta["title"], meta["description"]):
        assert "<" not in value and '"' not in value
    assert "&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;" in meta["title"]
    tag_page = next(p for p in pages if p.startswith("tags/scriptalert"))
    assert "태그: &lt;script&gt;" in pages[tag_page]


def test_link_targets_with_control_characters_are_refused() -> None:
    for url in ("\x01javascript:alert(1)", "java\u200bscript:alert(1)", "\u2028javascript:alert(1)"):
        assert not link_is_safe(url)


# ------------------------------------------------------------------ ids and output paths


@pytest.mark.parametrize("bad_id", ["../../etc/passwd", "a/b", "..", ".hidden", "A-B", "a b", "a--b", "x\\y", ""])
def test_ids_that_could_name_a_path_are_refused(tmp_path: Path, bad_id: str) -> None:
    (tmp_path / "lib").mkdir()
    text = f"kind: resource\nid: {bad_id!r}\ntitle: 제목\nsummary: 요약\n"
    (tmp_path / "lib" / "doc.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        load_library(tmp_path / "lib")
    assert [d.message.split(":")[0] for d in caught.value.diagnostics] == ["id"]
    assert caught.value.diagnostics[0].line == 2


def test_a_document_cannot_take_the_place_of_a_listing_page(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    shutil.copytree(MINIMAL, lib)
    path = lib / "resource.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("id: res-article", "id: index"), encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        load_library(lib)
    assert (
        "resource.yaml:2:5: error: id: 'index' is the name of each kind's listing page; "
        "choose another id, e.g. index-1" in caught.value.report()
    )


def test_the_build_refuses_a_reserved_id_too(tmp_path: Path) -> None:
    """The build validates through the serve cache, which must apply the same per-file rules."""
    lib = tmp_path / "lib"
    shutil.copytree(MINIMAL, lib)
    text = (lib / "resource.yaml").read_text(encoding="utf-8")
    (lib / "extra.yaml").write_text(text.replace("id: res-article", "id: index"), encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        build(BuildOptions(config_file=ROOT / "mkdocs.yml", out=tmp_path / "site", playbooks=lib))
    assert "extra.yaml:2:5: error: id: 'index' is the name of each kind's listing page" in caught.value.report()
    assert not (tmp_path / "site").exists()


def test_two_documents_with_one_id_name_both_files(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    shutil.copytree(MINIMAL, lib)
    (lib / "again").mkdir()
    shutil.copy(lib / "resource.yaml", lib / "again" / "copy.yaml")
    with pytest.raises(ValidationFailed) as caught:
        load_library(lib)
    lines = caught.value.report().splitlines()
    unique = "ids must be unique: choose another id for one of them"
    assert f"again/copy.yaml:2:5: error: id: 'res-article' is also used by resource.yaml:2:5; {unique}" in lines
    assert f"resource.yaml:2:5: error: id: 'res-article' is already used by again/copy.yaml:2:5; {unique}" in lines


@pytest.mark.parametrize("rel", ["../escape.md", "a/../../escape.md", "/tmp/escape-craftbook.md", "link/escape.md"])
def test_the_writer_refuses_paths_outside_the_output_folder(tmp_path: Path, rel: str) -> None:
    out = tmp_path / "out"
    outside = tmp_path / "outside"
    outside.mkdir()
    out.mkdir()
    (out / "link").symlink_to(outside, target_is_directory=True)
    before = snapshot(tmp_path)
    with pytest.raises(BuildError, match="refusing to write outside the output folder"):
        sync_tree(out, {"ok.md": b"fine", rel: b"escaped"})
    assert not Path("/tmp/escape-craftbook.md").exists()
    assert not (tmp_path / "escape.md").exists()
    assert list(outside.iterdir()) == []
    assert snapshot(tmp_path).keys() >= before.keys()


def test_outputs_that_land_on_one_file_are_reported() -> None:
    assert output_clashes(["playbooks/a.md", "playbooks/b.md", "feed.xml", "index.md"]) == []
    assert output_clashes(["playbooks/a.md", "playbooks/a/index.md"]) == [
        "playbooks/a.md and playbooks/a/index.md → playbooks/a/index.html"
    ]
    assert output_clashes(["tags/x/index.md", "tags/x/index.html"]) == [
        "tags/x/index.md and tags/x/index.html → tags/x/index.html"
    ]


def test_the_real_site_has_no_clashing_outputs(tmp_path: Path) -> None:
    pages = render_site(load_library(HOSTILE), RenderOptions(today=dt.date(2026, 11, 20)))
    assert output_clashes(pages) == []
    assert all(".." not in p.split("/") and not p.startswith("/") for p in pages)


# ------------------------------------------------------------------ nothing lost


@pytest.fixture(scope="module")
def previous_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site that built fine: every failed build after it must leave it byte for byte.

    Shared by the tests below: each one compares against its own snapshot taken first.
    """
    out = tmp_path_factory.mktemp("previous") / "site"
    return build(BuildOptions(config_file=ROOT / "mkdocs.yml", out=out, playbooks=MINIMAL))


def project_config(tmp_path: Path, *, theme: Path | None = None, templates: Path | None = None) -> Path:
    """The project's mkdocs.yml with absolute paths, and another theme folder or generator templates."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    swaps = [
        ("\ndocs_dir: docs\n", f"\ndocs_dir: {ROOT / 'docs'}\n"),
    ]
    if theme is not None:
        swaps.append(("\n  language: ko\n", f"\n  language: ko\n  custom_dir: {theme}\n"))
    if templates is not None:
        anchor = "\n      playbooks: playbooks\n"
        swaps.append((anchor, f"{anchor}      templates: [{templates}]\n"))
    for old, new in swaps:
        assert text.count(old) == 1, f"mkdocs.yml changed shape: {old!r}"
        text = text.replace(old, new)
    config = tmp_path / "mkdocs.yml"
    config.write_text(text, encoding="utf-8")
    return config


def test_bad_input_leaves_the_previous_site_untouched(tmp_path: Path, previous_site: Path) -> None:
    before = snapshot(previous_site)
    broken = tmp_path / "broken"
    shutil.copytree(MINIMAL, broken)
    (broken / "lesson.yaml").write_text("kind: lesson\nid: x\ntitle: [\n", encoding="utf-8")
    with pytest.raises(ValidationFailed):
        build(BuildOptions(config_file=ROOT / "mkdocs.yml", out=previous_site, playbooks=broken))
    assert snapshot(previous_site) == before
    assert leftovers(previous_site.parent, "site") == []


def test_a_template_that_raises_inside_mkdocs_leaves_the_previous_site(tmp_path: Path, previous_site: Path) -> None:
    """The theme fails halfway through writing pages into the staging folder."""
    before = snapshot(previous_site)
    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "main.html").write_text(
        '{% extends "base.html" %}{% block content %}'
        '{% if page.url.startswith("scripts/") %}{{ 1 // 0 }}{% endif %}{{ super() }}{% endblock %}',
        encoding="utf-8",
    )
    config = project_config(tmp_path, theme=theme)
    with pytest.raises(BuildError, match="unchanged"):
        build(BuildOptions(config_file=config, out=previous_site, playbooks=MINIMAL))
    assert snapshot(previous_site) == before
    assert leftovers(previous_site.parent, "site") == []


def test_a_generator_template_that_raises_leaves_the_previous_site(tmp_path: Path, previous_site: Path) -> None:
    before = snapshot(previous_site)
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "resource.md.j2").write_text("{{ no_such_variable }}\n", encoding="utf-8")
    config = project_config(tmp_path, templates=templates)
    with pytest.raises(CraftbookError, match="no_such_variable"):
        build(BuildOptions(config_file=config, out=previous_site, playbooks=MINIMAL))
    assert snapshot(previous_site) == before
    assert leftovers(previous_site.parent, "site") == []


_FULL_DISK = """
import resource, signal, sys
from pathlib import Path
from craftbook.errors import CraftbookError
from craftbook.build import BuildOptions, build
# Every write past 64 KiB fails with EFBIG, as a full disk fails with ENOSPC.
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))
try:
    build(BuildOptions(config_file=Path(sys.argv[1]), out=Path(sys.argv[2]), playbooks=Path(sys.argv[3])))
except CraftbookError as exc:
    print("refused:", exc.format_message())
    sys.exit(1)
print("built")
"""


def test_a_full_disk_leaves_the_previous_site_untouched(previous_site: Path) -> None:
    before = snapshot(previous_site)
    done = subprocess.run(
        [sys.executable, "-c", _FULL_DISK, str(ROOT / "mkdocs.yml"), str(previous_site), str(MINIMAL)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "File too large" in done.stdout
    assert f"{previous_site} is unchanged" in done.stdout
    assert snapshot(previous_site) == before
    assert leftovers(previous_site.parent, "site") == []


def test_a_killed_build_leaves_the_previous_site_untouched(previous_site: Path) -> None:
    before = snapshot(previous_site)
    process = subprocess.Popen(
        [sys.executable, "-c", CLI, "build", "--playbooks", str(HOSTILE), "--out", str(previous_site)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # Kill it once MkDocs has started writing the new site (theme files first, then pages)
    # into its staging folder.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if any(any(p.rglob("*.html")) for p in previous_site.parent.glob(".site.craftbook-staging-*")):
            break
        time.sleep(0.01)
    assert process.poll() is None, "the build ended before it could be interrupted"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert snapshot(previous_site) == before
    # What a killed build leaves is its own half-written staging folder, beside the site;
    # the next build removes it.
    assert list(previous_site.parent.glob(".site.craftbook-staging-*"))
    build(BuildOptions(config_file=ROOT / "mkdocs.yml", out=previous_site, playbooks=MINIMAL))
    assert leftovers(previous_site.parent, "site") == []


def test_an_out_that_is_a_file_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    """`--out` names a file: the new site cannot take its place, and the file stays as it was."""
    out = tmp_path / "site"
    out.write_bytes(b"not a folder\n")
    with pytest.raises(OutputRefused, match="a file of that name exists"):
        build(BuildOptions(config_file=ROOT / "mkdocs.yml", out=out, playbooks=MINIMAL))
    assert out.read_bytes() == b"not a folder\n"
    assert leftovers(tmp_path, "site") == []


def test_building_never_writes_into_the_library(tmp_path: Path) -> None:
    library = tmp_path / "playbooks"
    shutil.copytree(HOSTILE, library)
    before = snapshot(library)
    time.sleep(0.01)  # a rewrite, even of identical bytes, would then show in the mtimes
    build(BuildOptions(config_file=ROOT / "mkdocs.yml", out=tmp_path / "site", playbooks=library))
    from craftbook.commands import check_library

    check_library(library)
    assert snapshot(library) == before
    assert not (library / ".craftbook").exists()


@pytest.mark.parametrize(
    "text",
    [
        *("??? note", "???+ danger", "!!! danger", "~~~", '=== "탭"', "1. a", "- a", "> a", "# a", "| a |"),
        *("***", "{: .x }", "[^1]: a", "*[A]: b", "[x]: /y", "<!-- c -->", "&lt;b&gt;", "\\*"),
    ],
)
@pytest.mark.parametrize("line", ["1. {}", "- {}", "\n{}\n", "### {}", "| a | b |\n|---|---|\n| {} | x |", "**{}**"])
def test_plain_text_that_looks_like_block_syntax_stays_text(text: str, line: str) -> None:
    """Every context a template prints a plain value in, with the site's own Markdown settings."""
    from craftbook.text import escape_inline

    from tests.test_properties import inspect, page_html

    seen, dangers = inspect(page_html(line.format(escape_inline(text))))
    assert dangers == []
    assert text in seen
    assert "<details" not in page_html(line.format(escape_inline(text)))
