"""The parse cache (issue 17): a file read from `parsed.json` gives exactly what reading
it gives — data, typed-scalar records, every error and warning at its line and column,
cross-file problems too — and a bad cache file is only ever ignored."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from craftbook import load, parse_cache
from craftbook.errors import ValidationFailed
from craftbook.incremental import Cache
from craftbook.library import check_file
from craftbook.parse_cache import FILE_NAME, LazySourceMap, ParseCache
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
TODAY = dt.date(2026, 11, 1)
FILES = sorted([*(ROOT / "playbooks").rglob("*.yaml"), *FIXTURES.rglob("*.yaml")])


def typed(value: Any) -> Any:
    """A value with every type spelt out: 1 and 1.0 and True differ here."""
    if isinstance(value, dict):
        return ("dict", [(typed(k), typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [typed(v) for v in value])
    return (type(value).__name__, repr(value))


def outcome(checked: Any) -> tuple[Any, ...]:
    """The document, every diagnostic (line, column, message), the id the file claims."""
    doc = checked.entry.doc if checked.entry is not None else None
    return checked.name, doc, checked.diagnostics, checked.claimed_id


def test_every_file_reads_from_the_cache_as_from_its_text(tmp_path: Path) -> None:
    first = ParseCache(tmp_path)
    fresh = {path: check_file(path, path.name, today=TODAY, parsed=first) for path in FILES}
    assert first.save()
    again = ParseCache(tmp_path)
    kept = 0
    for path in FILES:
        direct = load.load_file(path, path.name)
        cached = load.load_file(path, path.name, parsed=again)
        checked = check_file(path, path.name, today=TODAY, parsed=again)
        assert outcome(checked) == outcome(fresh[path]), path
        if isinstance(direct, load.LoadedFile):
            assert isinstance(cached, load.LoadedFile)
            assert typed(cached.data) == typed(direct.data), path
            assert cached.source.scalars == direct.source.scalars
            assert cached.source.key_scalars == direct.source.key_scalars
            assert cached.source.notes == direct.source.notes
            if isinstance(cached.source, LazySourceMap):
                kept += 1
                for where in [*direct.source.values, *direct.source.keys]:
                    assert cached.source.locate(where) == direct.source.locate(where)
                    assert cached.source.locate(where, at_key=True) == direct.source.locate(where, at_key=True)
    assert again.hits > 0 and kept >= len(list((ROOT / "playbooks").rglob("*.yaml")))


def test_files_the_reader_had_something_to_say_about_are_read_again(tmp_path: Path) -> None:
    store = ParseCache(tmp_path)
    noted = FIXTURES / "invalid" / "duplicate-key.yaml"
    check_file(noted, noted.name, parsed=store)
    store.save()
    assert store.misses == 1
    again = ParseCache(tmp_path)
    loaded = load.load_file(noted, noted.name, parsed=again)
    assert isinstance(loaded, load.LoadedFile) and loaded.source.notes
    assert again.hits == 0


def _project(tmp_path: Path, folder: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(folder, project / "playbooks")
    return project


def _load(project: Path) -> tuple[list[Any], list[str]]:
    """A build process's first load: a new cache in memory, the project's on disk."""
    try:
        library = Cache().load(project / "playbooks", project=project)
    except ValidationFailed as exc:
        return [], [str(d) for d in exc.diagnostics]
    return [(e.id, e.doc) for e in library], [str(w) for w in library.warnings]


@pytest.mark.parametrize("folder", [ROOT / "playbooks", FIXTURES / "hub", FIXTURES / "warnings"], ids=lambda p: p.name)
def test_a_second_build_reads_nothing_again_and_finds_the_same(folder: Path, tmp_path: Path) -> None:
    project = _project(tmp_path, folder)
    cold = _load(project)
    assert (project / ".craftbook" / "cache" / FILE_NAME).is_file()
    reads: list[str] = []
    original = load.parse_text
    load.parse_text = lambda text: reads.append(text) or original(text)  # type: ignore[assignment,func-returns-value]
    try:
        warm = _load(project)
    finally:
        load.parse_text = original  # type: ignore[assignment]
    assert warm == cold
    located = [w for w in cold[1] if ":" in w]
    # Files read again: only to locate a problem they are named in (or ones not kept).
    assert len(reads) <= len(located)


def test_cross_file_problems_are_located_in_cached_files_as_in_read_ones(tmp_path: Path) -> None:
    """Each file is fine on its own (so kept); together they break references and ids,
    which are located by reading the cached file's text again."""
    project = _project(tmp_path, ROOT / "playbooks")
    books = project / "playbooks"
    script = next(books.rglob("script-*.yaml"))
    copy = script.with_name("copy-of-" + script.name)
    shutil.copy(script, copy)  # the same id twice
    cold = _load(project)
    assert cold[0] == [] and any("id" in d for d in cold[1])
    warm = _load(project)
    assert warm == cold


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[: len(raw) // 2],
        lambda raw: b"\xff\xfe" + raw,
        lambda raw: raw.replace(b'"craftbook-parse-cache/1"', b'"craftbook-parse-cache/0"'),
        lambda raw: raw.replace(b'"stamp":"craftbook', b'"stamp":"other'),
        lambda raw: raw.replace(b'"scalars":[', b'"scalars":{"x":[', 1).replace(b"]", b"]}", 0),
        lambda raw: raw.replace(b'"data":{', b'"data":{"$d":7,', 1),
        lambda raw: raw.replace(b'"data":{', b'"data":{"$m":[[1.5,2]],"x":', 1),
        lambda raw: json.dumps({"layout": parse_cache.LAYOUT, "stamp": parse_cache.stamp(), "files": []}).encode(),
    ],
    ids=["truncated", "not-utf8", "layout", "stamp", "scalars", "bad-date", "bad-map", "files-not-mapping"],
)
def test_a_damaged_cache_is_ignored_and_rewritten(damage: Any, tmp_path: Path) -> None:
    project = _project(tmp_path, ROOT / "playbooks")
    cold = _load(project)
    stored = project / ".craftbook" / "cache" / FILE_NAME
    stored.write_bytes(damage(stored.read_bytes()))
    assert _load(project) == cold
    again = ParseCache(stored.parent)
    assert again.ignored is None and again._old  # rewritten whole


plain_keys = st.one_of(st.text(max_size=6), st.integers(-5, 100))
plain = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.dates(),
)
values = st.recursive(
    plain,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(plain_keys, inner, max_size=4)),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=6), values, max_size=5))
def test_the_codec_gives_back_every_plain_value_with_its_type(data: dict[str, Any]) -> None:
    encoded = json.loads(json.dumps(parse_cache._encode(data)))
    assert typed(parse_cache._decode(encoded)) == typed(data)


@pytest.mark.parametrize("kind", ["fifo", "oversized"])
def test_a_cache_that_is_no_file_or_too_big_is_ignored_without_waiting(kind: str, tmp_path: Path) -> None:
    """A FIFO in the cache's place used to block the build for ever; a huge file is not
    read at all (the limits are the caches' own, far above what a library makes)."""
    import os

    from craftbook import search_cache

    project = _project(tmp_path, FIXTURES / "minimal")
    folder = project / ".craftbook" / "cache"
    folder.mkdir(parents=True)
    for name, limit in ((FILE_NAME, parse_cache.MAX_BYTES), (search_cache.FILE_NAME, search_cache.MAX_BYTES)):
        if kind == "fifo":
            os.mkfifo(folder / name)
        else:
            with (folder / name).open("wb") as f:
                f.truncate(limit + 1)  # sparse: costs no disk
    store = ParseCache(folder)
    assert store.ignored is not None and store._old == {}
    assert _load(project) == _load(project)


def test_a_file_with_a_warning_is_not_read_again_to_locate_it(tmp_path: Path) -> None:
    """A warning recurs at every build (a date in the future): the lines and columns of a
    file with located problems are kept with it, so the next build reads nothing again."""
    project = tmp_path / "project"
    (project / "playbooks").mkdir(parents=True)
    shutil.copy(FIXTURES / "warnings" / "future-date.yaml", project / "playbooks")
    cold = _load(project)
    assert cold[1] and all(":" in w for w in cold[1])
    reads: list[str] = []
    original = load.parse_text
    load.parse_text = lambda text: reads.append(text) or original(text)  # type: ignore[assignment,func-returns-value]
    try:
        assert _load(project) == cold
    finally:
        load.parse_text = original  # type: ignore[assignment]
    assert reads == []
