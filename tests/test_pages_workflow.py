"""The GitHub Pages workflow builds with craftbook and deploys with the official actions.

A workflow cannot run here; these checks keep it consistent with the repository it
builds (the site_url variable mkdocs.yml reads, the output folder it uploads).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"


def _workflow() -> dict[Any, Any]:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def _steps(job: str) -> list[dict[str, Any]]:
    return _workflow()["jobs"][job]["steps"]


def test_runs_on_pushes_to_main() -> None:
    triggers = _workflow()[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"]


def test_builds_with_craftbook_and_uploads_that_folder() -> None:
    steps = _steps("build")
    build = next(s for s in steps if "craftbook build" in s.get("run", ""))
    out = re.search(r"craftbook build .*--out (\S+)", build["run"]).group(1)  # type: ignore[union-attr]
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == out
    assert "SOURCE_DATE_EPOCH" in build["run"]


def test_deploys_with_the_official_action_and_only_the_permissions_it_needs() -> None:
    workflow = _workflow()
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert workflow["permissions"] == {"contents": "read"}


def test_passes_the_pages_address_in_the_variable_mkdocs_yml_reads() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    variable = re.search(r"^site_url: !ENV \[(\w+),", config, re.MULTILINE)
    if variable is None:  # an organisation that wrote its address in (README, step 4)
        assert re.search(r"^site_url: https?://\S+/\s*(#.*)?$", config, re.MULTILINE), "site_url is neither"
        return
    build = next(s for s in _steps("build") if "craftbook build" in s.get("run", ""))
    assert variable.group(1) in build["env"]


STARTER_PROJECT = ROOT / "generator" / "craftbook" / "starter" / "project"
# This repository's workflow and mkdocs.yml, and the ones `craftbook init` writes.
PAIRS = [
    (WORKFLOW, ROOT / "mkdocs.yml"),
    (STARTER_PROJECT / "dot-github" / "workflows" / "pages.yml", STARTER_PROJECT / "mkdocs.yml"),
]


def _build_step(workflow: Path) -> dict[str, Any]:
    steps = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"]["build"]["steps"]
    return next(s for s in steps if "craftbook build" in s.get("run", ""))


@pytest.mark.parametrize(("workflow", "config"), PAIRS)
def test_every_build_sets_site_url_pull_requests_too(workflow: Path, config: Path) -> None:
    """Without site_url the 404 page loads its styles from / and shows unstyled under
    /<repo>/; a pull request is built (not deployed) with the default Pages address."""
    value = _build_step(workflow)["env"]["CRAFTBOOK_SITE_URL"]
    assert "steps.pages.outputs.base_url" in value
    assert not value.replace(" ", "").endswith("||''}}"), "pull requests would build without site_url"
    assert "format('https://{0}.github.io/{1}/', github.repository_owner, github.event.repository.name)" in value


@pytest.mark.parametrize(("workflow", "config"), PAIRS)
def test_passes_the_repository_address_for_the_edit_links(workflow: Path, config: Path) -> None:
    text = config.read_text(encoding="utf-8")
    variable = re.search(r"^repo_url: !ENV \[(\w+),", text, re.MULTILINE)
    assert variable is not None
    assert re.search(r"^edit_uri: edit/main/docs/", text, re.MULTILINE)  # the YAML links drop docs/
    assert "- content.action.edit" in text
    assert _build_step(workflow)["env"][variable.group(1)] == "${{ github.server_url }}/${{ github.repository }}"


@pytest.mark.parametrize("workflow", [pair[0] for pair in PAIRS])
def test_keeps_the_search_cache_between_builds(workflow: Path) -> None:
    """The build's .craftbook/cache (craftbook.search_cache, craftbook.parse_cache) is restored before the build
    and saved after it by actions/cache, pinned by commit; an edited library restores the
    newest cache of the same release (the restore key is the key without the library)."""
    text = workflow.read_text(encoding="utf-8")
    steps = yaml.safe_load(text)["jobs"]["build"]["steps"]
    cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache@"))
    assert re.search(r"uses: actions/cache@[0-9a-f]{40} # v\d+\.\d+\.\d+$", text, re.MULTILINE)
    assert cache["with"]["path"] == ".craftbook/cache"
    key, restore = cache["with"]["key"], cache["with"]["restore-keys"].strip()
    assert key.endswith("-${{ hashFiles('playbooks/**') }}")
    assert key.startswith(restore) and restore.endswith("-") and "playbooks" not in restore
    assert steps.index(cache) < steps.index(_build_step(workflow))
    # A cache a commit brings is deleted before the workflow's own is restored (SECURITY.md).
    forget = next(i for i, s in enumerate(steps) if s.get("run", "").strip() == "rm -rf .craftbook/cache")
    assert forget < steps.index(cache)
