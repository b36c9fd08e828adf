"""Properties of the loader and renderer, over libraries Hypothesis makes up.

- The loader never crashes: any text is either data or a located Diagnostic.
- Any library that validates renders, and every page converts with the site's own
  Markdown configuration (read from mkdocs.yml) into HTML without script, handlers or
  script links.
- Any plain-text field shows on its page as exactly the text typed (after white space
  is collapsed and Hangul composed, as the loader does); so does any Markdown field
  written without Markdown syntax.

Everything runs for real: YAML on disk, `load_library`, `render_site`, Python-Markdown.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import shutil
import tempfile
import unicodedata
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import markdown
import yaml
from craftbook.errors import Diagnostic
from craftbook.library import load_library
from craftbook.load import LoadedFile, load_file
from craftbook.models.base import same_words
from craftbook.render import RenderOptions, doc_path, render_site
from craftbook.text import collapse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from mkdocs.utils.meta import get_data

from tests.conftest import ROOT

TODAY = dt.date(2026, 11, 20)
# CRAFTBOOK_PROPERTY_EXAMPLES=500 explores further; the default keeps the suite fast.
EXAMPLES = int(os.environ.get("CRAFTBOOK_PROPERTY_EXAMPLES", "40"))
PROPERTY_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Any letter, mark, digit, punctuation or symbol of any script, spaces, tabs and newlines:
# Markdown syntax, HTML, entities and quotes included. Control and format characters are
# left out: the renderer strips them on purpose, so they cannot round-trip.
TEXT_CHARS = st.characters(categories=["L", "M", "N", "P", "S", "Zs"], include_characters="\t\n")
HOSTILE_WORDS = st.sampled_from(
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[x](javascript:alert(1))",
        "![x](https://evil.example/x.png)",
        '"]--> B[',
        "%%{init: {}}%%",
        "</script><script>",
        "??? note",
        "!!! danger",
        "{: onclick=x }",
        "&lt;b&gt;",
        "&amp;",
        "| a | b |",
        "1. ",
        "# ",
        "> ",
        "* ",
        "`",
        "\\",
        "---",
        "해지 방어",
        "ㅎㅐㅈㅣ",
    ]
)
PLAIN = (
    st.lists(st.one_of(st.text(TEXT_CHARS, min_size=1, max_size=12), HOSTILE_WORDS), min_size=1, max_size=4)
    .map("".join)
    .filter(lambda s: s.split())
)
# Markdown without Markdown syntax: what a trainer types in a sentence, plus markup
# characters that must still show as typed.
MD_PLAIN_CHARS = st.sampled_from(list("가나다라마바사아자차카타파하 abcxyz019 <\"'/&%$@,?{}\n"))
MD_PLAIN = st.text(MD_PLAIN_CHARS, min_size=1, max_size=40).filter(lambda s: s.split())
# Markdown of any kind: it only has to render, safely (blank text is refused by check).
MD_ANY = (
    st.lists(st.one_of(st.text(TEXT_CHARS, max_size=20), HOSTILE_WORDS), min_size=1, max_size=6)
    .map("".join)
    .filter(collapse)
)


@cache
def site_markdown() -> markdown.Markdown:
    """The Markdown extensions and settings the site is built with, from mkdocs.yml itself."""
    from mkdocs.config import load_config

    config = load_config(str(ROOT / "mkdocs.yml"))
    return markdown.Markdown(extensions=config["markdown_extensions"], extension_configs=config["mdx_configs"])


class _Page(HTMLParser):
    """Visible text of a page, and whatever could run in it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.hidden = 0
        self.headerlink = False
        self.dangers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.hidden += 1
            if tag == "style" or "json" not in (dict(attrs).get("type") or ""):
                self.dangers.append(f"<{tag}>")
        if tag in ("iframe", "object", "embed", "base", "meta", "link", "form"):
            self.dangers.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.dangers.append(f"<{tag} {name}>")
            cleaned = "".join((value or "").split()).lower()
            if name in ("href", "src") and cleaned.startswith(("javascript:", "vbscript:", "data:")):
                self.dangers.append(f"<{tag} {name}={value}>")
            if tag == "img" and name == "src" and (cleaned.startswith("//") or "://" in cleaned):
                self.dangers.append(f"<img src={value}>")
        if tag == "a" and ("class", "headerlink") in attrs:
            self.hidden += 1  # the toc permalink sign after each heading is not the author's text
            self.headerlink = True

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") or (tag == "a" and self.headerlink):
            self.hidden = max(0, self.hidden - 1)
            self.headerlink = False

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.text.append(data)


def page_html(markdown_page: str) -> str:
    body, _ = get_data(markdown_page)  # front matter split off as MkDocs does it
    md = site_markdown()
    md.reset()
    return md.convert(body)


def inspect(html_text: str) -> tuple[str, list[str]]:
    parser = _Page()
    parser.feed(html_text)
    parser.close()
    return visible(" ".join(parser.text)), parser.dangers


def visible(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


# ------------------------------------------------------------------ a library, made up


@st.composite
def libraries(draw: st.DrawFn) -> tuple[dict[str, dict[str, Any]], dict[str, list[str]]]:
    """One document of each kind, cross-referenced, every text field drawn.

    Returns the documents by file name and, per document id, the texts its page must show.
    """
    shows: dict[str, list[str]] = {}

    def plain(doc_id: str) -> str:
        value = draw(PLAIN)
        shows.setdefault(doc_id, []).append(value)
        return value

    used_tags: set[str] = set()

    def distinct(doc_id: str, count: int, used: set[str]) -> list[str]:
        """Texts that are not the same words as any in `used`: one tag is one tag across
        the library (its first spelling wins), and a step's buttons and a quiz's choices
        must differ (both checked by check)."""
        values = []
        while len(values) < count:
            value = draw(PLAIN)
            if same_words(value) not in used:
                used.add(same_words(value))
                shows.setdefault(doc_id, []).append(value)
                values.append(value)
        return values

    def md(doc_id: str) -> str:
        if draw(st.booleans()):
            value = draw(MD_PLAIN)
            shows.setdefault(doc_id, []).append(value)
            return value
        return draw(MD_ANY)

    def common(kind: str, doc_id: str) -> dict[str, Any]:
        doc: dict[str, Any] = {"kind": kind, "id": doc_id, "title": plain(doc_id), "summary": plain(doc_id)}
        if draw(st.booleans()):
            doc["tags"] = distinct(doc_id, draw(st.integers(1, 2)), used_tags)
        if draw(st.booleans()):
            doc["owner"] = plain(doc_id)
        if draw(st.booleans()):
            doc["sources"] = [
                {"title": plain(doc_id), "author": plain(doc_id), "publisher": plain(doc_id), "url": "https://e.org/"}
            ]
        return doc

    playbook = common("role-playbook", "p-1") | {
        "role": draw(st.sampled_from(["agent", "trainer", "qa", "supervisor", "manager"])),
        "shift": {"from": plain("p-1"), "to": plain("p-1")},
        "why": md("p-1"),
        "crafting": {"task": [plain("p-1")], "cognitive": [plain("p-1")]},
        "practices": [
            {
                "title": plain("p-1"),
                "cadence": "weekly",
                "steps": [plain("p-1") for _ in range(draw(st.integers(1, 2)))],
                "signals": [plain("p-1")],
            }
        ],
        "metrics": [{"name": plain("p-1"), "why": plain("p-1"), "target": plain("p-1")}],
        "pitfalls": [plain("p-1")],
        "lessons": ["l-1"],
        "scripts": ["s-1"],
    }
    minutes = draw(st.lists(st.integers(1, 60), min_size=1, max_size=3))
    lesson = common("lesson", "l-1") | {
        "audience": plain("l-1"),
        "duration": sum(minutes),
        "objectives": [plain("l-1")],
        "agenda": [{"minutes": m, "method": "practice", "activity": plain("l-1"), "notes": md("l-1")} for m in minutes],
        "roleplays": [
            {"scenario": plain("l-1"), "customer": plain("l-1"), "agent_goal": plain("l-1"), "script": "s-1"}
        ],
        "quiz": [
            {"question": plain("l-1"), "choices": distinct("l-1", 2, set()), "answer": 1, "explanation": md("l-1")}
        ],
        "materials": [plain("l-1")],
    }
    weight = draw(st.integers(1, 99))
    scorecard = common("scorecard", "q-1") | {
        "channel": "chat",
        "sections": [
            {
                "title": plain("q-1"),
                "weight": weight,
                "criteria": [
                    {
                        "id": "c-1",
                        "text": plain("q-1"),
                        "points": 100,
                        "critical": True,
                        "anchors": {0: plain("q-1"), 100: plain("q-1")},  # 0 and the full score, as required
                    }
                ],
            },
            {
                "title": plain("q-1"),
                "weight": 100 - weight,
                "criteria": [
                    {"id": "c-2", "text": plain("q-1"), "points": 40},
                    {"id": "c-3", "text": plain("q-1"), "points": 60, "anchors": {60: plain("q-1")}},
                ],
            },
        ],
        "calibration": md("q-1"),
    }
    ends = draw(st.integers(1, 3))
    steps: dict[str, Any] = {
        "open": {
            "say": md("s-1"),
            "listen": md("s-1"),
            "tip": md("s-1"),
            "next": [{"when": when, "go": f"end-{i}"} for i, when in enumerate(distinct("s-1", ends, set()))],
        }
    }
    for i in range(ends):
        steps[f"end-{i}"] = {"say": md("s-1"), "outcome": draw(st.sampled_from(["retained", "cancelled", "resolved"]))}
    script = common("script", "s-1") | {
        "scenario": plain("s-1"),
        "goal": plain("s-1"),
        "compliance": [plain("s-1")],
        "start": "open",
        "steps": steps,
        "objections": [{"objection": plain("s-1"), "response": md("s-1")}],
    }
    resource = common("resource", "r-1") | {
        "url": "https://example.org/a",
        "author": plain("r-1"),
        "publisher": plain("r-1"),
        "takeaways": [plain("r-1")],
    }
    edition = common("edition", "e-1") | {
        "number": 1,
        "date": TODAY,
        "intro": md("e-1"),
        "picks": [{"ref": ref, "note": plain("e-1")} for ref in ("p-1", "l-1", "q-1", "s-1", "r-1")],
    }
    files = {
        "playbook.yaml": playbook,
        "lesson.yaml": lesson,
        "scorecard.yaml": scorecard,
        "script.yaml": script,
        "resource.yaml": resource,
        "edition.yaml": edition,
    }
    return files, shows


def build_library(files: dict[str, dict[str, Any]], folder: Path) -> dict[str, str]:
    for name, data in files.items():
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        (folder / name).write_text(text, encoding="utf-8")
    library = load_library(folder)
    return render_site(library, RenderOptions(today=TODAY))


# ------------------------------------------------------------------ properties


@PROPERTY_SETTINGS
@given(libraries())
def test_every_valid_library_renders_and_every_text_shows_as_typed(drawn: tuple) -> None:
    files, shows = drawn
    with tempfile.TemporaryDirectory() as folder:
        pages = build_library(files, Path(folder))
    by_id = {data["id"]: data for data in files.values()}
    for doc_id, texts in shows.items():
        path = doc_path(_model(by_id[doc_id]))
        converted = page_html(pages[path])
        seen, dangers = inspect(converted)
        assert dangers == [], path
        for text in texts:
            assert visible(text) in seen, (path, text)
        _, front = get_data(pages[path])
        assert html.unescape(front["title"]) == visible(by_id[doc_id]["title"])
    for path, page in pages.items():
        _, dangers = inspect(page_html(page))
        assert dangers == [], path


def _model(data: dict[str, Any]) -> Any:
    from craftbook.models import MODEL_BY_KIND

    return MODEL_BY_KIND[data["kind"]].model_validate(data)


@settings(max_examples=EXAMPLES * 4, deadline=None)
@given(st.text(st.characters(codec="utf-8"), max_size=300))
@example("kind: lesson\nduration: " + "9" * 5000)
@example("published: 2026-02-30")
@example("a: &a [*a]")
@example("<<: {}")
@example("? [a]\n: b")
@example("kind: !!python/object/apply:os.system [ls]")
@example("\ufeffkind: x\n\x00")
def test_the_loader_never_crashes(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.yaml"
        path.write_text(text, encoding="utf-8")
        loaded = load_file(path, "doc.yaml")
    assert isinstance(loaded, LoadedFile | Diagnostic)
    if isinstance(loaded, Diagnostic):
        assert loaded.file == "doc.yaml" and loaded.line >= 1 and loaded.column >= 1 and loaded.message


JUNK = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(TEXT_CHARS, max_size=8), st.dates()),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(TEXT_CHARS, max_size=6), children, max_size=3)
    ),
    max_leaves=10,
)


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


@settings(max_examples=EXAMPLES * 2, deadline=None)
@given(st.sampled_from(sorted(p.name for p in (ROOT / "tests/fixtures/minimal").glob("*.yaml"))), st.data())
def test_broken_documents_are_diagnostics_not_crashes(name: str, data: st.DataObject) -> None:
    """Any value anywhere in a valid document replaced by junk: reported and located, never raised."""
    from craftbook.errors import ValidationFailed

    document = yaml.safe_load((ROOT / "tests/fixtures/minimal" / name).read_text(encoding="utf-8"))
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(_paths(document)[1:]))
        junk = data.draw(JUNK)
        parent = document
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = junk
        if not isinstance(document, dict):
            break
    with tempfile.TemporaryDirectory() as folder:
        shutil.copytree(ROOT / "tests/fixtures/minimal", folder, dirs_exist_ok=True)
        (Path(folder) / name).write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
        try:
            load_library(Path(folder))  # the whole library: cross-file rules meet the junk too
        except ValidationFailed as exc:
            assert exc.diagnostics
            assert all(d.line >= 1 and d.column >= 1 and d.message for d in exc.diagnostics)
