"""Which files a library is: nothing read from outside the project, nothing skipped unseen.

Real folders, real symbolic links, a real pipe and a folder the process really cannot
read (as root, with the capabilities that bypass permissions dropped by setpriv).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from craftbook.cli import main

from tests.conftest import FIXTURES, ROOT

MINIMAL = FIXTURES / "minimal"
SECRET = "기밀-제목-빌드-서버"


def run(*args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output.splitlines()


def doc(doc_id: str, title: str = "링크로 읽은 자료") -> str:
    return f"kind: resource\nid: {doc_id}\ntitle: {title}\nsummary: 요약\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project (mkdocs.yml, docs/, playbooks/) and, beside it, a folder outside it."""
    root = tmp_path / "project"
    root.mkdir()
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(re.sub(r"(?m)^site_url: .*$", 'site_url: ""', config), encoding="utf-8")
    shutil.copytree(ROOT / "docs", root / "docs")
    shutil.copytree(MINIMAL, root / "playbooks")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text(doc("res-secret", SECRET), encoding="utf-8")
    return root


def test_links_that_stay_inside_the_project_are_followed(project: Path) -> None:
    shared = project / "shared"
    (shared / "more").mkdir(parents=True)
    (shared / "one.yaml").write_text(doc("res-linked-file"), encoding="utf-8")
    (shared / "more" / "two.yaml").write_text(doc("res-linked-folder"), encoding="utf-8")
    (project / "playbooks" / "linked.yaml").symlink_to("../shared/one.yaml")
    (project / "playbooks" / "folder").symlink_to(shared / "more", target_is_directory=True)
    code, lines = run("check", str(project / "playbooks"))
    assert (code, lines) == (0, ["ok: 9 documents valid", "9 files read"])


def test_a_link_that_leads_outside_the_project_is_refused_and_never_published(project: Path) -> None:
    """A pull request adds a link to a file of the build machine: check and build refuse
    it, located, and the text reaches no page, feed or search index."""
    lib = project / "playbooks"
    (lib / "leak.yaml").symlink_to(project.parent / "outside" / "secret.yaml")
    (lib / "leaks").symlink_to(project.parent / "outside", target_is_directory=True)
    code, lines = run("check", str(lib))
    outside = os.path.realpath(project.parent / "outside")
    refusal = (
        "a library reads only files of its project, so that a pull request cannot publish a file of the machine "
        "that builds the site: copy the file into the library instead of linking to it"
    )
    assert (code, lines) == (
        1,
        [
            f"leak.yaml:1:1: error: symbolic link to {outside}/secret.yaml, outside the project "
            f"({os.path.realpath(project)}); {refusal}",
            f"leaks/:1:1: error: symbolic link to {outside}, outside the project ({os.path.realpath(project)}); "
            f"{refusal}",
            "2 errors in 2 files",
            "7 files read",
        ],
    )
    site = project / "site"
    code, lines = run("build", "-f", str(project / "mkdocs.yml"))
    assert code == 1
    assert "leak.yaml:1:1: error: symbolic link to" in "\n".join(lines)
    assert not site.exists()
    for path in project.rglob("*"):
        if path.is_file() and not path.is_symlink() and path.suffix in (".md", ".html", ".json", ".xml"):
            assert SECRET not in path.read_text(encoding="utf-8", errors="replace"), path


def test_a_bare_folder_keeps_its_links_inside_itself(tmp_path: Path) -> None:
    """`check` on a folder no mkdocs.yml holds: the library is the whole boundary."""
    lib = tmp_path / "lib"
    shutil.copytree(MINIMAL, lib)
    (tmp_path / "beside.yaml").write_text(doc("res-beside"), encoding="utf-8")
    (lib / "beside.yaml").symlink_to(tmp_path / "beside.yaml")
    code, lines = run("check", str(lib))
    assert code == 1
    assert lines[0].startswith(f"beside.yaml:1:1: error: symbolic link to {os.path.realpath(tmp_path)}/beside.yaml, ")
    assert f"outside the library ({os.path.realpath(lib)})" in lines[0]


def test_broken_links_loops_and_second_ways_to_one_file_are_errors(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    shutil.copytree(MINIMAL, lib)
    (lib / "sub").mkdir()
    (lib / "gone.yaml").symlink_to(lib / "nowhere.yaml")
    (lib / "sub" / "loop").symlink_to("..", target_is_directory=True)
    (lib / "again").symlink_to("sub", target_is_directory=True)
    (lib / "twice.yaml").symlink_to("resource.yaml")
    code, lines = run("check", str(lib))
    assert (code, lines) == (
        1,
        [
            "again/:1:1: error: links to the folder sub/, which is read already; remove the link "
            "(each document is read once)",
            f"gone.yaml:1:1: error: broken symbolic link to {lib}/nowhere.yaml; fix the link or remove it",
            "sub/loop/:1:1: error: symbolic link loop: this folder leads back to ./, which holds it, "
            "so reading it would never end; remove the link",
            "twice.yaml:1:1: error: is the same file as resource.yaml (through a symbolic link), which is read "
            "already; remove the link (each document is read once)",
            "4 errors in 4 files",
            "7 files read",
        ],
    )


def test_every_file_is_read_or_reported_as_skipped(tmp_path: Path) -> None:
    """Upper-case suffixes are read; backups, hidden and other files are counted; a name
    meant for the library that is not read is a warning."""
    lib = tmp_path / "lib"
    shutil.copytree(MINIMAL, lib)
    text = (MINIMAL / "resource.yaml").read_text(encoding="utf-8")
    (lib / "NEW.YAML").write_text(text.replace("res-article", "res-upper"), encoding="utf-8")
    (lib / "notes.Yml").write_text(text.replace("res-article", "res-mixed"), encoding="utf-8")
    for name in ("resource.yaml~", ".resource.yaml.swp", "#lesson.yaml#", "old.yaml.bak", ".draft.yaml"):
        (lib / name).write_text("kind: [", encoding="utf-8")
    (lib / ".archive").mkdir()
    (lib / ".archive" / "x.yaml").write_text("kind: [", encoding="utf-8")
    (lib / "README.md").write_text("# 라이브러리\n", encoding="utf-8")
    (lib / "logo.png").write_bytes(b"\x89PNG")
    (lib / "script.yaml.txt").write_text("kind: [", encoding="utf-8")
    (lib / "edition.yaml ").write_text("kind: [", encoding="utf-8")
    (lib / "ideas.ymal").write_text("kind: [", encoding="utf-8")
    code, lines = run("check", str(lib))
    rename = "rename it to end in .yaml (or move it out of the library if it is not a document)"
    assert (code, lines) == (
        0,
        [
            "edition.yaml :1:1: warning: looks like a library file but is not read: its name ends in a space after "
            f"the suffix; {rename}",
            "ideas.ymal:1:1: warning: looks like a library file but is not read: only names that end in .yaml or "
            f".yml are read; {rename}",
            "script.yaml.txt:1:1: warning: looks like a library file but is not read: only names that end in .yaml "
            f"or .yml are read; {rename}",
            "ok: 9 documents valid, 3 warnings",
            "9 files read; skipped: 11 — editor backups: #lesson.yaml#, .resource.yaml.swp, old.yaml.bak and 1 more; "
            "hidden: .archive/, .draft.yaml; not YAML: README.md, logo.png; "
            "misnamed: edition.yaml , ideas.ymal, script.yaml.txt",
        ],
    )
    assert run("check", "--strict", str(lib))[0] == 1


def test_a_pipe_named_like_a_document_is_skipped_not_waited_on(tmp_path: Path) -> None:
    """Reading a FIFO would block check and build forever."""
    lib = tmp_path / "lib"
    shutil.copytree(MINIMAL, lib)
    os.mkfifo(lib / "pipe.yaml")
    code, lines = run("check", str(lib))
    assert (code, lines[0], lines[-1]) == (
        0,
        "pipe.yaml:1:1: warning: not a regular file (a pipe, socket or device), so it is not read; "
        "replace it with a plain file or remove it",
        "7 files read; skipped: 1 — not regular files: pipe.yaml",
    )


def test_odd_file_names_are_printed_safely(tmp_path: Path) -> None:
    """A name that is not UTF-8 or holds a line break cannot break the FILE:LINE:COL line
    or the terminal, and printing it cannot fail."""
    lib = tmp_path / "lib"
    lib.mkdir()
    broken = "kind: resource\nid: res-x\ntitle: [\n"
    (lib / "줄\n바꿈.yaml").write_text(broken, encoding="utf-8")
    os.close(os.open(os.fsencode(lib) + b"/latin-\xe9.yaml", os.O_CREAT | os.O_WRONLY, 0o644))
    Path(os.fsdecode(os.fsencode(lib) + b"/latin-\xe9.yaml")).write_text(broken, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "craftbook.cli", "check", str(lib)],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        timeout=60,
    )
    assert done.returncode == 1, done.stderr
    out = done.stdout.decode("utf-8") + done.stderr.decode("utf-8")
    assert "latin-\\xe9.yaml:4:1: error: invalid YAML" in out
    assert "줄\\n바꿈.yaml:4:1: error: invalid YAML" in out
    assert "Traceback" not in out


def _without_root_powers() -> list[str]:
    """A command prefix under which permissions apply: as root, drop the capabilities
    that bypass them (the process stays root, so it can still run the shared venv)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: permissions cannot apply")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search"]


def test_a_folder_that_cannot_be_read_is_an_error_not_an_empty_folder(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    shutil.copytree(MINIMAL, lib)
    (lib / "secret").mkdir()
    shutil.copy(MINIMAL / "resource.yaml", lib / "secret" / "copy.yaml")
    (lib / "secret").chmod(0)
    try:
        done = subprocess.run(
            [*_without_root_powers(), sys.executable, "-m", "craftbook.cli", "check", str(lib)],
            capture_output=True,
            text=True,
            timeout=60,
            env=os.environ,
        )
    finally:
        (lib / "secret").chmod(0o755)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stderr.splitlines() == [
        "secret/:1:1: error: cannot read this folder (Permission denied), so its files are not checked or published; "
        "give read access to it, or move it out of the library",
        "1 error in 1 file",
        "7 files read",
    ]
