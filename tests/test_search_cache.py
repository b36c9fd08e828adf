"""The search step's cache (craftbook.search_cache) and its speed-ups (craftbook.search).

Real builds of real libraries (the starter and a synthetic one), Kiwi for real, the
cache file on disk: a warm build must give the very bytes a build without any cache
gives, analyse nothing it has analysed before, and survive any cache file it finds.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from craftbook import parse_cache, search, search_cache
from craftbook.build import BuildOptions, build
from craftbook.cli import main
from craftbook.search import NO_SYNONYMS, Morph, Synonyms, WordInfo, augment_index, dump_index, word_info
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.synth import write_library
from tests.conftest import ROOT, STARTER

# For the child processes: this checkout's craftbook, whatever the environment says.
PATH = os.pathsep.join(p for p in (str(ROOT / "generator"), str(ROOT), os.environ.get("PYTHONPATH", "")) if p)

# --------------------------------------------------------------- real builds, captured


@dataclass
class Built:
    """A project built once with the plugin, and what Material wrote before augmentation."""

    project: Path
    site: Path
    raw: dict[str, Any]  # Material's search index, as the plugin received it
    pages: dict[str, Any]  # page URL → craftbook front matter, as the plugin collected it
    playbooks: Path

    @property
    def cache_dir(self) -> Path:
        return self.project / ".craftbook" / "cache"

    def index(self) -> dict[str, Any]:
        return copy.deepcopy(self.raw)

    def build(self) -> bytes:
        """Build the project again; the bytes of the search index it writes."""
        build(BuildOptions(config_file=self.project / "mkdocs.yml", out=self.site, playbooks=self.playbooks))
        return (self.site / search.INDEX_PATH).read_bytes()


def build_project(folder: Path, playbooks: Path) -> Built:
    """A project of its own (the repository's mkdocs.yml), so its cache is its own."""
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", folder / "mkdocs.yml")
    (folder / "docs").mkdir()
    captured: dict[str, Any] = {}
    original = search.augment_index

    def capture(index: dict[str, Any], pages: Mapping[str, Any], *args: Any, **kwargs: Any) -> dict[str, Any]:
        captured["raw"], captured["pages"] = copy.deepcopy(index), copy.deepcopy(dict(pages))
        return original(index, pages, *args, **kwargs)

    search.augment_index = capture  # type: ignore[assignment]
    try:
        site = build(BuildOptions(config_file=folder / "mkdocs.yml", out=folder / "site", playbooks=playbooks))
    finally:
        search.augment_index = original  # type: ignore[assignment]
    return Built(folder, site, captured["raw"], captured["pages"], playbooks)


@pytest.fixture(scope="module")
def starter(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_project(tmp_path_factory.mktemp("cache") / "starter", STARTER)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Built:
    base = tmp_path_factory.mktemp("cache")
    return build_project(base / "synthetic", write_library(base / "library", 50))


@pytest.fixture(params=["starter", "synthetic"])
def built(request: pytest.FixtureRequest) -> Built:
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


class Counting:
    """Kiwi, counting what it is asked."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, words: Sequence[str]) -> Mapping[str, Sequence[Morph]]:
        self.calls.append(list(words))
        return search.kiwi_analyser(words)

    @property
    def words(self) -> list[str]:
        return [w for call in self.calls for w in call]


def cold(built: Built, index: dict[str, Any] | None = None, pages: Mapping[str, Any] | None = None) -> bytes:
    """The index as augmented without any cache."""
    return dump_index(augment_index(index or built.index(), built.pages if pages is None else pages))


def with_cache(
    folder: Path, index: dict[str, Any], pages: Mapping[str, Any], analyser: Counting | None = None
) -> tuple[bytes, search_cache.SearchCache]:
    cache = search.open_cache(folder)
    out = dump_index(augment_index(index, pages, analyser=analyser or search.kiwi_analyser, cache=cache))
    cache.save()
    return out, cache


# --------------------------------------------------------------- warm = cold, byte for byte


def test_a_build_with_the_plugin_keeps_its_cache_and_a_warm_build_gives_the_same_bytes(built: Built) -> None:
    expected = cold(built)
    first = (built.site / search.INDEX_PATH).read_bytes()
    assert first == expected  # the first build found no cache: its index is the analysis itself
    stored = built.cache_dir / search_cache.FILE_NAME
    assert stored.is_file()  # <project>/.craftbook/cache, beside mkdocs.yml
    written = stored.stat().st_mtime_ns
    assert built.build() == expected  # the second build is warm
    assert stored.stat().st_mtime_ns == written  # and had nothing new to write


def test_a_warm_cache_calls_no_analyser_and_gives_the_same_bytes(built: Built, tmp_path: Path) -> None:
    first = Counting()
    out, cache = with_cache(tmp_path, built.index(), built.pages, first)
    assert out == cold(built)
    assert first.calls and cache.misses and not cache.hits
    again = Counting()
    out, cache = with_cache(tmp_path, built.index(), built.pages, again)
    assert again.calls == []
    assert cache.misses == 0 and cache.hits == len(built.raw["docs"]) + 1  # + the glossary's words
    assert out == cold(built)


def test_a_warm_build_in_a_new_process_does_not_load_kiwi(starter: Built, tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / search.INDEX_PATH).parent.mkdir(parents=True)
    (site / search.INDEX_PATH).write_text(json.dumps(starter.raw), encoding="utf-8")
    (tmp_path / "pages.json").write_text(json.dumps(starter.pages), encoding="utf-8")
    script = (
        "import json, sys\nfrom pathlib import Path\nfrom craftbook import search\n"
        "pages = json.loads(Path(sys.argv[2]).read_text(encoding='utf-8'))\n"
        "search.augment_site(Path(sys.argv[1]), pages, cache_dir=Path(sys.argv[3]))\n"
        "print('kiwipiepy' in sys.modules)\n"
    )
    args = [sys.executable, "-c", script, str(site), str(tmp_path / "pages.json"), str(starter.cache_dir)]
    done = subprocess.run(args, capture_output=True, text=True, check=True, env={**os.environ, "PYTHONPATH": PATH})
    assert done.stdout.strip() == "False", done.stderr
    assert (site / search.INDEX_PATH).read_bytes() == cold(starter)


# --------------------------------------------------------------- what a change re-analyses


def edited(index: dict[str, Any], n: int, words: str) -> dict[str, Any]:
    index["docs"][n]["text"] = (index["docs"][n].get("text") or "") + f"<p>{words}</p>"
    return index


def test_an_edited_entry_is_analysed_again_and_the_others_are_hits(built: Built, tmp_path: Path) -> None:
    with_cache(tmp_path, built.index(), built.pages)
    n = len(built.raw["docs"]) // 2
    index = edited(built.index(), n, "콜백예약메모를 남겼다")
    analyser = Counting()
    out, cache = with_cache(tmp_path, copy.deepcopy(index), built.pages, analyser)
    assert out == cold(built, index)
    # Only that entry; only the words no build had: 남겼다 is new, the rest is known.
    assert cache.misses == 1 and cache.hits == len(index["docs"])  # the others + the glossary's words
    assert set(analyser.words) <= {"콜백예약메모를", "남겼다"} and analyser.words
    doc = next(d for d in json.loads(out)["docs"] if d["location"] == index["docs"][n]["location"])
    assert "예약메모" in doc[search.TEXT_FIELD].split()  # the new words are found


def test_a_live_cache_is_read_once_kept_across_builds_and_written_when_asked(built: Built, tmp_path: Path) -> None:
    """craftbook serve: one cache object for every rebuild, saved on the way out."""
    folder = tmp_path / "live"
    first = search.live_cache(folder)
    out = dump_index(augment_index(built.index(), built.pages, cache=first))
    assert out == cold(built) and first.misses
    assert not (folder / search_cache.FILE_NAME).exists()  # not after every build
    n = len(built.raw["docs"]) // 2
    index = edited(built.index(), n, "콜백예약메모를 남겼다")
    again = search.live_cache(folder)
    assert again is first
    analyser = Counting()
    out = dump_index(augment_index(copy.deepcopy(index), built.pages, analyser=analyser, cache=again))
    assert out == cold(built, index)
    assert again.misses == 1 and set(analyser.words) <= {"콜백예약메모를", "남겼다"}
    search.save_live_caches()
    # What the last build used is what a fresh process finds.
    fresh = Counting()
    out, cache = with_cache(folder, copy.deepcopy(index), built.pages, fresh)
    assert fresh.calls == [] and cache.misses == 0
    assert out == cold(built, index)
    search._LIVE.clear()


def test_a_changed_glossary_changes_what_its_entries_get(starter: Built, tmp_path: Path) -> None:
    with_cache(tmp_path, starter.index(), starter.pages)
    pages = copy.deepcopy(starter.pages)
    glossary = next(meta for meta in pages.values() if meta and meta.get("synonyms"))
    group = next(g for g in glossary["synonyms"] if g[0] == "슈퍼바이저")
    group.append("현장관리자")
    analyser = Counting()
    out, cache = with_cache(tmp_path, starter.index(), pages, analyser)
    assert out == cold(starter, pages=pages)
    assert analyser.words == ["현장관리자"]  # every entry was looked at again, with the words it had
    assert cache.hits == 0
    found = [d for d in json.loads(out)["docs"] if "현장관리자" in (d.get(search.TEXT_SYNONYMS) or "").split()]
    assert found  # the sections that say 슈퍼바이저 are found by the new name
    assert "현장관리자" not in cold(starter).decode()  # … which the old glossary did not give them


def test_a_changed_separator_or_release_is_a_new_cache(starter: Built, tmp_path: Path) -> None:
    with_cache(tmp_path, starter.index(), starter.pages)
    index = starter.index()
    index["config"]["separator"] = r"[\s]+"
    out, cache = with_cache(tmp_path, copy.deepcopy(index), starter.pages)
    assert cache.hits == 0 and out == cold(starter, index)
    other = search_cache.SearchCache(tmp_path, "craftbook 0.0.1; another release", search.ANALYSED_FIELDS)
    assert other.ignored and other.morphs("상담") is None


# --------------------------------------------------------------- a cache file it cannot use


def spoil(change: Callable[[dict[str, Any], list[Any]], None]) -> Callable[[bytes], bytes]:
    """A change to the parsed file (given the file and its first entry that has fields)."""

    def apply(data: bytes) -> bytes:
        raw = json.loads(data)
        change(raw, next(e for e in raw["entries"] if e[1]))
        return json.dumps(raw, ensure_ascii=False).encode()

    return apply


def _set(target: Any, key: Any, value: Any) -> None:
    target[key] = value


CORRUPTIONS: dict[str, Callable[[bytes], bytes]] = {
    "truncated": lambda data: data[: len(data) // 2],
    "empty": lambda data: b"",
    "not utf-8": lambda data: b"\xff\xfe" + data,
    "not json": lambda data: b"import os; os.system('x')",
    "a list": lambda data: b"[1, 2, 3]",
    "another layout": spoil(lambda raw, e: _set(raw, "layout", "craftbook-search-cache/0")),
    "another stamp": spoil(lambda raw, e: _set(raw, "stamp", "craftbook 9.9")),
    "words not a list": spoil(lambda raw, e: _set(raw, "words", {"상담": []})),
    "a morpheme past its word": spoil(lambda raw, e: _set(raw["words"][0][1][0], 3, 99)),
    "a morpheme not five items": spoil(lambda raw, e: _set(raw["words"][0][1], 0, ["상담", "NNG"])),
    "a start that is text": spoil(lambda raw, e: _set(raw["words"][0][1][0], 2, "0")),
    "a word twice": spoil(lambda raw, e: raw["words"].append(raw["words"][0])),
    "an unknown field": spoil(lambda raw, e: _set(e[1][0], 0, "text")),
    "a field twice": spoil(lambda raw, e: e[1].append(e[1][0])),
    "a field that is not text": spoil(lambda raw, e: _set(e[1][0], 1, ["관리자"])),
    "a word position past the list": spoil(lambda raw, e: _set(e, 2, [10**6])),
    "a word position that is a float": spoil(lambda raw, e: _set(e, 2, [1.0])),
    "a word position twice": spoil(lambda raw, e: _set(e, 2, [1, 0])),
    "an entry not three items": spoil(lambda raw, e: _set(raw, "entries", [["key"]])),
    "a key twice": spoil(lambda raw, e: raw["entries"].append(e)),
}


@pytest.mark.parametrize("kind", CORRUPTIONS)
def test_a_bad_cache_file_is_ignored_and_overwritten(starter: Built, tmp_path: Path, kind: str) -> None:
    with_cache(tmp_path, starter.index(), starter.pages)
    stored = tmp_path / search_cache.FILE_NAME
    good = json.loads(stored.read_bytes())
    stored.write_bytes(CORRUPTIONS[kind](stored.read_bytes()))
    out, cache = with_cache(tmp_path, starter.index(), starter.pages)
    assert cache.ignored and cache.hits == 0
    assert out == cold(starter)
    assert json.loads(stored.read_bytes()) == good  # rewritten whole by the build that ignored it


def test_a_cache_that_cannot_be_read_or_written_costs_time_not_the_build(starter: Built, tmp_path: Path) -> None:
    (tmp_path / search_cache.FILE_NAME).mkdir()  # not a file: unreadable, and nothing can replace it
    out, cache = with_cache(tmp_path, starter.index(), starter.pages)
    assert cache.ignored and out == cold(starter)
    blocked = tmp_path / "a-file"
    blocked.write_text("")  # the cache folder would have to be inside a file
    out, cache = with_cache(blocked / "cache", starter.index(), starter.pages)
    assert out == cold(starter) and not cache.save()


def test_a_tampered_entry_of_the_right_shape_changes_only_that_entry(starter: Built, tmp_path: Path) -> None:
    """The cache is trusted as far as its shape: what it can do is add search tokens to
    the entry whose key it names, never script (the index is JSON the worker reads)."""
    with_cache(tmp_path, starter.index(), starter.pages)
    stored = tmp_path / search_cache.FILE_NAME
    raw = json.loads(stored.read_bytes())
    next(e for e in raw["entries"] if e[1])[1][0][1] = "<script>alert(1)</script>"
    stored.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    out, cache = with_cache(tmp_path, starter.index(), starter.pages)
    assert cache.ignored is None
    pairs = zip(json.loads(out)["docs"], json.loads(cold(starter))["docs"], strict=True)
    changed = [(a, b) for a, b in pairs if a != b]
    assert len(changed) >= 1 and all(a["title"] == b["title"] and a["text"] == b["text"] for a, b in changed)


# --------------------------------------------------------------- bounded, atomic


def test_the_cache_holds_only_what_the_last_build_used(synthetic: Built, tmp_path: Path) -> None:
    folder, fresh = tmp_path / "used", tmp_path / "fresh"
    for round_ in range(6):
        index = synthetic.index()
        for n in range(round_, len(index["docs"]), 7):  # a different seventh of the entries each time
            edited(index, n, f"회차{round_}메모 {n}번째상담")
        with_cache(folder, copy.deepcopy(index), synthetic.pages)
    with_cache(fresh, copy.deepcopy(index), synthetic.pages)
    # After six different builds the file is the one a single build of the last makes.
    assert (folder / search_cache.FILE_NAME).read_bytes() == (fresh / search_cache.FILE_NAME).read_bytes()
    raw = json.loads((folder / search_cache.FILE_NAME).read_bytes())
    assert not any("회차0메모" in w for w, _ in raw["words"])


def test_a_killed_writers_temporary_file_is_never_read_and_is_removed_later(starter: Built, tmp_path: Path) -> None:
    with_cache(tmp_path, starter.index(), starter.pages)
    stale = tmp_path / ".search-killed.tmp"
    stale.write_bytes((tmp_path / search_cache.FILE_NAME).read_bytes()[:100])
    old = time.time() - search_cache.STALE_TEMP_SECONDS - 60
    os.utime(stale, (old, old))
    running = tmp_path / ".search-running.tmp"
    running.write_bytes(b"{")  # another build writing right now
    index = edited(starter.index(), 0, "새로운낱말")
    out, cache = with_cache(tmp_path, copy.deepcopy(index), starter.pages)
    assert cache.ignored is None and out == cold(starter, index)
    assert not stale.exists() and running.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".search-running.tmp", search_cache.FILE_NAME]


def test_builds_at_once_leave_a_whole_cache(starter: Built, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    shutil.copytree(starter.cache_dir, folder)  # warm: the writers need no Kiwi (memory)
    (tmp_path / "pages.json").write_text(json.dumps(starter.pages), encoding="utf-8")
    script = (
        "import json, sys\nfrom pathlib import Path\nfrom craftbook import search\n"
        "pages, folder, raw = json.loads(Path(sys.argv[1]).read_text()), Path(sys.argv[2]), sys.stdin.read()\n"
        "for n in range(4):\n"
        "    index = json.loads(raw)\n"
        "    index['docs'][n]['text'] += f'<p>{sys.argv[3]} {n}</p>'  # a new entry, no new word\n"
        "    cache = search.open_cache(folder)\n"
        "    search.augment_index(index, pages, cache=cache)\n"
        "    assert cache.ignored is None, cache.ignored\n"
        "    cache.save()\n"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(tmp_path / "pages.json"), str(folder), str(i)],
            stdin=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": PATH},
        )
        for i in range(3)
    ]
    for proc in procs:
        proc.communicate(json.dumps(starter.raw).encode())
        assert proc.returncode == 0
    cache = search.open_cache(folder)
    assert cache.ignored is None and cache.morphs("상담") is not None
    # Each cache whole, no temporary file left (the parse cache is written beside it).
    assert sorted(p.name for p in folder.iterdir()) == sorted([parse_cache.FILE_NAME, search_cache.FILE_NAME])


# --------------------------------------------------------------- craftbook search-index --cache


def test_search_index_keeps_its_cache_where_told(starter: Built, tmp_path: Path) -> None:
    outs = []
    for name in ("a", "b"):
        site = tmp_path / name
        (site / search.INDEX_PATH).parent.mkdir(parents=True)
        (site / search.INDEX_PATH).write_text(json.dumps(starter.raw), encoding="utf-8")
        result = CliRunner().invoke(main, ["search-index", str(site), "--cache", str(tmp_path / "cache")])
        assert result.exit_code == 0, result.output
        outs.append((site / search.INDEX_PATH).read_bytes())
    assert (tmp_path / "cache" / search_cache.FILE_NAME).is_file()
    assert outs[0] == outs[1] == cold(starter, pages={})


# --------------------------------------------------------------- the memo changes nothing


def reference_field_analysis(
    runs: list[list[str]], analysed: Mapping[str, Sequence[Morph]], names: bool, synonyms: Synonyms
) -> tuple[list[str], list[str]]:
    """field_analysis as it was before each token was worked out once (issue 17)."""
    hangul = search._HANGUL
    terms: list[str] = []
    groups: list[int] = []
    run_limit = search.RUN_LIMIT if names else 1
    for run in runs:
        infos = [word_info(token, analysed, lemmas=names) for token in run]
        if synonyms.lookup:
            groups += reference_groups_in(run, infos, synonyms)
        for i, info in enumerate(infos):
            terms += info.terms
            if info.whole and info.stem and hangul.search(info.stem):
                joined = info.stem
                for nxt in infos[i + 1 : i + run_limit]:
                    if not (nxt.stem and hangul.search(nxt.stem)):
                        break
                    joined += nxt.stem
                    if not nxt.whole:
                        break
                if joined != info.stem:
                    terms.append(joined.lower())
    surface = {token for run in runs for token in run}
    extra = [t for t in dict.fromkeys(terms) if t not in surface]
    if not groups:
        return extra, []
    have = surface | set(extra)
    found = [t for g in dict.fromkeys(groups) for t in synonyms.tokens[g]]
    return extra, [t for t in dict.fromkeys(found) if t not in have]


def reference_groups_in(run: list[str], infos: list[WordInfo], synonyms: Synonyms) -> list[int]:
    found: list[int] = []
    cores = [info.stem or token for token, info in zip(run, infos, strict=True)]
    for i, (token, info) in enumerate(zip(run, infos, strict=True)):
        for key in (token, cores[i], *info.terms):
            if key in synonyms.lookup:
                found.append(synonyms.lookup[key])
        joined = cores[i]
        for core in cores[i + 1 : i + synonyms.span]:
            joined += core
            if joined in synonyms.lookup:
                found.append(synonyms.lookup[joined])
    return found


@dataclass
class Vocabulary:
    tokens: list[str]
    analysed: Mapping[str, Sequence[Morph]]
    groups: list[list[str]]
    separator: str


@pytest.fixture(scope="module")
def vocabulary(starter: Built) -> Vocabulary:
    separator = starter.raw["config"]["separator"]
    runs = [run for doc in starter.raw["docs"] for f in ("title", "text") for run in search.tokens(doc[f], separator)]
    groups = search.synonym_groups(starter.pages)
    names = [run for g in groups for name in g for run in search.tokens(name, separator)]
    tokens = sorted({t for run in runs for t in run})
    words = sorted({p for run in runs + names for t in run for p in search.needs_analysis(t)})
    return Vocabulary(tokens, search.kiwi_analyser(words), groups, separator)


def test_every_field_of_the_starter_library_is_analysed_as_before(starter: Built, vocabulary: Vocabulary) -> None:
    synonyms = Synonyms.of(vocabulary.groups, vocabulary.separator, vocabulary.analysed)
    for doc in starter.raw["docs"]:
        for field in ("title", "text"):
            runs = search.tokens(doc[field], vocabulary.separator)
            for names in (False, True):
                expected = reference_field_analysis(runs, vocabulary.analysed, names, synonyms)
                assert search.field_analysis(runs, vocabulary.analysed, names, synonyms) == expected


@settings(max_examples=300)
@given(data=st.data())
def test_any_run_of_the_libraries_words_is_analysed_as_before(vocabulary: Vocabulary, data: st.DataObject) -> None:
    words = st.sampled_from(vocabulary.tokens)
    runs = data.draw(st.lists(st.lists(words, min_size=1, max_size=8), max_size=4))
    groups = data.draw(st.lists(st.sampled_from(vocabulary.groups), max_size=6))
    names = data.draw(st.booleans())
    synonyms = Synonyms.of(groups, vocabulary.separator, vocabulary.analysed) if groups else NO_SYNONYMS
    expected = reference_field_analysis(runs, vocabulary.analysed, names, synonyms)
    assert search.field_analysis(runs, vocabulary.analysed, names, synonyms) == expected
