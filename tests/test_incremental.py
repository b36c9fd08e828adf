"""A warm generator run (`craftbook serve`) equals a cold one, and does only what a change needs."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from craftbook.changes import edition_changes
from craftbook.errors import ValidationFailed
from craftbook.incremental import WHOLE_LIBRARY_UNITS, Cache
from craftbook.library import load_library
from craftbook.pipeline import GenerateOptions, generate
from craftbook.render import references

from bench.synth import write_library

TODAY = dt.date(2026, 11, 1)
SIZE = 60
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_library(tmp_path_factory.mktemp("synthetic") / "playbooks", SIZE, seed=4)


@pytest.fixture
def library(synthetic: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(synthetic, tmp_path / "playbooks"))


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


class Workbench:
    """One long-lived cache (the server) next to cold runs into fresh folders."""

    def __init__(self, playbooks: Path, tmp_path: Path, **options: object) -> None:
        self.playbooks = playbooks
        self.tmp_path = tmp_path
        self.options = GenerateOptions(playbooks=playbooks, out=tmp_path / "warm", today=TODAY, **options)  # type: ignore[arg-type]
        self.cache = Cache()
        self.cold_runs = 0

    def warm(self) -> dict[str, bytes]:
        self.cache.generate(self.options)
        return tree(self.options.out)

    def cold(self) -> dict[str, bytes]:
        self.cold_runs += 1
        out = self.tmp_path / f"cold-{self.cold_runs}"
        generate(GenerateOptions(**{**self.options.__dict__, "out": out}))
        return tree(out)

    @property
    def rendered(self) -> set[tuple[str, ...]]:
        return set(self.cache.last_units)


def edit(path: Path, change: dict[str, object] | None = None, drop: tuple[str, ...] = ()) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(change or {})
    for key in drop:
        data.pop(key, None)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def file_of(playbooks: Path, doc_id: str) -> Path:
    return next(playbooks.rglob(f"{doc_id}.yaml"))


def cited_resource(playbooks: Path) -> str:
    """A resource that other documents reference, so its title shows on their pages."""
    library = load_library(playbooks)
    cited = [ref for e in library for ref in references(e.doc)]
    return next(e.id for e in library if e.doc.kind == "resource" and e.id in cited)


def test_a_second_run_without_changes_parses_renders_and_writes_nothing(library: Path, tmp_path: Path) -> None:
    bench = Workbench(library, tmp_path)
    first = bench.warm()
    assert len(bench.cache.last_parsed) == SIZE
    assert bench.warm() == first
    assert bench.cache.last_parsed == []
    assert bench.rendered == set()
    assert bench.cache.last_written == []


def changes_of(edition: Any, library: Any) -> set[str]:
    return {c.doc.id for c in edition_changes(edition, [e.doc for e in library])}


def test_a_title_edit_rerenders_exactly_the_pages_that_show_the_document(library: Path, tmp_path: Path) -> None:
    bench = Workbench(library, tmp_path)
    before = bench.warm()
    doc_id = cited_resource(library)
    edit(file_of(library, doc_id), {"title": "완전히 새 제목"})
    after = bench.warm()

    assert bench.cache.last_parsed == [file_of(library, doc_id).relative_to(library).as_posix()]
    docs = load_library(library)
    doc = docs.get(doc_id)
    assert doc is not None
    expected = {
        ("document", doc_id),
        ("listing", "resource"),
        *WHOLE_LIBRARY_UNITS,  # home, the two overview pages, 검토 현황
        # the editions that list it among what changed since the previous edition
        *(("document", e.id) for e in docs if e.doc.kind == "edition" and doc_id in changes_of(e.doc, docs)),
        *(("track", role) for role in doc.all_roles),
        *(("tag", tag) for tag in doc.tags),
        *(("document", ref) for ref in references(doc)),
        *(("document", e.id) for e in docs if doc_id in references(e.doc) and e.id != doc_id),
    }
    assert bench.rendered == expected
    # sound: every page whose text changed was rendered again
    changed = {path for path in after if before.get(path) != after[path]}
    rendered_pages = {p for unit in bench.rendered for p in bench.cache.rendered.units[unit]}  # type: ignore[union-attr]
    assert {p for p in changed if p.endswith(".md")} <= rendered_pages
    assert after == bench.cold()


EDITS = [
    "title",
    "add-tag",
    "drop-tags",
    "roles",
    "related",
    "draft",
    "members",
    "new-document",
    "delete-document",
    "edition-picks",
    "lesson-prerequisite",
    "glossary-term",
    "reviewed-into-an-edition",
    "edition-date",
]


def apply(name: str, playbooks: Path) -> None:
    docs = load_library(playbooks)
    resource = cited_resource(playbooks)
    lesson = next(e.id for e in docs if e.doc.kind == "lesson" and e.doc.prerequisites)  # type: ignore[attr-defined]
    edition = next(e.id for e in docs if e.doc.kind == "edition")
    uncited = next(e.id for e in docs if e.doc.kind == "resource" and not any(e.id in references(o.doc) for o in docs))
    if name == "title":
        edit(file_of(playbooks, resource), {"title": "가나다 맨 앞으로 가는 제목"})
    elif name == "add-tag":
        edit(file_of(playbooks, resource), {"tags": ["처음 보는 태그", "해지방어"]})
    elif name == "drop-tags":
        edit(file_of(playbooks, resource), drop=("tags",))
    elif name == "roles":
        edit(file_of(playbooks, lesson), {"roles": ["manager", "qa", "agent"]})
    elif name == "related":
        edit(file_of(playbooks, uncited), {"related": [resource, lesson]})
    elif name == "draft":
        edit(file_of(playbooks, resource), {"status": "draft"})
    elif name == "members":
        edit(file_of(playbooks, lesson), {"access": "members"})
    elif name == "new-document":
        source = yaml.safe_load(file_of(playbooks, resource).read_text(encoding="utf-8"))
        source.update({"id": "res-brand-new", "title": "새로 들어온 자료", "related": [lesson]})
        (playbooks / "resources" / "res-brand-new.yaml").write_text(
            yaml.safe_dump(source, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    elif name == "delete-document":
        file_of(playbooks, uncited).unlink()
    elif name == "edition-picks":
        edit(file_of(playbooks, edition), {"picks": [{"ref": uncited, "note": "새로 고른 글"}]})
    elif name == "lesson-prerequisite":
        edit(file_of(playbooks, lesson), drop=("prerequisites",))
    elif name == "reviewed-into-an-edition":
        # Reviewed (and first published) inside the window of an edition for one of its
        # roles: that edition lists it from now on.
        doc = docs.get(uncited)
        assert doc is not None
        window = next(
            e.doc
            for e in docs
            if e.doc.kind == "edition" and e.doc.number > 1 and set(e.doc.roles) & set(doc.all_roles)  # type: ignore[attr-defined]
        )
        day = window.date.isoformat()  # type: ignore[attr-defined]
        edit(file_of(playbooks, uncited), {"reviewed": day, "published": day})
    elif name == "edition-date":
        # An earlier date for the first edition widens the second one's window.
        first = min((e.doc for e in docs if e.doc.kind == "edition"), key=lambda e: e.number)  # type: ignore[attr-defined]
        edit(file_of(playbooks, first.id), {"date": (first.date - dt.timedelta(days=400)).isoformat()})  # type: ignore[attr-defined]
    elif name == "glossary-term":
        # A new term gets a tooltip on every page that uses it, in files nobody edited.
        glossary = next(e for e in docs if e.doc.kind == "glossary")
        terms = [t.model_dump(mode="json", exclude_defaults=True) for t in glossary.doc.terms]  # type: ignore[attr-defined]
        terms.append({"term": "요금제", "definition": "요금을 매기는 방식. 쓰는 양에 맞게 고른다."})
        edit(file_of(playbooks, glossary.id), {"terms": terms})


@pytest.mark.parametrize("name", EDITS)
def test_warm_output_equals_a_cold_run_after_an_edit(name: str, library: Path, tmp_path: Path) -> None:
    bench = Workbench(library, tmp_path)
    bench.warm()
    apply(name, library)
    warm = bench.warm()
    assert len(bench.cache.last_parsed) <= 1  # only the edited file (none for a deletion)
    assert 0 < len(bench.rendered) < len(bench.cache.rendered.units)  # type: ignore[union-attr]
    assert warm == bench.cold()


def test_a_chain_of_edits_stays_equal_to_cold_runs(library: Path, tmp_path: Path) -> None:
    bench = Workbench(library, tmp_path, audience="members", drafts=True)
    bench.warm()
    for name in ("title", "add-tag", "roles", "new-document", "members", "draft"):
        apply(name, library)
        assert bench.warm() == bench.cold(), f"after {name}"


def test_an_invalid_edit_fails_like_a_cold_run_and_a_fix_recovers(library: Path, tmp_path: Path) -> None:
    bench = Workbench(library, tmp_path)
    bench.warm()
    resource = cited_resource(library)
    path = file_of(library, resource)
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace(f"id: {resource}", "id: Not Valid"), encoding="utf-8")
    with pytest.raises(ValidationFailed) as warm_error:
        bench.warm()
    with pytest.raises(ValidationFailed) as cold_error:
        load_library(library)
    assert warm_error.value.format_message() == cold_error.value.format_message()
    path.write_text(good.replace("title: ", "title: 고친 뒤 ", 1), encoding="utf-8")
    assert bench.warm() == bench.cold()
    assert bench.cache.last_parsed == [path.relative_to(library).as_posix()]


def test_an_edit_that_moves_a_document_to_another_listing_page(tmp_path: Path) -> None:
    playbooks = Path(shutil.copytree(FIXTURES / "minimal", tmp_path / "playbooks"))
    source = (playbooks / "resource.yaml").read_text(encoding="utf-8")
    for i in range(60):  # two pages of resources
        text = source.replace("id: res-article", f"id: res-{i:03d}").replace("title: ", f"title: 자료 {i:03d} ")
        (playbooks / f"r{i}.yaml").write_text(text, encoding="utf-8")
    bench = Workbench(playbooks, tmp_path)
    before = bench.warm()
    edit(playbooks / "r59.yaml", {"title": "가장 앞에 서는 자료"})  # from page 2 to page 1
    after = bench.warm()
    assert after["resources/index.md"] != before["resources/index.md"]
    assert after["resources/page_2.md"] != before["resources/page_2.md"]
    assert after == bench.cold()


def test_an_edited_template_renders_everything_again(library: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    bench = Workbench(library, tmp_path, templates=(templates,))
    bench.warm()
    override = '{% extends "document.md.j2" %}{% block body %}조직이 덧붙인 줄{% endblock %}'
    (templates / "resource.md.j2").write_text(override, encoding="utf-8")
    warm = bench.warm()
    assert bench.rendered == set(bench.cache.rendered.units)  # type: ignore[union-attr]
    assert any("조직이 덧붙인 줄" in text.decode("utf-8") for text in warm.values())
    assert warm == bench.cold()


def test_an_edit_that_keeps_the_size_and_the_mtime_is_still_seen(library: Path, tmp_path: Path) -> None:
    """Old files are trusted by their stat, which includes the ctime no tool can set back."""
    an_hour_ago = time.time() - 3600
    for path in library.rglob("*.yaml"):
        os.utime(path, (an_hour_ago, an_hour_ago))
    bench = Workbench(library, tmp_path)
    bench.warm()
    path = file_of(library, cited_resource(library))
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title: "))
    first = title[len("title: ")]
    assert len(first.encode()) == 3  # a Hangul syllable: swap it for another of the same size
    path.write_text(text.replace(title, "title: " + ("라" if first == "다" else "다") + title[8:], 1), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert bench.warm() == bench.cold()
    assert bench.cache.last_parsed == [path.relative_to(library).as_posix()]


def test_coaching_links_follow_edits_of_the_scorecard_the_script_and_the_lesson(tmp_path: Path) -> None:
    """A script step lists the criteria that grade it and a lesson those it prepares for:
    their pages must follow an edit of the scorecard, and the scorecard's must follow
    an edit of the script (a step's label) or the lesson (its title)."""
    playbooks = Path(shutil.copytree(FIXTURES / "minimal", tmp_path / "playbooks"))
    bench = Workbench(playbooks, tmp_path)
    bench.warm()
    scorecard = playbooks / "scorecard.yaml"
    text = scorecard.read_text(encoding="utf-8")
    scorecard.write_text(
        text.replace("script: script-price#offer-plan", "script: script-price#close-retained").replace(
            "        lesson: lesson-diagnosis\n", ""
        ),
        encoding="utf-8",
    )
    warm = bench.warm()
    assert {("document", "script-price"), ("document", "lesson-diagnosis")} <= bench.rendered
    assert warm == bench.cold()
    page = warm["scripts/script-price.md"].decode()
    assert page.count('class="cb-graded"') == 2 and "#c-offer" in page
    assert "이 교육안이 준비하는 평가 항목" not in warm["lessons/lesson-diagnosis.md"].decode()
    edit(playbooks / "lesson.yaml", {"title": "고친 교육안 제목"})
    edit(playbooks / "script.yaml", {"title": "고친 스크립트 제목"})
    warm = bench.warm()
    assert ("document", "qa-retention") in bench.rendered
    assert warm == bench.cold()
    assert "고친 스크립트 제목 › " in warm["scorecards/qa-retention.md"].decode()
