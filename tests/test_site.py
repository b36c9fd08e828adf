"""End to end: the shipped starter library builds into a complete, self-contained site."""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from craftbook.library import load_library
from craftbook.render import doc_path

ROOT = Path(__file__).resolve().parent.parent
STARTER = ROOT / "playbooks"


class _Refs(HTMLParser):
    """Collects every URL a page would load (scripts, styles, images, frames)."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("script", "img", "iframe", "audio", "video", "source") and values.get("src"):
            self.loads.append(values["src"] or "")
        if tag == "link" and values.get("rel") in ("stylesheet", "preload", "modulepreload", "icon"):
            self.loads.append(values.get("href") or "")


def test_starter_library_is_valid_and_substantial() -> None:
    library = load_library(STARTER)
    kinds = [e.doc.kind for e in library]
    for role in ("trainer", "qa", "supervisor"):
        playbooks = [e for e in library if e.doc.kind == "role-playbook" and e.doc.role == role]  # type: ignore[attr-defined]
        assert len(playbooks) >= 3, role
    assert kinds.count("lesson") >= 3
    assert kinds.count("scorecard") >= 2
    assert kinds.count("script") >= 3
    assert kinds.count("resource") >= 8
    assert kinds.count("edition") >= 2


STOP_RULE = "compliance-cancellation-stop-rule"


def test_every_script_lesson_and_scorecard_follows_the_one_stop_rule() -> None:
    """Issue 15: one rule for when to stop offering, stated on one page that every script,
    lesson and scorecard links; obstructing a cancellation fails the retention scorecard."""
    library = load_library(STARTER)
    assert library.get(STOP_RULE) is not None
    for entry in library:
        if entry.doc.kind in ("script", "lesson", "scorecard"):
            assert STOP_RULE in entry.doc.related, entry.doc.id
    scorecard = library.get("qa-retention-call")
    criteria = {c.id: c for section in scorecard.sections for c in section.criteria}  # type: ignore[union-attr]
    assert criteria["respect-decision"].critical
    assert criteria["recording-notice"].critical and criteria["recording-notice"].na


def test_the_starter_library_writes_standard_korean() -> None:
    """국립국어원 spelling and no translated-sounding closings; the only 오뚜기 is the
    article's own term, quoted; 수퍼바이저 survives only as a glossary synonym."""
    for path in sorted(STARTER.rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        for phrase in ("품위 있는 해지", "품위 있게 해지", "존엄한 해지", "떠나시게 되어"):
            assert phrase not in text, (path.name, phrase)
        assert text.count("오뚜기") == text.count("'오뚜기 정신'"), path.name
        if "glossary" not in path.parts:
            assert "수퍼바이저" not in text, path.name


def test_every_document_has_a_page_with_its_title(starter_site: Path) -> None:
    library = load_library(STARTER)
    for entry in library.select():
        html_file = starter_site / doc_path(entry.doc).removesuffix(".md") / "index.html"
        text = html_file.read_text(encoding="utf-8")
        assert "<h1 id=" in text or "<h1>" in text
        assert entry.doc.title.replace("&", "&amp;") in text, entry.doc.id


def test_navigation_pages_and_korean_ui(starter_site: Path) -> None:
    for rel in [
        "index.html",
        "roles/trainer/index.html",
        "roles/qa/index.html",
        "roles/supervisor/index.html",
        "roles/agent/index.html",
        "tags/index.html",
        "scripts/index.html",
        "lessons/index.html",
    ]:
        assert (starter_site / rel).is_file(), rel
    home = (starter_site / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ko"' in home


def test_no_third_party_requests(starter_site: Path) -> None:
    offenders = []
    for page in starter_site.rglob("*.html"):
        parser = _Refs()
        parser.feed(page.read_text(encoding="utf-8"))
        offenders += [(page.name, url) for url in parser.loads if re.match(r"^(https?:)?//", url)]
    assert offenders == []
    css = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in starter_site.rglob("*.css"))
    assert not re.search(r"@import\s+url\(\s*['\"]?https?://", css)
    assert "fonts.googleapis.com" not in css


def test_document_page_weight_does_not_carry_the_library(starter_site: Path) -> None:
    """The navigation lists tracks and kinds, never every document."""
    library = load_library(STARTER).select()
    page = starter_site / "scripts" / "index.html"
    assert page.is_file()
    some_doc = next(e.doc for e in library if e.doc.kind == "resource")
    other_page = next(e.doc for e in library if e.doc.kind == "lesson")
    text = (starter_site / doc_path(other_page).removesuffix(".md") / "index.html").read_text(encoding="utf-8")
    assert some_doc.title not in text.split('<div class="md-content"')[0]


def test_plain_mkdocs_build_works(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(tmp_path / "out")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "roles" / "trainer" / "index.html").is_file()


def test_role_pages_offer_their_feed_under_the_roles_korean_name(tmp_path: Path, build_site) -> None:  # type: ignore[no-untyped-def]
    """Also a role's full list of one kind (past eight documents), where the id showed."""
    import re as _re

    library = tmp_path / "library"
    library.mkdir()
    for n in range(9):
        (library / f"res-{n}.yaml").write_text(
            f"kind: resource\nid: res-{n}\ntitle: 자료 {n}\nsummary: 요약\nroles: [manager]\n", encoding="utf-8"
        )
    site = build_site(library)
    deep = site / "roles" / "manager" / "resources" / "index.html"
    assert deep.is_file()
    for page in sorted((site / "roles").glob("*/**/index.html")):  # a role's pages, not the overview
        titles = _re.findall(r'<link rel="alternate" type="application/atom\+xml" title="([^"]*)"', page.read_text())
        role_titles = [t for t in titles if "새 소식" in t and "Craftbook" not in t]
        assert role_titles, page
        for title in role_titles:
            assert not _re.search(r"\b(trainer|qa|supervisor|manager|agent)\b", title), (page, title)
