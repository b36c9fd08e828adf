"""이 문서 고치기: every document page links the YAML file it is made from, in the forge's
web editor (repo_url + edit_uri without the docs folder); hand-written pages keep MkDocs'
own edit link; other generated pages (listings, tracks, 검토 현황) link nothing, since
their Markdown is in no repository."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from craftbook import urls
from craftbook.build import BuildOptions, build
from craftbook.library import load_library

from tests.conftest import FIXTURES, ROOT, STARTER

pytestmark = pytest.mark.slow

REPO_URL = "https://github.com/example/craftbook"
EDIT = re.compile(r'<a href="([^"]+)"[^>]*rel="edit"')


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("edit-links") / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CRAFTBOOK_REPO_URL", REPO_URL)  # as .github/workflows/pages.yml does
        patch.setenv("CRAFTBOOK_SITE_URL", "https://example.github.io/craftbook/")
        return build(BuildOptions(config_file=ROOT / "mkdocs.yml", out=out, playbooks=STARTER))


def edit_links(site: Path, source: str) -> set[str]:
    return set(EDIT.findall((site / urls.built_file(source)).read_text(encoding="utf-8")))


def test_every_document_page_edits_its_yaml_file(site: Path) -> None:
    library = load_library(STARTER)
    assert len(library) >= 30
    for entry in library:
        yaml_file = entry.file.path.relative_to(ROOT).as_posix()  # playbooks/lessons/x.yaml
        assert yaml_file.startswith("playbooks/") and yaml_file.endswith(".yaml")
        expected = f"{REPO_URL}/edit/main/{yaml_file}"
        page = urls.doc_source(entry.doc.kind, entry.id)
        assert edit_links(site, page) == {expected}, page  # the header button and the text link
        html = (site / urls.built_file(page)).read_text(encoding="utf-8")
        assert 'title="이 문서 고치기 (YAML 파일)"' in html
        assert f"<code>{yaml_file}</code>" in html


def test_hand_written_pages_keep_mkdocs_own_edit_link_and_shipped_pages_have_none(tmp_path: Path) -> None:
    """docs/own.md is the organisation's: MkDocs' link edits it. 작성 가이드 and 구독 come
    from the package when docs/ has none of that name: nothing in the repository to edit."""
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "minimal", project / "playbooks")
    (project / "docs").mkdir()
    (project / "docs" / "own.md").write_text("# 우리 팀 안내\n\n본문\n", encoding="utf-8")
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CRAFTBOOK_REPO_URL", REPO_URL)
        site = build(BuildOptions(config_file=project / "mkdocs.yml", out=tmp_path / "site"))
    assert edit_links(site, "own.md") == {f"{REPO_URL}/edit/main/docs/own.md"}
    assert edit_links(site, "guide.md") == edit_links(site, "subscribe.md") == set()
    entry = next(iter(load_library(project / "playbooks")))
    page = urls.doc_source(entry.doc.kind, entry.id)
    assert edit_links(site, page) == {f"{REPO_URL}/edit/main/playbooks/{entry.file.name}"}


@pytest.mark.parametrize(
    "page",
    [urls.HOME, urls.REVIEW, urls.ROLES_OVERVIEW, urls.DOCUMENTS_OVERVIEW, "lessons/index.md", "roles/qa/index.md"],
)
def test_generated_pages_that_are_no_document_link_no_editor(site: Path, page: str) -> None:
    assert edit_links(site, page) == set()


def test_without_a_forge_there_is_no_edit_link(starter_site: Path) -> None:
    """A build without CRAFTBOOK_REPO_URL (a local preview) links no editor at all."""
    pages = list(starter_site.rglob("*.html"))
    assert len(pages) > 30
    assert [p for p in pages if 'rel="edit"' in p.read_text(encoding="utf-8")] == []


@pytest.mark.parametrize(
    ("repo_url", "edit_uri", "docs", "expected"),
    [
        ("https://github.com/o/r", "edit/main/docs/", "docs", "https://github.com/o/r/edit/main/"),
        ("https://github.com/o/r/", "/edit/main/docs", "docs", "https://github.com/o/r/edit/main/"),
        ("https://gitlab.com/o/r", "-/edit/main/site/docs/", "site/docs", "https://gitlab.com/o/r/-/edit/main/"),
        ("https://x.org/o/r", "https://x.org/o/r/_edit/docs/", "docs", "https://x.org/o/r/_edit/"),
        ("", "edit/main/docs/", "docs", None),  # no forge
        ("https://github.com/o/r", "edit/main/", "docs", None),  # edit_uri does not name the docs folder
    ],
)
def test_the_repository_edit_base_drops_the_docs_folder(
    repo_url: str, edit_uri: str, docs: str, expected: str | None
) -> None:
    assert urls.repository_edit_base(repo_url, edit_uri, docs) == expected


def test_an_odd_file_name_is_quoted_in_the_edit_link() -> None:
    base = "https://github.com/o/r/edit/main/"
    assert (
        urls.edit_url(base, "playbooks/새 폴더/a#b.yaml")
        == base + "playbooks/%EC%83%88%20%ED%8F%B4%EB%8D%94/a%23b.yaml"
    )


def test_a_library_outside_the_project_gets_no_edit_link(build_site: Callable[..., Path], tmp_path: Path) -> None:
    library = tmp_path / "elsewhere"
    (library).mkdir()
    (library / "r.yaml").write_text("kind: resource\nid: res-x\ntitle: 밖\nsummary: s\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CRAFTBOOK_REPO_URL", REPO_URL)
        site = build_site(library)
    assert edit_links(site, "resources/res-x.md") == set()
