"""The craftbook plugin's options in mkdocs.yml: typed, validated like documents."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from craftbook.build import BuildOptions, build
from craftbook.cli import main
from craftbook.errors import BuildError

from tests.conftest import FIXTURES


def project(tmp_path: Path, plugin: str, extra: str = "") -> Path:
    """A project whose mkdocs.yml lists the plugin with `plugin` as its options block."""
    (tmp_path / "docs").mkdir(exist_ok=True)
    (tmp_path / "playbooks").mkdir(exist_ok=True)
    (tmp_path / "mkdocs.yml").write_text(
        f"site_name: x\ntheme: material\nplugins:\n  - search\n  - craftbook:\n{plugin}{extra}", encoding="utf-8"
    )
    return tmp_path


def build_output(folder: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["build", "-f", str(folder / "mkdocs.yml")])
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            "      playbok: playbooks\n",
            "Plugin 'craftbook' option 'playbok': unknown key (did you mean 'playbooks'?); "
            "expected one of: playbooks, audience, drafts, templates, max_file_bytes, brand",
        ),
        (
            "      audience: memebers\n",
            "Plugin 'craftbook' option 'audience': expected one of 'public', 'members', got 'memebers' "
            "(did you mean 'members'?)",
        ),
        (
            "      templates: [overides]\n",
            "Plugin 'craftbook' option 'templates': The path '{root}/overides' isn't an existing directory; "
            "create it, or remove it from templates",
        ),
        (
            "      max_file_bytes: 0\n",
            "Plugin 'craftbook' option 'max_file_bytes': expected a number of bytes ≥ 1, got 0",
        ),
    ],
)
def test_a_wrong_option_is_an_error_naming_the_key(tmp_path: Path, options: str, message: str) -> None:
    folder = project(tmp_path, options)
    code, output = build_output(folder)
    assert code == 1
    assert message.format(root=folder.resolve()) in output
    assert "mkdocs.yml has configuration errors (listed above)" in output
    assert not (folder / "site").exists()


def test_the_old_extra_craftbook_section_says_where_its_options_went(tmp_path: Path) -> None:
    folder = project(tmp_path, "      playbooks: playbooks\n", "extra:\n  craftbook:\n    playbooks: x\n")
    with pytest.raises(BuildError, match=r"extra\.craftbook: these options moved to the plugin"):
        build(BuildOptions(config_file=folder / "mkdocs.yml"))


def test_a_config_without_the_plugin_says_how_to_add_it(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: x\ntheme: material\n", encoding="utf-8")
    with pytest.raises(BuildError, match=r"the craftbook plugin is not listed; add it after search"):
        build(BuildOptions(config_file=tmp_path / "mkdocs.yml"))


def test_the_plugin_options_reach_the_build(tmp_path: Path) -> None:
    folder = project(tmp_path, "      playbooks: library\n      drafts: true\n")
    library = tmp_path / "library"
    library.mkdir()
    for source in FIXTURES.joinpath("minimal").glob("*.yaml"):
        (library / source.name).write_bytes(source.read_bytes())
    site = build(BuildOptions(config_file=folder / "mkdocs.yml"))
    assert (site / "resources" / "res-article" / "index.html").is_file()


def test_strict_counts_craftbooks_own_warnings(tmp_path: Path) -> None:
    """An empty site_url makes the feeds link the local preview: a warning that --strict refuses."""
    folder = project(tmp_path, "      playbooks: playbooks\n")
    for source in FIXTURES.joinpath("minimal").glob("*.yaml"):
        (folder / "playbooks" / source.name).write_bytes(source.read_bytes())
    result = CliRunner().invoke(main, ["build", "-f", str(folder / "mkdocs.yml"), "--strict"])
    assert result.exit_code == 1
    assert "site_url is empty in mkdocs.yml" in result.output
    assert not (folder / "site").exists()
    relaxed = CliRunner().invoke(main, ["build", "-f", str(folder / "mkdocs.yml")])
    assert relaxed.exit_code == 0, relaxed.output


def _library(folder: Path, name: str = "playbooks") -> Path:
    library = folder / name
    library.mkdir(parents=True, exist_ok=True)
    for source in FIXTURES.joinpath("minimal").glob("*.yaml"):
        (library / source.name).write_bytes(source.read_bytes())
    return library


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ("      playbooks: playbok\n", "is not an existing folder (did you mean 'playbooks'?); create the library"),
        ("      playbooks: ''\n", "the library cannot be the project folder; use a folder such as playbooks"),
        (
            "      playbooks: docs/library\n",
            "MkDocs would publish the YAML files as they are, members-only documents too",
        ),
        ("      playbooks: playbooks\n", "a build empties its site folder first and would delete the library"),
    ],
)
def test_the_library_must_stand_apart_from_project_docs_and_site(tmp_path: Path, options: str, message: str) -> None:
    import subprocess
    import sys

    extra = "site_dir: playbooks\n" if "would delete" in message else ""
    folder = project(tmp_path, options, extra)
    _library(folder)
    _library(folder / "docs", "library")
    before = sorted(p.name for p in (folder / "playbooks").iterdir())
    # Plain `mkdocs build`, which empties its site folder first: the plugin stops it.
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q"], cwd=folder, capture_output=True, text=True, timeout=300
    )
    assert result.returncode != 0
    assert message in result.stderr
    assert sorted(p.name for p in (folder / "playbooks").iterdir()) == before


def test_a_library_linked_to_a_folder_outside_the_project_is_refused(tmp_path: Path) -> None:
    import os

    outside = _library(tmp_path, "elsewhere")
    (tmp_path / "site").mkdir()
    folder = project(tmp_path / "site", "      playbooks: playbooks\n")
    (folder / "playbooks").rmdir()
    os.symlink(outside, folder / "playbooks")
    with pytest.raises(BuildError, match=r"'playbooks' leads outside the project"):
        build(BuildOptions(config_file=folder / "mkdocs.yml"))
    assert not (folder / "site").exists()
