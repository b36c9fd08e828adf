"""Live preview (issue 17): after edits in `craftbook serve`, what is served equals a full
build of the same library, byte for byte, though most edits rebuild only a few files.

The builds are `craftbook serve`'s own (`craftbook.serve.SiteBuilds`: MkDocs, the plugin,
the generator, the search step), without the HTTP server; test_serve.py covers that.
"""

from __future__ import annotations

import gzip
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from craftbook import incremental
from craftbook.config import Overrides, overridden
from craftbook.preview import Preview
from craftbook.serve import SiteBuilds
from mkdocs.config import load_config

ROOT = Path(__file__).resolve().parent.parent
SERVE_URL = "http://127.0.0.1:8000/"


class Served:
    """One `craftbook serve` session's builds, in a project of its own."""

    def __init__(self, project: Path, name: str) -> None:
        self.project = project
        self.work = project / ".craftbook" / name
        self.site = self.work / "site"
        self.site.mkdir(parents=True)
        self.generated = self.work / "generated"
        self.builds = SiteBuilds(self.config, self.site, self.work, SERVE_URL)

    def config(self) -> object:
        return load_config(str(self.project / "mkdocs.yml"), site_dir=str(self.site))

    def build(self) -> None:
        with overridden(Overrides(generated_dir=self.generated)):
            self.builds.build()


def _files(folder: Path) -> dict[str, bytes]:
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            # gzip stamps the time it compressed; what it holds is what counts.
            found[path.relative_to(folder).as_posix()] = gzip.decompress(data) if path.suffix == ".gz" else data
    return found


@pytest.fixture
def project(tmp_path: Path) -> Path:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(re.sub(r"(?m)^site_url: .*$", 'site_url: ""', config), encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "team.md").write_text("# 우리 팀\n\n교육팀이 쓰는 쪽입니다.\n", encoding="utf-8")
    shutil.copytree(ROOT / "playbooks", tmp_path / "playbooks")
    return tmp_path


@pytest.fixture
def served(project: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    # The generator's cache lives as long as the process, as in `craftbook serve`.
    monkeypatch.setattr(incremental, "CACHE", incremental.Cache())
    session = Served(project, "serve")
    session.build()
    assert session.builds.problems is None
    yield session
    session.builds.close()  # as serve does when it stops: no preload left to fire later


def _full_build(project: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> dict[str, bytes]:
    """A from-scratch build of the project as it is now, by a second serve session."""
    with monkeypatch.context() as m:
        m.setattr(incremental, "CACHE", incremental.Cache())
        fresh = Served(project, name)
        fresh.build()
        assert fresh.builds.problems is None
        assert fresh.builds.moved is None  # a first build is whole
        return _files(fresh.site)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _same(served: Served, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    expected = _full_build(served.project, monkeypatch, name)
    actual = _files(served.site)
    assert sorted(actual) == sorted(expected)
    differ = [rel for rel in expected if actual[rel] != expected[rel]]
    assert differ == []


def test_edits_rebuild_only_what_changed_and_the_site_equals_a_full_build(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    books = served.project / "playbooks"
    lesson = next(books.rglob("lesson-proposal-and-alternatives.yaml"))
    every = len(_files(served.site))

    # A document's title: its page, listings, backlinks, feeds and the search index.
    _edit(lesson, "title: ", "title: 고쳐 쓴 ")
    served.build()
    moved = served.builds.moved
    assert moved is not None and 0 < len(moved) < every / 4, moved
    assert "lessons/lesson-proposal-and-alternatives/index.html" in moved
    assert "search/search_index.json" in moved
    # A glossary term's definition: the tooltips of every page that uses it.
    glossary = next(p for p in books.rglob("*.yaml") if "kind: glossary" in p.read_text(encoding="utf-8"))
    _edit(glossary, "definition: ", "definition: (고침) ")
    served.build()
    assert served.builds.moved is not None
    # A hand-written page of docs/.
    _edit(served.project / "docs" / "team.md", "교육팀이", "교육팀과 QA팀이")
    served.build()
    assert served.builds.moved is not None and "team/index.html" in served.builds.moved
    _same(served, monkeypatch, "full-1")

    index = (served.site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "고쳐 쓴" in index and "교육팀과 QA팀이" in index


def test_a_failed_build_keeps_the_site_and_its_changes_come_with_the_next(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    books = served.project / "playbooks"
    lesson = next(books.rglob("lesson-proposal-and-alternatives.yaml"))
    before = _files(served.site)
    _edit(lesson, "title: ", "title: 첫 고침 ")
    other = next(books.rglob("res-recognition-over-rewards-2021.yaml"))
    _edit(other, "kind: ", "kind: lesso")  # the whole build fails on this one
    served.build()
    assert served.builds.problems is not None
    assert _files(served.site) == before
    _edit(other, "kind: lesso", "kind: ")
    served.build()
    assert served.builds.problems is None
    assert served.builds.moved is not None  # the fix alone: still partial
    assert "첫 고침" in (served.site / "lessons" / "lesson-proposal-and-alternatives" / "index.html").read_text(
        encoding="utf-8"
    )
    _same(served, monkeypatch, "full-2")


def test_what_every_page_shows_makes_a_full_build(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    books = served.project / "playbooks"
    # A new document: the set of pages changes (sitemap, listings, navigation targets).
    source = next(books.rglob("lesson-proposal-and-alternatives.yaml"))
    copy = source.with_name("lesson-copy.yaml")
    text = source.read_text(encoding="utf-8")
    copy.write_text(text.replace("id: lesson-proposal-and-alternatives", "id: lesson-copy"), encoding="utf-8")
    served.build()
    assert served.builds.problems is None
    moved = served.builds.moved
    assert moved is not None and "lessons/lesson-copy/index.html" in moved  # a new page: still partial
    _same(served, monkeypatch, "full-3a")
    # mkdocs.yml
    config = served.project / "mkdocs.yml"
    _edit(config, "site_description: ", "site_description: 미리 보기 ")
    served.build()
    assert served.builds.moved is None
    # A page the navigation shows, whose title comes from its heading, gets a new title.
    _edit(config, "validation:", "nav:\n  - index.md\n  - team.md\n\nvalidation:")
    served.build()
    assert served.builds.moved is None
    _edit(served.project / "docs" / "team.md", "# 우리 팀", "# 우리 교육팀")
    served.build()
    assert served.builds.problems is None
    assert served.builds.moved is None  # started partial, found the new title, built it all
    _same(served, monkeypatch, "full-3")
    # Removing the new document again: its page and its entries in search go.
    copy.unlink()
    served.build()
    assert served.builds.moved is not None and "lessons/lesson-copy/index.html" in served.builds.moved
    assert not (served.site / "lessons" / "lesson-copy").exists()
    assert "lesson-copy" not in (served.site / "search" / "search_index.json").read_text(encoding="utf-8")
    _same(served, monkeypatch, "full-4")


def test_the_search_index_keeps_page_order_and_drops_a_page_without_entries() -> None:
    state = Preview()
    state.start(_stamp(), {}, [])
    state.order = []
    assert state.next is not None
    state.next.order = ["", "a/", "b/"]
    first = {
        "config": {},
        "docs": [{"location": "", "title": "홈"}, {"location": "a/", "title": "A"}, {"location": "b/", "title": "B"}],
    }
    state.merge_index(first, {"": None, "a/": None, "b/": None})
    state.commit()
    state.start(_stamp(), {}, ["a.md"])
    assert state.partial and state.rebuild == {"a.md"}
    state.next.order = ["", "a/", "b/"]
    merged = state.merge_index(
        {"config": {}, "docs": [{"location": "a/", "title": "A2"}, {"location": "a/#x", "title": "X"}]},
        {"a/": None},
    )
    assert [d["title"] for d in merged["docs"]] == ["홈", "A2", "X", "B"]
    state.commit()
    state.start(_stamp(), {}, ["b.md"])
    state.next.order = ["", "a/", "b/"]
    merged = state.merge_index({"config": {}, "docs": []}, {"b/": None})  # b/ now excluded from search
    assert [d["title"] for d in merged["docs"]] == ["홈", "A2", "X"]


def _stamp() -> object:
    from craftbook.preview import Stamp

    return Stamp(config=b"", folders=(), sources=frozenset(), filters="", today="2026-11-30")


def test_a_moved_yaml_file_rebuilds_its_pages_edit_link(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Markdown of a document whose file moved is the same, but its page links the
    file to edit (이 문서 고치기)."""
    monkeypatch.setenv("CRAFTBOOK_REPO_URL", "https://github.com/hanbit/playbooks")
    monkeypatch.setattr(incremental, "CACHE", incremental.Cache())
    served = Served(project, "serve")
    served.build()
    source = next((project / "playbooks").rglob("lesson-proposal-and-alternatives.yaml"))
    page = served.site / "lessons" / "lesson-proposal-and-alternatives" / "index.html"
    assert source.relative_to(project).as_posix() in page.read_text(encoding="utf-8")
    target = source.parent / "archive" / "proposal-renamed.yaml"
    target.parent.mkdir()
    source.rename(target)
    served.build()
    assert served.builds.problems is None
    assert served.builds.moved is not None  # partial
    html = page.read_text(encoding="utf-8")
    assert target.relative_to(project).as_posix() in html
    assert source.relative_to(project).as_posix() not in html
    _same(served, monkeypatch, "full-5")


def test_the_plugin_instance_mkdocs_keeps_carries_no_serve_state_into_the_next_build(served: Served) -> None:
    """MkDocs keeps one instance of a plugin with startup/shutdown events per process:
    a `craftbook build` after a serve session must not build partially."""
    plugin = load_config(str(served.project / "mkdocs.yml")).plugins["craftbook"]
    assert plugin is served.config().plugins["craftbook"]  # the same instance, as MkDocs keeps it
    assert plugin.preview is None


def test_a_new_tag_and_its_last_use_gone_stay_partial(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    """A tag nobody used before brings a tag page and a feed; when its last use goes,
    they go: both without building every page."""
    lesson = next((served.project / "playbooks").rglob("lesson-proposal-and-alternatives.yaml"))
    original = lesson.read_text(encoding="utf-8")
    assert "\ntags: [" in original
    lesson.write_text(original.replace("\ntags: [", "\ntags: [처음보는태그, ", 1), encoding="utf-8")
    served.build()
    moved = served.builds.moved
    assert moved is not None
    pages = [p for p in moved if p.startswith("tags/") and p.endswith("/index.html") and p != "tags/index.html"]
    assert pages, moved
    _same(served, monkeypatch, "full-6")
    lesson.write_text(original, encoding="utf-8")
    served.build()
    assert served.builds.moved is not None
    assert not (served.site / pages[0]).exists()
    _same(served, monkeypatch, "full-7")


def test_serve_after_a_build_in_the_same_process_keeps_its_pages_on_disk(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`craftbook build` keeps the generated Markdown in memory; MkDocs keeps the plugin
    instance that did so for the whole process, and serve's builds after it must still
    write their pages (craftbook.preview compares them) and build partially."""
    from craftbook.build import BuildOptions, build

    monkeypatch.setattr(incremental, "CACHE", incremental.Cache())
    build(BuildOptions(config_file=project / "mkdocs.yml", out=project / "site"))
    assert not (project / ".craftbook" / "generated").exists()
    assert list((project / ".craftbook").glob("build-*")) == []
    session = Served(project, "serve")
    session.build()
    assert session.builds.problems is None
    assert any(session.generated.rglob("*.md"))
    lesson = next((project / "playbooks").rglob("lesson-proposal-and-alternatives.yaml"))
    _edit(lesson, "title: ", "title: 고쳐 쓴 ")
    session.build()
    assert session.builds.problems is None and session.builds.moved


def test_new_words_reach_the_search_cache_between_builds_not_during_them(served: Served) -> None:
    """A partial build that needed Kiwi for a new word leaves writing the cache for later
    (serve runs `between_builds` a moment after each build), so the preview does not wait
    for it; the word is kept all the same."""
    cache = served.project / ".craftbook" / "cache" / "search.json"
    word = "휘뚜루마뚜루상담법"
    lesson = next((served.project / "playbooks").rglob("lesson-proposal-and-alternatives.yaml"))
    _edit(lesson, "title: ", f"title: {word} ")
    served.build()
    assert served.builds.problems is None and served.builds.moved
    assert word not in cache.read_text(encoding="utf-8")
    served.builds.between_builds()
    assert word in cache.read_text(encoding="utf-8")


def test_kiwi_is_loaded_between_builds_so_the_first_new_word_does_not_wait_for_it(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first save with a word no build has seen used to wait 2.5 s for Kiwi's model:
    serve loads it (and analyses a word: Kiwi loads the rest then) a few seconds after
    its first good build, once."""
    from craftbook import search, serve

    monkeypatch.setattr(serve, "PRELOAD_AFTER", 0.05)
    analysed: list[list[str]] = []
    original = search.kiwi_analyser
    monkeypatch.setattr(search, "kiwi_analyser", lambda words: analysed.append(list(words)) or original(words))
    served.builds.between_builds()
    assert served.builds.preload is not None
    served.builds.preload.join(timeout=60)
    assert served.builds.analyser_ready and analysed == [["상담"]]
    served.builds.between_builds()  # once only
    assert analysed == [["상담"]]
