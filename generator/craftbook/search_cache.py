"""The file that keeps the Korean search step's work between builds.

`craftbook.search` decides what is cached and under which key; this module only keeps
it: one JSON file, `search.json`, in the folder the caller names (the plugin names
`<project>/.craftbook/cache`, beside mkdocs.yml, git-ignored). It holds

- words: each word the analyser has seen → its morphemes, as
  `[form, tag, start, end, lemma]` (Kiwi's tokens, out of context);
- entries: a key (a hash of everything one search index entry's extra fields depend
  on) → those fields as `[name, value]` pairs, and the words the entry's analysis
  read, as ascending positions in the word list written as the steps between them
  (3, 1, 4 for 2, 3, 7: half the bytes of the positions themselves).

It is read and written as every cache file is (craftbook.cache_file: plain JSON,
bounded, atomic, its whole shape checked before any of it is used, a bad file ignored
whole and rewritten). Also:

- Bounded. A save keeps only the entries this build used (hits and new ones) and the
  words those entries read, so the file follows the library instead of growing with
  every edit.
- Quiet. Failing to read or write the cache costs time, not the build: it is logged
  (INFO, so `--strict` does not count it) and the build goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

from .cache_file import STALE_TEMP_SECONDS, BadCache, encode_json, read_json, write_atomically

__all__ = ["STALE_TEMP_SECONDS", "BadCache", "SearchCache"]

log = logging.getLogger("mkdocs.plugins.craftbook")

FILE_NAME = "search.json"
LAYOUT = "craftbook-search-cache/1"  # this module's file layout; the caller's stamp is separate
# A larger file is not read: 1,000 synthetic documents make about 2.3 MB (README "Search").
MAX_BYTES = 64 * 1024 * 1024
_TEMP_PREFIX = ".search-"

MorphTuple = tuple[str, str, int, int, str]  # form, tag, start, end, lemma
Fields = tuple[tuple[str, str], ...]  # an entry's extra fields, in the order the index has them


class SearchCache:
    """One build's view of the cache file: read once on creation, written by `save`.

    `stamp` names everything the cached results depend on besides the keys (versions
    of the analyser and of the rules); a file with another stamp is ignored whole.
    `fields` are the entry field names the caller accepts; any other is a bad file.
    """

    def __init__(self, folder: Path, stamp: str, fields: Collection[str]) -> None:
        self.folder = folder
        self.path = folder / FILE_NAME
        self.stamp = stamp
        self.fields = frozenset(fields)
        self._word_list: list[str] = []
        self._words: dict[str, tuple[MorphTuple, ...]] = {}
        self._old: dict[str, tuple[Fields, list[int]]] = {}
        self._kept: dict[str, tuple[Fields, list[int] | tuple[str, ...]]] = {}
        self._added_words = False
        self._added_entries = False
        self._touched = False
        self.hits = 0
        self.misses = 0
        self.new_words = 0  # words analysed since the last `carry` (Kiwi was needed)
        self.ignored: str | None = None  # why the file on disk was not used, if it was not
        # Not stored: craftbook.search's keys of the entries of the last build that used
        # this cache (id of the entry → the entry, its inputs and its key), for the next
        # build of the same process (`craftbook serve`).
        self.entry_keys: dict[int, tuple[Any, ...]] = {}
        try:
            self._load()
        except FileNotFoundError:
            pass
        except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
            self._word_list, self._words, self._old = [], {}, {}
            self.ignored = str(exc) or type(exc).__name__
            log.info("search cache %s ignored (%s); this build rewrites it", self.path, self.ignored)

    # ----------------------------------------------------------------- reading

    def _load(self) -> None:
        raw = read_json(self.path, MAX_BYTES)
        if not isinstance(raw, dict) or raw.get("layout") != LAYOUT:
            raise BadCache("not a Craftbook search cache of this layout")
        if raw.get("stamp") != self.stamp:
            raise BadCache("written by another version of Craftbook, Kiwi or the search rules")
        word_list, words = _words_of(raw.get("words"))
        self._old = _entries_of(raw.get("entries"), len(word_list), self.fields)
        self._word_list, self._words = word_list, words

    def morphs(self, word: str) -> tuple[MorphTuple, ...] | None:
        """A word's morphemes as analysed before (None: never analysed, or not kept)."""
        return self._words.get(word)

    def entry(self, key: str) -> Fields | None:
        """An entry's extra fields (None: not cached); a hit is kept by the next save."""
        self._touched = True
        found = self._kept.get(key) or self._old.get(key)
        if found is None:
            self.misses += 1
            return None
        self.hits += 1
        self._kept[key] = found
        return found[0]

    # ----------------------------------------------------------------- adding

    def add_morphs(self, word: str, morphs: Iterable[MorphTuple]) -> None:
        self._touched = True
        self.new_words += 1
        self._words[word] = tuple(morphs)
        self._added_words = True

    def add_entry(self, key: str, fields: Fields, words: Iterable[str]) -> None:
        """Remember an entry's fields and the words its analysis read (all of which must
        have been given to `add_morphs` or found by `morphs`)."""
        self._touched = True
        if any(name not in self.fields for name, _ in fields):
            raise ValueError(f"unknown search cache fields: {[name for name, _ in fields]}")
        self._kept[key] = (tuple(fields), tuple(words))
        self._added_entries = True

    def carry(self) -> None:
        """Start another build of the same process from everything known so far: what
        the last build used stays at hand, and the next `save` keeps what that build
        uses (`craftbook serve` keeps one cache for all its rebuilds, see search.live_cache)."""
        self._old.update(self._kept)
        self._kept = {}
        self.hits = self.misses = self.new_words = 0

    # ----------------------------------------------------------------- writing

    def save(self) -> bool:
        """Write what this build used, atomically; False when nothing needed writing or
        the folder could not be written (logged, never raised)."""
        if not self._touched:
            return False  # nothing was looked up: not this build's cache to prune
        unchanged = (
            self.ignored is None
            and not self._added_words
            and not self._added_entries
            and self._kept.keys() == self._old.keys()
        )
        if unchanged and self.path.exists():
            return False
        try:
            write_atomically(self.path, self._encode(), _TEMP_PREFIX)
        except OSError as exc:
            log.info("search cache not saved to %s (%s); the next build analyses again", self.path, exc)
            return False
        return True

    def _encode(self) -> bytes:
        entries: list[tuple[str, Fields, tuple[str, ...]]] = []
        used: set[str] = set()
        for key, (fields, words) in self._kept.items():
            names = tuple(self._word_list[i] for i in words) if isinstance(words, list) else words
            entries.append((key, fields, names))
            used.update(names)
        word_list = sorted(w for w in used if w in self._words)
        position = {w: i for i, w in enumerate(word_list)}
        raw: dict[str, Any] = {
            "layout": LAYOUT,
            "stamp": self.stamp,
            "words": [[w, [list(m) for m in self._words[w]]] for w in word_list],
            "entries": [
                [key, [list(f) for f in fields], _gaps(sorted({position[w] for w in names if w in position}))]
                for key, fields, names in sorted(entries)
            ],
        }
        return encode_json(raw)


# --------------------------------------------------------------------- shape checks


def _words_of(raw: object) -> tuple[list[str], dict[str, tuple[MorphTuple, ...]]]:
    if not isinstance(raw, list):
        raise BadCache("words: not a list")
    word_list: list[str] = []
    words: dict[str, tuple[MorphTuple, ...]] = {}
    for item in raw:
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str) and item[0]):
            raise BadCache("words: an item is not [word, morphemes]")
        word, morphs = item
        if word in words or not isinstance(morphs, list):
            raise BadCache(f"words: {word!r} twice or without a list of morphemes")
        words[word] = tuple(_morph_of(word, m) for m in morphs)
        word_list.append(word)
    return word_list, words


def _morph_of(word: str, raw: object) -> MorphTuple:
    if isinstance(raw, list) and len(raw) == 5:
        form, tag, start, end, lemma = raw
        if (
            isinstance(form, str)
            and isinstance(tag, str)
            and isinstance(lemma, str)
            and type(start) is int
            and type(end) is int
            and 0 <= start <= end <= len(word)
        ):
            return form, tag, start, end, lemma
    raise BadCache(f"words: a morpheme of {word!r} is not [form, tag, start, end, lemma] within the word")


def _entries_of(raw: object, word_count: int, fields: frozenset[str]) -> dict[str, tuple[Fields, list[int]]]:
    if not isinstance(raw, list):
        raise BadCache("entries: not a list")
    entries: dict[str, tuple[Fields, list[int]]] = {}
    for item in raw:
        if not (isinstance(item, list) and len(item) == 3 and isinstance(item[0], str)):
            raise BadCache("entries: an item is not [key, fields, words]")
        key, pairs, words = item
        if key in entries or not isinstance(pairs, list) or not isinstance(words, list):
            raise BadCache("entries: a key twice, or fields or words not lists")
        names: set[str] = set()
        for pair in pairs:
            if not (isinstance(pair, list) and len(pair) == 2 and pair[0] in fields and isinstance(pair[1], str)):
                raise BadCache(f"entries: a field is not [one of {sorted(fields)}, text]")
            if pair[0] in names:
                raise BadCache(f"entries: field {pair[0]!r} twice in one entry")
            names.add(pair[0])
        positions, at = [], -1
        for gap in words:
            if type(gap) is not int or gap < 1 or at + gap >= word_count:
                raise BadCache("entries: a word is not a position in the word list")
            at += gap
            positions.append(at)
        entries[key] = (tuple((name, value) for name, value in pairs), positions)
    return entries


def _gaps(positions: list[int]) -> list[int]:
    """Ascending positions as the steps between them (from -1): small numbers, short JSON."""
    return [b - a for a, b in zip([-1, *positions], positions, strict=False)]
