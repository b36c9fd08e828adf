"""The file that keeps what reading each YAML file gave, between builds (issue 17).

Reading a library (libyaml's events turned into data and a source map) was a third of
the generator's time in a build. A file whose bytes a previous build read already is
not read again: `parsed.json`, in the folder the caller names (`<project>/.craftbook/
cache`, kept between CI runs by the Pages workflow beside the search cache), holds for
each file, under a hash of its bytes,

- its data, as JSON, with the few YAML values JSON lacks tagged: a date `{"$d": "…"}`,
  a mapping whose keys are not all plain text `{"$m": [[key, value], …]}`;
- how its typed scalars and keys were written (`SourceMap.scalars`, `key_scalars`),
  which the one-document rules read for every file (030 read as octal 24, …).

Only files the reader had nothing to say about are kept (no notes: no duplicate key, no
refused character, …), and only plain values (text, whole and decimal numbers, true/false,
null, dates; keys text or whole numbers): anything else is read again each time. The
lines and columns of values (`SourceMap.values`, `keys`) are needed only to locate a
problem, so they are kept only for files that had one (`keep_marks`: a warning recurs
at every build); for the others `LazySourceMap` reads the file's text again the first
time one is asked for (a cross-file problem), which gives what the first reading gave.

The file is read and written as every cache file is (craftbook.cache_file): plain JSON,
bounded, atomic; a file of another layout or stamp is ignored whole, an entry is checked
whole before it is used (a bad one: that file is read again), and a save keeps only the
files this build read. An entry is trusted to be what reading those bytes gives: only
this project's builds write the file (in CI, the Pages workflow on its own branch).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from .cache_file import BadCache, encode_json, read_json, write_atomically
from .load import KeyPath, LoadError, Mark, Scalar, SourceMap

log = logging.getLogger("mkdocs.plugins.craftbook")

FILE_NAME = "parsed.json"
LAYOUT = "craftbook-parse-cache/1"
MAX_BYTES = 64 * 1024 * 1024  # 1,000 synthetic documents make about 3 MB: room for 20,000
_TEMP_PREFIX = ".parsed-"


class _NotPlain(Exception):
    """A value this cache does not keep (the file is read again each time)."""


def stamp() -> str:
    """What reading depends on besides the bytes: the reader's source, PyYAML and
    libyaml, and Python (its Unicode tables normalise text)."""
    from . import __version__, load

    source = hashlib.blake2b(digest_size=8)
    source.update(Path(load.__file__).read_bytes())
    try:
        pyyaml = version("PyYAML")
    except PackageNotFoundError:
        pyyaml = "unknown"
    import yaml

    libyaml = bool(getattr(yaml, "__with_libyaml__", False))  # which parser reads (load._FAST_LOADER)
    return (
        f"craftbook {__version__}; load {source.hexdigest()}; pyyaml {pyyaml} libyaml {libyaml}; "
        f"python {sys.version_info[0]}.{sys.version_info[1]}; unicode {_unicode_version()}"
    )


def _unicode_version() -> str:
    import unicodedata

    return unicodedata.unidata_version


def key_of(raw: bytes) -> str:
    """The cache key of a file's bytes."""
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


class ParseCache:
    """One build's view of `parsed.json`: read once on creation, written by `save`."""

    def __init__(self, folder: Path, stamp_: str | None = None) -> None:
        self.path = folder / FILE_NAME
        self.stamp = stamp_ if stamp_ is not None else stamp()
        self._old: dict[str, Any] = {}
        self._kept: dict[str, Any] = {}
        self._added = False
        self.hits = self.misses = 0
        self.ignored: str | None = None
        try:
            raw = read_json(self.path, MAX_BYTES)
            if not isinstance(raw, dict) or raw.get("layout") != LAYOUT:
                raise BadCache("not a Craftbook parse cache of this layout")
            if raw.get("stamp") != self.stamp:
                raise BadCache("written by another version of Craftbook, PyYAML or Python")
            files = raw.get("files")
            if not isinstance(files, dict) or not all(_well_formed(v) for v in files.values()):
                raise BadCache("files: not a mapping of key → {data, scalars, key_scalars}")
            self._old = files
        except FileNotFoundError:
            pass
        except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
            self._old = {}
            self.ignored = str(exc) or type(exc).__name__
            log.info("parse cache %s ignored (%s); this build rewrites it", self.path, self.ignored)

    def key_of(self, raw: bytes) -> str:
        return key_of(raw)

    def get(self, key: str, text: str) -> tuple[dict[str, Any], SourceMap] | None:
        """The data and source map a file of these bytes (`text`, decoded) gave; None:
        not kept, or not readable as kept (then the file is read again)."""
        stored = self._kept.get(key) or self._old.get(key)
        if stored is None:
            self.misses += 1
            return None
        try:
            data = _decode(stored["data"])
            scalars = _decode_scalars(stored["scalars"])
            key_scalars = _decode_scalars(stored["key_scalars"])
            marks = _decode_marks(stored["marks"]) if "marks" in stored else None
        except (BadCache, ValueError, TypeError, KeyError, RecursionError):
            self.misses += 1
            self._added = True  # the bad entry goes with the next save
            return None
        if not isinstance(data, dict):
            self.misses += 1
            return None
        self.hits += 1
        self._kept[key] = stored
        return data, LazySourceMap(text, scalars=scalars, key_scalars=key_scalars, marks=marks)

    def put(self, key: str, data: dict[str, Any], source: SourceMap) -> None:
        """Keep what reading a file gave, if the reader had nothing to say about it and
        its values are all plain."""
        if source.notes:
            return
        try:
            stored = {
                "data": _encode(data),
                "scalars": _encode_scalars(source.scalars),
                "key_scalars": _encode_scalars(source.key_scalars),
            }
        except (_NotPlain, RecursionError):
            return
        self._kept[key] = stored
        self._added = True

    def keep_marks(self, key: str, source: SourceMap) -> None:
        """Keep the line and column of every value and key of a kept file too: one with
        problems to locate (warnings recur at every build) then need not be read again."""
        stored = self._kept.get(key)
        if stored is None or "marks" in stored:
            return
        try:
            marks = [[list(p), m.line, m.column, 0] for p, m in source.values.items()]
            marks += [[list(p), m.line, m.column, 1] for p, m in source.keys.items()]
            if not all(_plain_path(item[0]) for item in marks):
                return
        except LoadError:
            return  # the text no longer parses as it did: leave it to be read again
        self._kept[key] = {**stored, "marks": marks}
        self._added = True

    def save(self) -> bool:
        """Write the files this build read, if that changes the file; never raises."""
        if not self._added and self.ignored is None and self._kept.keys() == self._old.keys():
            return False
        raw = {"layout": LAYOUT, "stamp": self.stamp, "files": dict(sorted(self._kept.items()))}
        try:
            write_atomically(self.path, encode_json(raw), _TEMP_PREFIX)
        except OSError as exc:
            log.info("parse cache not saved to %s (%s); the next build reads the library again", self.path, exc)
            return False
        return True


class LazySourceMap(SourceMap):
    """A cached file's source map: its typed scalars at hand, the line and column of
    every value read from its text the first time one is asked for (to locate a problem)."""

    def __init__(
        self,
        text: str,
        *,
        scalars: dict[KeyPath, Scalar],
        key_scalars: dict[KeyPath, Scalar],
        marks: tuple[dict[KeyPath, Mark], dict[KeyPath, Mark]] | None = None,
    ) -> None:
        # Not SourceMap's own __init__: `values` and `keys` are properties here.
        self.scalars = scalars
        self.key_scalars = key_scalars
        self.notes = []  # only files without notes are kept
        self._text = text
        self._full: SourceMap | None = None
        if marks is not None:  # kept by an earlier build (`ParseCache.keep_marks`)
            self._full = SourceMap(values=marks[0], keys=marks[1])

    def _read(self) -> SourceMap:
        if self._full is None:
            from .load import parse_text

            _, self._full = parse_text(self._text)
        return self._full

    @property  # type: ignore[override]
    def values(self) -> dict[KeyPath, Any]:
        return self._read().values

    @property  # type: ignore[override]
    def keys(self) -> dict[KeyPath, Any]:
        return self._read().keys


# ----------------------------------------------------------------------- the codec

_PLAIN = (str, int, float, bool, type(None))


def _encode(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is int or kind is bool or kind is float or value is None:
        return value
    if kind is list:
        return [_encode(v) for v in value]
    if kind is dict:
        if all(type(k) is str and not k.startswith("$") for k in value):
            return {k: _encode(v) for k, v in value.items()}
        if not _plain_path(value):
            raise _NotPlain
        return {"$m": [[k, _encode(v)] for k, v in value.items()]}
    if kind is dt.date:
        return {"$d": value.isoformat()}
    raise _NotPlain  # datetimes, and anything a later reader might give


def _decode(value: Any) -> Any:
    kind = type(value)
    if kind is list:
        return [_decode(v) for v in value]
    if kind is dict:
        if len(value) == 1:
            if "$d" in value:
                text = value["$d"]
                if type(text) is not str:
                    raise BadCache("a date is not text")
                return dt.date.fromisoformat(text)
            if "$m" in value:
                pairs = value["$m"]
                if type(pairs) is not list:
                    raise BadCache("a mapping is not a list of pairs")
                out: dict[Any, Any] = {}
                for pair in pairs:
                    if type(pair) is not list or len(pair) != 2 or type(pair[0]) not in (str, int):
                        raise BadCache("a mapping's pair is not [key, value]")
                    out[pair[0]] = _decode(pair[1])
                return out
        for k in value:
            if k.startswith("$"):
                raise BadCache("an unknown tag")
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, _PLAIN):
        return value
    raise BadCache("not a JSON value")


def _encode_scalars(table: dict[KeyPath, Scalar]) -> list[Any]:
    out = []
    for path, scalar in table.items():
        if not _plain_path(path):
            raise _NotPlain
        out.append([list(path), scalar.text, scalar.tag, scalar.quoted])
    return out


def _plain_path(keys: Any) -> bool:
    """Keys this cache keeps (of a path, or of a mapping): text or whole numbers only."""
    return all(type(k) in (str, int) for k in keys)


def _records(raw: Any, what: str, fields: str) -> list[tuple[KeyPath, Any, Any, Any]]:
    """A list of `[path, a, b, c]` records, checked as far as their paths go."""
    if type(raw) is not list:
        raise BadCache(f"{what}: not a list")
    records = []
    for item in raw:
        if type(item) is not list or len(item) != 4:
            raise BadCache(f"{what}: an item is not [path, {fields}]")
        path, a, b, c = item
        if type(path) is not list or not _plain_path(path):
            raise BadCache(f"{what}: a path is not a list of keys")
        records.append((tuple(path), a, b, c))
    return records


def _decode_scalars(raw: Any) -> dict[KeyPath, Scalar]:
    table: dict[KeyPath, Scalar] = {}
    for path, text, tag, quoted in _records(raw, "scalars", "text, tag, quoted"):
        if type(text) is not str or type(tag) is not str or type(quoted) is not bool:
            raise BadCache("scalars: text, tag or quoted of the wrong type")
        table[path] = Scalar(text, tag, quoted)
    return table


def _decode_marks(raw: Any) -> tuple[dict[KeyPath, Mark], dict[KeyPath, Mark]]:
    values: dict[KeyPath, Mark] = {}
    keys: dict[KeyPath, Mark] = {}
    for path, line, column, is_key in _records(raw, "marks", "line, column, is a key"):
        if type(line) is not int or type(column) is not int or line < 1 or column < 1 or is_key not in (0, 1):
            raise BadCache("marks: line, column or kind of the wrong type")
        (keys if is_key else values)[path] = Mark(line, column)
    return values, keys


def _well_formed(stored: Any) -> bool:
    return (
        type(stored) is dict
        and stored.keys() - {"marks"} == {"data", "scalars", "key_scalars"}
        and type(stored["data"]) is dict
        and type(stored["scalars"]) is list
        and type(stored["key_scalars"]) is list
    )
