"""`craftbook init`: a new content repository that checks and builds with no further step."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from craftbook import __version__
from craftbook.cli import main
from craftbook.commands import check_library
from craftbook.models import KINDS
from craftbook.resources import SCHEMA, starter_library

from tests.conftest import ROOT

EXPECTED = [
    ".github/dependabot.yml",
    ".github/workflows/pages.yml",
    ".gitignore",
    ".vscode/craftbook.schema.json",
    ".vscode/extensions.json",
    ".vscode/settings.json",
    "README.md",
    "docs/.gitkeep",
    "mkdocs.yml",
    "requirements.txt",
]


def init(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["init", *args])
    return result.exit_code, result.output


def files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_init_writes_the_skeleton_and_one_valid_example_of_each_kind(tmp_path: Path) -> None:
    root = tmp_path / "한빛 센터"
    code, output = init(str(root), "--name", "한빛 센터: 교육팀 #1 & Q&A")
    assert code == 0, output
    written = files(root)
    assert [f for f in written if not f.startswith("playbooks/")] == EXPECTED
    examples = [f for f in written if f.startswith("playbooks/")]
    assert len(examples) == len(KINDS)
    library = check_library(root / "playbooks")
    assert library == f"ok: {len(KINDS)} documents valid\n{len(KINDS)} files read"
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    assert 'site_name: "한빛 센터: 교육팀 #1 & Q&A"' in config
    assert "  - craftbook:" in config
    assert (root / "requirements.txt").read_text(encoding="utf-8").strip().endswith(f"craftbook=={__version__}")
    assert (root / ".vscode/craftbook.schema.json").read_bytes() == SCHEMA.read_bytes()
    settings = json.loads((root / ".vscode/settings.json").read_text(encoding="utf-8"))
    assert settings["yaml.schemas"] == {
        "./.vscode/craftbook.schema.json": ["playbooks/**/*.yaml", "playbooks/**/*.yml"]
    }
    for example in examples:  # editors find the schema from the file itself too
        first = (root / example).read_text(encoding="utf-8").splitlines()[0]
        reference = first.removeprefix("# yaml-language-server: $schema=")
        assert ((root / example).parent / reference).resolve() == (root / ".vscode/craftbook.schema.json").resolve()
    assert f"created {EXPECTED[0]}" in output


def test_init_never_overwrites(tmp_path: Path) -> None:
    root = tmp_path / "site"
    root.mkdir()
    (root / "mkdocs.yml").write_text("site_name: mine\n", encoding="utf-8")
    (root / "README.md").write_text("내 README\n", encoding="utf-8")
    code, output = init(str(root))
    assert code == 0, output
    assert (root / "mkdocs.yml").read_text(encoding="utf-8") == "site_name: mine\n"
    assert (root / "README.md").read_text(encoding="utf-8") == "내 README\n"
    assert "kept mkdocs.yml (exists; not overwritten)" in output
    before = {f: (root / f).read_bytes() for f in files(root)}
    (root / "playbooks/lessons/example-lesson.yaml").write_text("kind: lesson\n", encoding="utf-8")
    code, output = init(str(root), "--starter")
    assert code == 0
    assert (root / "playbooks/lessons/example-lesson.yaml").read_text(encoding="utf-8") == "kind: lesson\n"
    assert all(
        (root / f).read_bytes() == data for f, data in before.items() if f != "playbooks/lessons/example-lesson.yaml"
    )


def test_init_starter_copies_the_whole_starter_library(tmp_path: Path) -> None:
    code, output = init(str(tmp_path / "s"), "--starter")
    assert code == 0, output
    library = starter_library()
    copied = files(tmp_path / "s" / "playbooks")
    assert copied == sorted(p.relative_to(library).as_posix() for p in library.rglob("*.yaml"))
    assert check_library(tmp_path / "s" / "playbooks") == check_library(library)


@pytest.mark.slow
def test_the_new_folder_builds_with_craftbook_and_with_plain_mkdocs(tmp_path: Path) -> None:
    root = tmp_path / "센터"
    init(str(root))
    result = CliRunner().invoke(main, ["build", "-f", str(root / "mkdocs.yml")])
    assert result.exit_code == 0, result.output
    assert (root / "site" / "scripts" / "example-script" / "index.html").is_file()
    assert (root / "site" / "guide" / "index.html").is_file()  # the shipped 작성 가이드
    assert (root / "site" / "assets" / "consult.js").is_file()
    plain = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(tmp_path / "plain")],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert plain.returncode == 0, plain.stderr
    assert (tmp_path / "plain" / "assets" / "search-ko.js").is_file()
    # What plain MkDocs built is a Craftbook site: craftbook build may replace it.
    again = CliRunner().invoke(main, ["build", "-f", str(root / "mkdocs.yml"), "--out", str(tmp_path / "plain")])
    assert again.exit_code == 0, again.output


@pytest.mark.parametrize("workflow", [ROOT / ".github/workflows/pages.yml", "init"])
def test_the_pages_workflow_passes_zizmor(tmp_path: Path, workflow: Path | str) -> None:
    """Actions pinned by commit hash, no persisted credentials, documented permissions."""
    if workflow == "init":
        init(str(tmp_path / "s"))
        workflow = tmp_path / "s" / ".github/workflows/pages.yml"
    # Beside this Python: CI runs .venv/bin/pytest without the venv on PATH.
    zizmor = shutil.which("zizmor") or shutil.which("zizmor", path=str(Path(sys.executable).parent))
    assert zizmor, "zizmor is a test dependency (pyproject.toml)"
    result = subprocess.run(
        [zizmor, "--offline", "--persona=auditor", "--no-progress", str(workflow)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr


def test_dependabot_keeps_the_pins_current() -> None:
    for config in (
        ROOT / ".github/dependabot.yml",
        ROOT / "generator/craftbook/starter/project/dot-github/dependabot.yml",
    ):
        ecosystems = {u["package-ecosystem"] for u in yaml.safe_load(config.read_text(encoding="utf-8"))["updates"]}
        assert {"github-actions", "pip"} <= ecosystems


@pytest.mark.parametrize("name", ["", "   ", 'He said "hi"', "<b>센터</b>", "한빛\n센터"])
def test_init_refuses_a_name_material_would_print_unescaped(tmp_path: Path, name: str) -> None:
    code, output = init(str(tmp_path / "s"), "--name", name)
    assert code == 2
    assert "Invalid value for --name" in output
    assert not (tmp_path / "s").exists()


def test_init_warns_when_a_kept_mkdocs_yml_lacks_the_plugin(tmp_path: Path) -> None:
    root = tmp_path / "내 센터 site"
    root.mkdir()
    (root / "mkdocs.yml").write_text("site_name: mine\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["init", str(root)])
    assert result.exit_code == 0
    assert "warning: the mkdocs.yml that was kept does not list the craftbook plugin" in result.output
    assert f"next: cd '{root}' && craftbook serve" in result.output
