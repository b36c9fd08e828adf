"""Scale: no page grows with the library, and the fast paths taken for speed change nothing.

The timings themselves come from `bench/scale.py`, never from tests (the machine is
shared); here only what a build of any size must keep true.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import shutil
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from craftbook import load, text
from craftbook.library import load_library
from craftbook.render import (
    PAGE_SIZE,
    TAG_PAGE_SIZE,
    Pagination,
    Renderer,
    RenderOptions,
    front_matter,
    relative_path,
)
from hypothesis import given, settings
from hypothesis import strategies as st

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = dt.date(2026, 11, 1)
SMALL, LARGE = TAG_PAGE_SIZE + 10, 4 * (TAG_PAGE_SIZE + 10)


def grown_library(folder: Path, copies: int) -> Path:
    """The minimal library plus `copies` resources, each with a tag of its own, some cited."""
    shutil.copytree(FIXTURES / "minimal", folder)
    source = yaml.safe_load((folder / "resource.yaml").read_text(encoding="utf-8"))
    for i in range(copies):
        doc = {**source, "id": f"res-{i:04d}", "title": f"자료 {i:04d}", "tags": [f"주제 {i:04d}", "인정"]}
        doc["related"] = [f"res-{i - 1:04d}"] if i else []
        (folder / f"r{i:04d}.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return folder


def render(folder: Path) -> dict[str, str]:
    return Renderer(load_library(folder), RenderOptions(today=TODAY)).render_pages()


def items(page: str) -> int:
    return len(re.findall(r"(?m)^- ", page))


@pytest.fixture(scope="module")
def small_and_large(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], dict[str, str]]:
    base = tmp_path_factory.mktemp("scale")
    # The small one already fills its first pages, so a page that grew would show.
    return render(grown_library(base / "small", SMALL)), render(grown_library(base / "large", LARGE))


def test_every_listing_is_paginated(small_and_large: tuple[dict[str, str], dict[str, str]]) -> None:
    _, large = small_and_large
    tag_index = sorted(p for p in large if re.fullmatch(r"tags/(index|page_\d+)\.md", p))
    assert len(tag_index) == -(-(LARGE + 1) // TAG_PAGE_SIZE)  # a tag per resource, and 인정
    assert all(items(large[p]) <= TAG_PAGE_SIZE for p in tag_index)
    listings = [p for p in large if re.search(r"(^|/)(index|page_\d+)\.md$", p) and not p.startswith("tags/")]
    assert f"resources/page_{LARGE // PAGE_SIZE}.md" in large
    assert all(items(large[p]) <= max(PAGE_SIZE, 20) for p in listings if p != "index.md")


def test_no_page_grows_with_the_library(small_and_large: tuple[dict[str, str], dict[str, str]]) -> None:
    """Every kind of page weighs about the same with 110 documents as with 440."""
    small, large = small_and_large

    def heaviest(pages: dict[str, str], pattern: str) -> int:
        return max(len(v.encode()) for k, v in pages.items() if re.fullmatch(pattern, k))

    for pattern in (
        r"resources/res-\d+\.md",  # a document (its backlinks are capped)
        r"resources/(index|page_\d+)\.md",  # a kind listing page and its page bar
        r"tags/(index|page_\d+)\.md",  # the tag index
        r"tags/인정/(index|page_\d+)\.md",  # one tag with every document
        r"roles/supervisor/index\.md",  # a role track (a preview per kind)
        r"index\.md",  # home
    ):
        assert heaviest(large, pattern) <= 1.25 * heaviest(small, pattern), pattern


@given(st.integers(1, 400), st.data())
def test_the_page_bar_stays_short_and_links_this_page_first_and_last(count: int, data: st.DataObject) -> None:
    number = data.draw(st.integers(1, count))
    window = Pagination([], number, count, "x/index.md").window()
    shown = [n for n in window if n is not None]
    assert len(window) <= 9
    assert {1, number, count} <= set(shown)
    assert shown == sorted(set(shown))
    assert all(b is not None for a, b in itertools.pairwise(window) if a is None)  # no double gap


# ---------------------------------------------------------------- fast paths


def test_libyaml_reads_every_fixture_exactly_as_the_reference_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    files = sorted(FIXTURES.rglob("*.yaml")) + sorted((FIXTURES.parent.parent / "playbooks").rglob("*.yaml"))
    assert load._FAST_LOADER is not None, "PyYAML was built without libyaml"

    def parsed(path: Path) -> object:
        try:
            data, source = load.parse_text(load.decode(path.read_bytes()))
        except load.LoadError as exc:
            return (exc.mark, exc.message)
        return (data, source.values, source.keys, source.scalars, source.key_scalars, source.notes)

    fast = [parsed(p) for p in files]
    monkeypatch.setattr(load, "_FAST_LOADER", None)
    assert fast == [parsed(p) for p in files]


def test_the_one_pass_reader_builds_what_the_graph_reader_builds() -> None:
    """Files without anchors take the one-pass event reader; files with them the composed
    graph. Both must read any file alike, errors included."""
    files = sorted(FIXTURES.rglob("*.yaml")) + sorted((FIXTURES.parent.parent / "playbooks").rglob("*.yaml"))

    def read(reader: Callable[[str, object], tuple[object, load.SourceMap]], text: str) -> object:
        try:
            data, source = reader(text, yaml.SafeLoader)
        except load.LoadError as exc:
            return (exc.mark, exc.message)
        except load._NeedsGraph:
            return "needs graph"
        except yaml.YAMLError as exc:
            return str(exc)
        return (data, source.values, source.keys, source.scalars, source.key_scalars, source.notes)

    compared = 0
    for path in files:
        try:
            text = load.decode(path.read_bytes())
        except load.LoadError:
            continue  # not UTF-8: neither reader sees it
        tree = read(load._read_tree, text)
        if tree != "needs graph":
            assert tree == read(load._read_graph, text), path
            compared += 1
    assert compared > 50


PIECES = [*"가나다 ab1 .,?!'\"%()/:;~…·—–○※→“」-", "2.", "\u3000", "~~~", "*", "**", "***", "_", "\n"]
PLAIN_TEXT = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


WORDS = st.lists(st.sampled_from([*"가나다ab1 .,?!'%()/:;~○“」-", "2.", "\u3000"]), min_size=1, max_size=6).map("".join)
LINE = st.lists(
    st.one_of(WORDS, WORDS.map(lambda w: f"**{w}**"), WORDS.map(lambda w: f"*{w}*")), min_size=1, max_size=6
).map("".join)
EMPHASIZED = st.lists(LINE, min_size=1, max_size=3).flatmap(
    lambda lines: st.sampled_from(["\n\n", "\n", "\n\n\n", "\n \n"]).map(lambda sep: sep.join(lines))
)


@settings(max_examples=1500)
@given(st.one_of(PLAIN_TEXT, EMPHASIZED))
def test_a_plain_sentence_renders_as_python_markdown_would(value: str) -> None:
    source = unicodedata.normalize("NFC", text._CONTROL.sub("", value)).strip()
    if not source:
        return
    text._MD.reset()
    expected = f'<div class="cb-md">\n{text._MD.convert(source)}\n</div>'
    assert str(text.render_markdown(value)) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "고객의 말을 **한 문장**으로 되짚는다.",
        "사례 *3개*를 보여 준다.",
        "그냥 문장.",
        "사유를 먼저 묻는다.\n\n**왜 지금인가**: 챗봇 이후에는 어려운 문의만 남는다.",
    ],
)
def test_sentences_with_emphasis_skip_the_markdown_pipeline(sentence: str) -> None:
    assert text._simple_paragraphs(sentence) is not None


@settings(max_examples=300)
@given(st.text(max_size=30), st.lists(st.text(max_size=10), max_size=3))
def test_front_matter_reads_back_as_the_same_values_whichever_way_it_is_written(title: str, roles: list[str]) -> None:
    meta = {"title": title, "description": title, "craftbook": {"roles": roles, "n": 1, "on": True}, "hide": []}
    written = front_matter(meta)
    assert written.startswith("---\n") and written.endswith("\n---\n")
    escaped = {k: str(text.attr(v)) if k in ("title", "description") else v for k, v in meta.items()}
    assert yaml.safe_load(written[4:-4]) == escaped
    # and as MkDocs reads it, from the top of a page
    from mkdocs.utils.meta import get_data

    assert get_data(written + "\n본문\n") == ("본문\n", escaped)


@given(st.lists(st.sampled_from(["a", "b", "태그", "index.md", ".", ".."]), max_size=4), st.data())
def test_relative_links_match_posixpath(target_parts: list[str], data: st.DataObject) -> None:
    import posixpath

    start = "/".join(data.draw(st.lists(st.sampled_from(["a", "b", "roles", "."]), max_size=3)))
    target = "/".join(target_parts) or "index.md"
    assert relative_path(target, start) == posixpath.relpath(target, start or ".")


TRICKY = st.sampled_from("\\`*_{}[]()#!|+.-&<>? \t\n\u3000\u2028\u200b\ufeff\x00\x1f\x7f")


@settings(max_examples=500)
@given(st.text(alphabet=st.one_of(st.characters(), TRICKY), max_size=40))
def test_inline_escaping_matches_the_regex_it_replaces(value: str) -> None:
    import html

    escaped = text._MD_SPECIAL.sub(r"\\\1", html.escape(text.collapse(value), quote=False))
    expected = "&#63;" + escaped[1:] if escaped.startswith("?") else escaped
    assert text.escape_inline(value) == expected
