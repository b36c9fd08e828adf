"""The output folder: never one that is not Craftbook's, never a moment without a site,
nothing left behind by a build that was stopped.

Every refusal through the real CLI (exit 2, the folder and its files unchanged); swaps
interrupted for real (a process killed by SIGKILL at the instant in question, through
a fault hook in a child process); SIGINT and SIGTERM during a real build.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from craftbook.build import BuildOptions, build
from craftbook.cli import main
from craftbook.errors import ValidationFailed
from craftbook.outdir import GENERATED_MARKER, SITE_MARKER

from tests.conftest import FIXTURES, ROOT
from tests.test_hardening import snapshot

MINIMAL = FIXTURES / "minimal"
HOSTILE = FIXTURES / "hostile"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project as a fork has it: mkdocs.yml, docs/, playbooks/, a .git folder."""
    root = tmp_path / "project"
    root.mkdir()
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(re.sub(r"(?m)^site_url: .*$", 'site_url: "https://example.org/"', config))
    shutil.copytree(ROOT / "docs", root / "docs")
    shutil.copytree(MINIMAL, root / "playbooks")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    return root


def cli(project: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, [args[0], "-f", str(project / "mkdocs.yml"), *args[1:]])
    return result.exit_code, result.output


def refusals(project: Path) -> list[tuple[Path, str]]:
    """(--out, what the message must say) for every folder that is not the build's to replace."""
    real = project.resolve()
    other = project.parent / "other-project"
    (other / "nested").mkdir(parents=True)
    (other / "mkdocs.yml").write_text("site_name: x\n")
    checkout = project.parent / "checkout"
    (checkout / ".git").mkdir(parents=True)
    notes = project.parent / "notes"
    notes.mkdir()
    (notes / "memo.txt").write_text("손으로 쓴 메모\n", encoding="utf-8")
    afile = project.parent / "a-file"
    afile.write_text("파일\n", encoding="utf-8")
    return [
        (project / "playbooks", f"--out {real / 'playbooks'}: that is the library; building there would delete it"),
        (project / "docs", f"--out {real / 'docs'}: that is the docs folder; building there would delete it"),
        (project, f"--out {real}: that is the project; building there would delete it"),
        (project.parent, f"--out {real.parent}: it contains the project ({real}); building there would delete it"),
        (project / "playbooks" / "site", f"it lies inside the library ({real / 'playbooks'})"),
        (project / "docs" / "site", f"it lies inside the docs folder ({real / 'docs'})"),
        # Craftbook's own caches: a site there would replace them, and every build be cold.
        (project / ".craftbook", f"--out {real / '.craftbook'}: that is Craftbook's working folder (its caches)"),
        (
            project / ".craftbook" / "cache",
            f"it lies inside Craftbook's working folder (its caches) ({real / '.craftbook'})",
        ),
        (other, "it holds mkdocs.yml, so it is a project, not a build; choose another folder"),
        (checkout, "it holds .git, so it is a project, not a build; choose another folder"),
        (notes, "the folder is not empty and was not written by Craftbook (no {marker} inside)"),
        (afile, f"Directory '{afile}' is a file"),  # click's own check of --out
    ]


@pytest.mark.parametrize("command", ["build", "generate"])
def test_every_out_that_is_not_a_build_is_refused_and_left_as_it_was(project: Path, command: str) -> None:
    marker = SITE_MARKER if command == "build" else GENERATED_MARKER
    cases = refusals(project)
    before = snapshot(project.parent)
    for out, says in cases:
        code, output = cli(project, command, "--out", str(out))
        assert code == 2, (out, output)
        assert "Error: " in output, output
        assert says.format(marker=marker) in output, (out, output)
        assert snapshot(project.parent) == before, out
    assert not (project / ".craftbook").exists()  # refused before anything was made


def test_a_build_folder_is_not_a_generate_folder_and_back(project: Path) -> None:
    """Each command replaces only what it wrote itself: the other's output is not empty."""
    assert cli(project, "build", "--out", str(project / "site"))[0] == 0
    assert cli(project, "generate", "--out", str(project / "md"))[0] == 0
    before = snapshot(project)
    code, output = cli(project, "generate", "--out", str(project / "site"))
    assert (code, f"(no {GENERATED_MARKER} inside)" in output) == (2, True)
    code, output = cli(project, "build", "--out", str(project / "md"))
    assert (code, f"(no {SITE_MARKER} inside)" in output) == (2, True)
    assert snapshot(project) == before


def test_the_default_site_folder_is_replaced_and_keeps_its_permissions(project: Path) -> None:
    umask = os.umask(0o022)
    try:
        assert cli(project, "build")[0] == 0
        site = project / "site"
        assert stat.S_IMODE(site.stat().st_mode) == 0o755  # not mkdtemp's 0700: a web server must read it
        site.chmod(0o750)
        (project / "playbooks" / "resource.yaml").write_text(
            (MINIMAL / "resource.yaml").read_text(encoding="utf-8").replace("포상하기 대신 인정하기", "다시 빌드"),
            encoding="utf-8",
        )
        assert cli(project, "build")[0] == 0
        assert stat.S_IMODE(site.stat().st_mode) == 0o750
        assert "다시 빌드" in (site / "resources" / "res-article" / "index.html").read_text(encoding="utf-8")
        assert sorted(p.name for p in project.iterdir() if "craftbook" in p.name or p.name.startswith(".site")) == [
            ".craftbook"
        ]
        assert list((project / ".craftbook").glob("build-*")) == []
    finally:
        os.umask(umask)


# ---------------------------------------------------------------- interrupted swaps

# Builds `lib` into `out` and SIGKILLs itself at one instant of the swap: "before" the
# exchange, "after" it (before the old site is removed), or, on a file system without
# an atomic exchange, "between" the two renames that stand in for it.
_KILLED_SWAP = """
import os, signal, sys
from pathlib import Path
from craftbook import outdir
from craftbook.build import BuildOptions, build
config, out, lib, when = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
exchange = outdir._exchange
def die():
    os.kill(os.getpid(), signal.SIGKILL)
def hooked(a, b):
    if when == "before":
        die()
    if when == "between":
        return False
    done = exchange(a, b)
    die()
    return done
outdir._exchange = hooked
rename = Path.rename
def renamed(self, target):
    result = rename(self, target)
    if when == "between" and str(target).endswith("-old"):
        die()
    return result
Path.rename = renamed
build(BuildOptions(config_file=config, out=out, playbooks=lib))
"""


def killed_build(project: Path, out: Path, library: Path, when: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _KILLED_SWAP, str(project / "mkdocs.yml"), str(out), str(library), when],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == -signal.SIGKILL, done.stdout + done.stderr


def page(site: Path) -> str:
    return (site / "resources" / "res-article" / "index.html").read_text(encoding="utf-8")


@pytest.fixture
def changed_library(tmp_path: Path) -> Path:
    lib = tmp_path / "changed"
    shutil.copytree(MINIMAL, lib)
    (lib / "resource.yaml").write_text(
        (MINIMAL / "resource.yaml").read_text(encoding="utf-8").replace("포상하기 대신 인정하기", "새 사이트의 제목"),
        encoding="utf-8",
    )
    return lib


def test_killed_just_before_the_swap_the_old_site_is_whole(project: Path, changed_library: Path) -> None:
    out = project / "site"
    build(BuildOptions(config_file=project / "mkdocs.yml", out=out))
    before = snapshot(out)
    killed_build(project, out, changed_library, "before")
    assert snapshot(out) == before
    build(BuildOptions(config_file=project / "mkdocs.yml", out=out, playbooks=changed_library))
    assert "새 사이트의 제목" in page(out)
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".site")) == []


def test_killed_just_after_the_swap_the_new_site_is_whole(project: Path, changed_library: Path) -> None:
    out = project / "site"
    build(BuildOptions(config_file=project / "mkdocs.yml", out=out))
    killed_build(project, out, changed_library, "after")
    assert "새 사이트의 제목" in page(out) and (out / SITE_MARKER).is_file()
    assert (out / "sitemap.xml").is_file() and (out / "search" / "search_index.json").is_file()
    # The old site waits beside it under the staging name; the next run removes it.
    [left] = [p for p in project.iterdir() if p.name.startswith(".site.craftbook-staging-")]
    assert "포상하기 대신 인정하기" in page(left)
    with pytest.raises(ValidationFailed):
        build(BuildOptions(config_file=project / "mkdocs.yml", out=out, playbooks=FIXTURES / "invalid"))
    assert not left.exists()


def test_killed_between_the_two_renames_the_next_run_puts_the_site_back(project: Path, changed_library: Path) -> None:
    """Where the file system cannot exchange two folders at once, the swap is two renames:
    killed between them the site is missing, and the next run (even a failing one) restores
    it before anything else."""
    out = project / "site"
    build(BuildOptions(config_file=project / "mkdocs.yml", out=out))
    before = snapshot(out)
    killed_build(project, out, changed_library, "between")
    assert not out.exists()
    with pytest.raises(ValidationFailed):
        build(BuildOptions(config_file=project / "mkdocs.yml", out=out, playbooks=FIXTURES / "invalid"))
    assert snapshot(out) == before
    assert [p.name for p in project.iterdir() if p.name.startswith(".site")] == []


def test_a_reader_finds_a_whole_site_at_every_instant_of_a_swap(project: Path, changed_library: Path) -> None:
    """A web server serving `out` while builds replace it: every look finds the marker
    and the home page, before, during and after each swap."""
    out = project / "site"
    build(BuildOptions(config_file=project / "mkdocs.yml", out=out))
    misses: list[str] = []
    looks = 0
    stop = threading.Event()

    def look() -> None:
        nonlocal looks
        while not stop.is_set():
            looks += 1
            try:
                (out / SITE_MARKER).read_bytes()
                (out / "index.html").read_bytes()
            except OSError as exc:
                misses.append(str(exc))

    reader = threading.Thread(target=look)
    reader.start()
    try:
        for library in (changed_library, MINIMAL, changed_library):
            build(BuildOptions(config_file=project / "mkdocs.yml", out=out, playbooks=library))
    finally:
        stop.set()
        reader.join()
    assert looks > 100 and misses == []


# ---------------------------------------------------------------- stopped builds


def _wait_for_pages(parent: Path, process: subprocess.Popen[bytes]) -> None:
    """Until MkDocs writes pages into a staging folder (the build is well under way)."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and process.poll() is None:
        if any(any(p.rglob("*.html")) for p in parent.glob(".site.craftbook-staging-*")):
            return
        time.sleep(0.01)
    raise AssertionError("the build ended before it could be stopped")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_stopped_build_cleans_up_after_itself(project: Path, sig: signal.Signals) -> None:
    """Ctrl+C or a cancelled CI job: the previous site stays, and neither the staging
    folder beside it nor the generated Markdown under .craftbook/ is left behind."""
    out = project / "site"
    build(BuildOptions(config_file=project / "mkdocs.yml", out=out))
    before = snapshot(out)
    shutil.rmtree(project / "playbooks")
    shutil.copytree(HOSTILE, project / "playbooks")
    process = subprocess.Popen(
        [sys.executable, "-m", "craftbook.cli", "build", "-f", str(project / "mkdocs.yml")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _wait_for_pages(project, process)
    process.send_signal(sig)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 1, err
    assert b"Aborted!" in err
    assert snapshot(out) == before
    assert [p.name for p in project.iterdir() if p.name.startswith(".site")] == []
    assert list((project / ".craftbook").glob("build-*")) == []


def test_a_killed_build_leaves_folders_the_next_build_removes(project: Path) -> None:
    """SIGKILL runs no cleanup: what it leaves is found by the next build, and only what
    no running build holds is removed."""
    out = project / "site"
    shutil.rmtree(project / "playbooks")
    shutil.copytree(HOSTILE, project / "playbooks")
    process = subprocess.Popen(
        [sys.executable, "-m", "craftbook.cli", "build", "-f", str(project / "mkdocs.yml")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait_for_pages(project, process)
    process.kill()
    process.wait()
    assert list(project.glob(".site.craftbook-staging-*"))
    # Builds keep the generated Markdown in memory now; earlier versions wrote it under
    # .craftbook/build-…, and a killed one's folder is removed all the same.
    (project / ".craftbook" / "build-left-by-0.x" / "scripts").mkdir(parents=True)
    (project / ".craftbook" / "build-left-by-0.x" / "scripts" / "a.md").write_text("# a\n")
    build(BuildOptions(config_file=project / "mkdocs.yml", out=out))
    assert [p.name for p in project.iterdir() if p.name.startswith(".site")] == []
    assert list((project / ".craftbook").glob("build-*")) == []


def test_generate_again_says_how_many_files_changed_since_the_last_run(project: Path) -> None:
    """generate replaces its folder whole; the count it prints is against the last run's
    folder, so an unchanged library says 0 (it said every file)."""
    out = project / "md"
    code, first = cli(project, "generate", "--out", str(out))
    total = int(re.search(r"(\d+) files in", first).group(1))  # type: ignore[union-attr]
    assert code == 0 and f"({total} changed)" in first
    code, again = cli(project, "generate", "--out", str(out))
    assert code == 0 and f"{total} files in" in again and "(0 changed)" in again
    script = sorted((project / "playbooks").rglob("*.yaml"))[0]
    script.write_text(script.read_text(encoding="utf-8").replace("title: ", "title: 고친 ", 1), encoding="utf-8")
    code, edited = cli(project, "generate", "--out", str(out))
    changed = int(re.search(r"\((\d+) changed\)", edited).group(1))  # type: ignore[union-attr]
    assert code == 0 and 0 < changed < total
    # A removed document: its page is gone, which is a change too.
    before = {p for p in out.rglob("*") if p.is_file()}
    script.unlink()
    code, removed = cli(project, "generate", "--out", str(out))
    after = {p for p in out.rglob("*") if p.is_file()}
    gone = len(before - after)
    differ = int(re.search(r"\((\d+) changed\)", removed).group(1))  # type: ignore[union-attr]
    assert code == 0 and gone >= 1 and differ >= gone + 1
