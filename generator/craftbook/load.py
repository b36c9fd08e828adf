"""YAML file → plain data that remembers the line and column of every key and value.

PyYAML gives marks only for syntax errors. Schema errors need them too, so we compose
the node graph ourselves and build the data from it, keeping a `SourceMap` from each
key path (`("steps", "open", "next", 1, "go")`) to where it stands in the file. The
same walk enforces the resource limits an untrusted file must not exceed (size, depth,
alias expansion) and refuses duplicate keys, which plain loaders silently drop.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, Protocol

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from .errors import Diagnostic

KeyPath = tuple[str | int, ...]

DEFAULT_MAX_BYTES = 1024 * 1024
MAX_DEPTH = 40
MAX_NODES = 200_000
MAX_ALIASES = 500
# Text an alias may multiply: never less than twice the file itself, so only aliases
# that repeat big values (a "string bomb") ever reach it.
MAX_EXPANDED_CHARS = 4 * 1024 * 1024


class Mark(NamedTuple):
    line: int
    column: int


@dataclass(frozen=True)
class Scalar:
    """How a scalar was written, so errors can explain surprising YAML typing."""

    text: str
    tag: str
    quoted: bool


class Note(NamedTuple):
    """A problem found while reading that does not stop the reading: the file is still
    validated, so a trainer sees this one together with every other of the file."""

    path: KeyPath | None  # the value it concerns (its message then starts with the path); None: no field
    mark: Mark
    message: str
    severity: str = "error"  # or "warning"


@dataclass
class SourceMap:
    values: dict[KeyPath, Mark] = field(default_factory=dict)
    keys: dict[KeyPath, Mark] = field(default_factory=dict)
    # Values YAML read as something other than text, and plain text spelt like a number
    # with a leading zero (`08`): the typing traps to explain.
    scalars: dict[KeyPath, Scalar] = field(default_factory=dict)
    # Keys of that sort (`050:` under anchors), by the path of the value they name.
    key_scalars: dict[KeyPath, Scalar] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)

    def locate(self, path: KeyPath, *, at_key: bool = False) -> Mark:
        """The mark of `path`, or of its nearest ancestor that has one."""
        probe = tuple(path)
        if at_key and probe in self.keys:
            return self.keys[probe]
        while probe:
            if probe in self.values:
                return self.values[probe]
            if probe in self.keys:
                return self.keys[probe]
            probe = probe[:-1]
        return self.values.get((), Mark(1, 1))


@dataclass
class LoadedFile:
    path: Path
    name: str  # relative to the library root, with forward slashes
    data: dict[str, Any]
    source: SourceMap
    cache_key: str | None = None  # its key in the parse cache it was read through, if any


class LoadError(Exception):
    def __init__(self, mark: Mark, message: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _mark(start: yaml.Mark) -> Mark:
    """PyYAML's 0-based position → the 1-based line and column an editor shows."""
    return Mark(start.line + 1, start.column + 1)


def _syntax_hint(problem: str, text: str, mark: yaml.Mark | None) -> str:
    line = ""
    if mark is not None:
        lines = text.splitlines()
        if 0 <= mark.line < len(lines):
            line = lines[mark.line]
    if "\t" in problem or "'\\t'" in problem or (line and "\t" in line[: (mark.column + 1 if mark else 0)]):
        return "tabs cannot indent YAML; indent with spaces (2 per level)"
    if "：" in line:
        return "a full-width colon '：' does not separate a key from its value; type ':' followed by a space"
    if "mapping values are not allowed" in problem:
        return "a value containing ': ' must be quoted, e.g. title: \"A: B\""
    return ""


FULL_WIDTH_COLONS = "：﹕︓"
# Spaces that look like a space and are not one to YAML: full-width (CJK input), and the
# non-breaking ones a Mac types with Option+Space or a web page pastes.
ODD_SPACES = "\u3000\u00a0\u202f\u2007"


def space_label(char: str) -> str:
    """How to name an odd space to the trainer who typed it."""
    if char == "\u3000":
        return "a full-width space '\u3000'"
    return f"a non-breaking space (U+{ord(char):04X})"


# A key at the start of a line (or after '- ') that ends in a full-width colon, or in ':'
# followed by a full-width space: both look right on screen and are not YAML.
_FULL_WIDTH_KEY = re.compile(
    rf"^(?P<indent>\s*(?:-\s+)?)(?P<key>[^\s#'\"\[\]{{}}:{FULL_WIDTH_COLONS}][^:#{FULL_WIDTH_COLONS}]*?)\s*"
    rf"(?P<colon>[{FULL_WIDTH_COLONS}]|:[{ODD_SPACES}])"
)


def _unclosed_bracket(exc: yaml.MarkedYAMLError, text: str) -> tuple[Mark, str] | None:
    """`title: [깨진 제목`: a value that starts with '[' or '{' opens a list or mapping,
    and PyYAML gives up lines later, at the next key. The slip is the bracket: say so
    there, with the quoted value to type if the bracket belongs to the text."""
    mark = exc.context_mark
    if mark is None or not (exc.context or "").startswith("while parsing a flow"):
        return None
    if not (exc.problem or "").startswith("expected ',' or"):
        return None
    lines = text.splitlines()
    line = lines[mark.line] if mark.line < len(lines) else ""
    opener = line[mark.column : mark.column + 1]
    if opener not in ("[", "{"):
        return None
    closer, what = ("]", "list") if opener == "[" else ("}", "mapping")
    rest = line[mark.column :]
    if " #" in rest:
        return _mark(mark), (
            f"invalid YAML: this '{opener}' starts a {what} that never closes: the ' #' in it starts a comment, "
            f"which hides the rest of the line; put each item that holds ' #' in quotes, e.g. {_quoted('a #b')}"
        )
    key = line[: mark.column].strip()
    quoted = f"{key} {_quoted(rest.rstrip())}".strip()
    return _mark(mark), (
        f"invalid YAML: this '{opener}' starts a {what} that is never closed with '{closer}'; close it, or, "
        f"if the bracket is part of the text, put the whole value in quotes: {quoted}"
    )


# `key: value` (or `- value`) on one line: where its value starts.
_VALUE_START = re.compile(r"^(?P<lead>\s*(?:-\s+)?(?:[^\s\[\]{}#'\"-][^:#]*:\s+)?)(?P<value>\S.*?)\s*$")
_KEY_LINE = re.compile(r"^(?P<indent>\s*)[^\s#'\"\[\]{}-][^:#]*:(\s|$)")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _explained_syntax(exc: yaml.MarkedYAMLError, text: str) -> tuple[Mark, str] | None:
    """The other slips PyYAML names in parser terms, said where the trainer made them,
    with what to type: a value that starts with a character YAML reserves, a quote that
    never closes or closes early, a backslash in double quotes, a missing ':', a line
    indented too far, a list item without a key."""
    problem, context = exc.problem or "", exc.context or ""
    lines = text.splitlines()

    def line_of(mark: yaml.Mark | None) -> str:
        return lines[mark.line] if mark is not None and mark.line < len(lines) else ""

    mark = exc.problem_mark
    line = line_of(mark)
    value = _VALUE_START.match(line)
    lead = value.group("lead").strip() if value else ""
    if context.startswith(("while scanning an alias", "while scanning an anchor")) and exc.context_mark is not None:
        start = exc.context_mark
        match = _VALUE_START.match(line_of(start))
        if match is not None and match.start("value") == start.column:
            char = match.group("value")[0]
            return _mark(start), (
                f"invalid YAML: a value that starts with '{char}' must be in quotes (YAML reads '{char}name' as "
                f"{'a reference to an anchor' if char == '*' else 'an anchor'}): "
                f"{match.group('lead').strip()} {_quoted(match.group('value'))}".rstrip()
            )
    if "cannot start any token" in problem and value is not None and mark.column == value.start("value"):
        char = value.group("value")[0]
        return _mark(mark), (
            f"invalid YAML: a value cannot start with '{char}' unless it is in quotes: "
            f"{lead} {_quoted(value.group('value'))}".rstrip()
        )
    if context.startswith(("while scanning a quoted scalar", "while scanning a double-quoted scalar")) and (
        exc.context_mark is not None
    ):
        start = exc.context_mark
        quote = line_of(start)[start.column : start.column + 1] or '"'
        if "unknown escape character" in problem:
            escape = problem.rsplit(" ", 1)[-1][1:-1]
            written = line_of(start)[start.column :]
            inner = written[1 : written.rfind('"')] if written.count('"') > 1 else written[1:]
            key = line_of(start)[: start.column].strip()
            return Mark(mark.line + 1, mark.column), (
                f"invalid YAML: inside \"…\" a backslash starts an escape, and '\\{escape}' is none; write the "
                f"value in single quotes instead: {key} '{inner}' (or write each backslash twice)"
            )
        return _mark(start), (
            f"invalid YAML: the quote {quote} here is never closed; end the value with {quote} "
            + ("(a ' inside '…' is written twice: '')" if quote == "'" else '(a " inside "…" is written \\")')
        )
    if problem.startswith("expected <block end>") and value is not None and value.group("value")[0] in "'\"":
        quote = value.group("value")[0]
        return Mark(mark.line + 1, value.start("value") + 1), (
            f"invalid YAML: the quote {quote} that starts this value closes before the value ends; "
            + (
                "inside '…' write a quote twice ('it''s') or quote the value with \"…\" instead"
                if quote == "'"
                else 'inside "…" write a quote as \\" or quote the value with \'…\' instead'
            )
        )
    if "could not find expected ':'" in problem and context.startswith("while scanning a simple key"):
        start = exc.context_mark
        return _mark(start), (
            f"invalid YAML: {line_of(start).strip()!r} has no ':' after its key; write 'key: value' "
            "(or, if it continues the line above, indent it under that value)"
        )
    if problem.startswith("expected <block end>, but found '-'") and mark is not None:
        return _mark(mark), (
            "invalid YAML: a list item ('- ') here belongs to no key; put it under its key, indented "
            "by two spaces (a line 'tags:', then '  - 항목')"
        )
    if "mapping values are not allowed" in problem and mark is not None:
        above = next((ln for ln in reversed(lines[: mark.line]) if ln.strip() and not ln.lstrip().startswith("#")), "")
        if _KEY_LINE.match(line) and _indent(line) > _indent(above) and _KEY_LINE.match(above):
            return Mark(mark.line + 1, _indent(line) + 1), (
                f"invalid YAML: this line is indented more than the one above, so YAML reads it as part of the "
                f"value of {above.split(':')[0].strip().lstrip('- ')!r}; line its key up with the keys above it"
            )
    return None


_BRACKET_VALUE = re.compile(r"^(?P<lead>\s*(?:-\s+)?(?:[^\s\[\]{}#'\"-][^:#]*:\s+)?)(?P<value>[\[{].*?)\s*$")


def _text_after_bracket(exc: yaml.MarkedYAMLError, text: str) -> tuple[Mark, str] | None:
    """`title: [공지] 해지 방어 교육`: a value that starts with a bracket is a list (or a
    mapping), which ends at ']'; the words after it are a syntax error PyYAML reports
    in its own terms. Say what happened at the value, and the quoted value to type."""
    mark = exc.problem_mark
    if mark is None or not (exc.problem or "").startswith("expected <block end>"):
        return None
    lines = text.splitlines()
    line = lines[mark.line] if mark.line < len(lines) else ""
    match = _BRACKET_VALUE.match(line)
    if match is None or mark.column <= match.end("lead"):
        return None
    value = match.group("value")
    opener = value[0]
    closer, what = ("]", "list") if opener == "[" else ("}", "mapping")
    return Mark(mark.line + 1, match.start("value") + 1), (
        f"invalid YAML: a value that starts with '{opener}' is a {what}, which ends at '{closer}', so the text "
        f"after it cannot follow; if the brackets are part of the text, put the whole value in quotes: "
        f"{match.group('lead').strip()} {_quoted(value)}".rstrip()
    )


def _authoring_slip(problem: str, text: str, marks: list[yaml.Mark]) -> tuple[Mark, str] | None:
    """The usual typing slips behind a syntax error, located where the trainer made them.

    PyYAML reports where parsing gave up, often the line after the slip, in parser
    terms ("could not find expected ':'"); a trainer needs the character to retype.
    """
    lines = text.splitlines()
    if "'\\t'" in problem and marks:
        mark = marks[0]
        line = lines[mark.line] if mark.line < len(lines) else ""
        if not line[: mark.column].strip(" -"):
            return _mark(mark), "invalid YAML: a tab indents this line; indent with spaces only (2 per level)"
        return _mark(mark), "invalid YAML: a tab where YAML expects a space; type a space instead (or quote the value)"
    rows = sorted({m.line for m in marks} | {m.line - 1 for m in marks if m.line > 0})
    for row in rows:
        if row >= len(lines):
            continue
        match = _FULL_WIDTH_KEY.match(lines[row])
        if not match:
            continue
        key, colon = match.group("key"), match.group("colon")
        at = Mark(row + 1, match.start("colon") + 1)
        if colon[0] == ":":
            return Mark(row + 1, match.start("colon") + 2), (
                f"invalid YAML: {space_label(colon[1])} after '{key}:'; type a normal space after ':'"
            )
        return at, (
            f"invalid YAML: a full-width colon {colon!r} after '{key}'; "
            f"a key ends with ':' followed by a space: '{key}: …'"
        )
    return None


_YAML_TAG = "tag:yaml.org,2002:"
_STR_TAG = _YAML_TAG + "str"
_NULL_TAG = _YAML_TAG + "null"
_MERGE_TAG = _YAML_TAG + "merge"
# The plain YAML types a document may hold. Any other tag asks the constructor for
# something Craftbook does not read: a Python object (`!!python/tuple`), bytes, a set
# (SECURITY.md: only plain YAML types; constructors are never run).
_PLAIN_TAGS = frozenset(_YAML_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map"))
_LANGUAGE_TAG = re.compile(r"(?:^|[:!/])(python|ruby|perl|java|php|js|javascript|dotnet|clojure)[/:]", re.I)
_RESOLVER = Resolver()  # the tag a plain scalar gets: the same rules the loaders apply
# First characters of a plain scalar that YAML may read as something other than text
# (null, bool, int, float, date, merge, ...): any other plain scalar is text.
_MAYBE_TYPED = frozenset(Resolver.yaml_implicit_resolvers)
_ANY_FIRST = None in _MAYBE_TYPED  # a resolver for any first character: always ask
# Text spelt like a number with a leading zero: YAML 1.1 reads `030` as octal 24 and
# `08` as text, and pydantic would turn the text into 8; an integer field refuses both.
LEADING_ZERO = re.compile(r"[-+]?0[0-9_]+")

# Characters no page, feed or e-mail may carry: those XML 1.0 forbids (C0 controls but
# tab, line feed, carriage return; surrogates; U+FFFE, U+FFFF), the other control
# characters (DEL, C1) and the noncharacters XML 1.0 discourages. The YAML reader
# refuses most of them raw; escapes in double quotes ("\x00", "\uFFFE") make them.
_NONCHARACTERS = "".join(chr(plane * 0x10000 + low) for plane in range(1, 17) for low in (0xFFFE, 0xFFFF))
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff" + _NONCHARACTERS + "]"
)
_C0_NAMES = {0x00: "NUL", 0x07: "BEL", 0x08: "BS", 0x0B: "VT", 0x0C: "FF", 0x1B: "ESC", 0x7F: "DEL"}


def char_label(char: str) -> str:
    """`\x00` → "the control character U+0000 (NUL)": a character a trainer cannot see, named."""
    code = ord(char)
    if code < 0x20 or 0x7F <= code <= 0x9F:
        name = _C0_NAMES.get(code)
        return f"the control character U+{code:04X}" + (f" ({name})" if name else "")
    if 0xD800 <= code <= 0xDFFF:
        return f"half of a surrogate pair (U+{code:04X})"
    if 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE:
        return f"the noncharacter U+{code:04X}"
    name = unicodedata.name(char, "")
    return f"U+{code:04X}" + (f" ({name})" if name else "")


def _forbidden_message(text: str, index: int) -> str:
    char = text[index]
    code = ord(char)
    low = ord(text[index + 1]) if index + 1 < len(text) else 0
    if 0xD800 <= code <= 0xDBFF and 0xDC00 <= low <= 0xDFFF:
        joined = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        return (
            f"'\\u{code:04X}\\u{low:04X}' is a JSON-style surrogate pair: YAML reads each \\u escape as a character "
            f"of its own, so this is two halves of no character; write the character itself ({chr(joined)}) "
            f"or the YAML escape \\U{joined:08X}"
        )
    if 0xD800 <= code <= 0xDFFF:
        return f"'\\u{code:04X}' is half of a surrogate pair, not a character; write the character itself instead"
    return (
        f"holds {char_label(char)}, which cannot appear in a web page, feed or e-mail; "
        f"delete it (inside quotes it may be written as an escape such as \\x{code:02x} or \\u{code:04x})"
        if code <= 0xFF
        else f"holds {char_label(char)}, which cannot appear in a web page, feed or e-mail; delete it"
    )


def _quoted(text: str) -> str:
    """`text` as a YAML scalar in quotes, for a message that tells the trainer what to type."""
    if '"' not in text and "\\" not in text:
        return f'"{text}"'
    return "'" + text.replace("'", "''") + "'"


def _comment_note(item: ScalarNode | ScalarEvent, value: str, path: KeyPath, doc: str) -> Note | None:
    """` #` right after a plain value starts a comment: `title: 인정하기 #2 실천편` keeps
    only '인정하기'. Two spaces before '#' say the comment is meant, so only one warns."""
    end = item.end_mark.index
    if doc[end : end + 2] != " #":  # (a tab there is a syntax error of its own)
        return None
    stop = doc.find("\n", end)
    dropped = doc[end + 1 : stop if stop >= 0 else len(doc)].rstrip("\r")
    fix = "(for a comment, put two spaces before '#')"
    if value:
        message = (
            f"' #' starts a comment, so YAML reads only {value!r} and drops {dropped!r}; if it is part of the text, "
            f"put the whole value in quotes: {_quoted(value + ' ' + dropped)} {fix}"
        )
    else:
        message = (
            f"' #' starts a comment, so the value is empty and YAML drops {dropped!r}; if it is the value, "
            f"put it in quotes: {_quoted(dropped)} {fix}"
        )
    return Note(path, _mark(item.start_mark), message, "warning")


def _folded_item_note(item: ScalarNode | ScalarEvent, value: str, path: KeyPath, doc: str) -> Note | None:
    """A list item indented one space too far continues the item above it: `- 하나` then
    `   - 둘` is the one text '하나 - 둘'. A plain value that runs on over a line starting
    with '- ' is almost always that slip."""
    written = doc[item.start_mark.index : item.end_mark.index].split("\n")
    for offset, line in enumerate(written[1:], start=1):
        if line.lstrip().startswith("- "):
            return Note(
                path,
                _mark(item.start_mark),
                f"continues on line {item.start_mark.line + 1 + offset}, which starts with '- ' like a list item, "
                f"so YAML reads one text, {value!r}; if it is an item of its own, line its '- ' up with the '- ' "
                "of the item above",
                "warning",
            )
    return None


def _refused_tag(tag: str, start: yaml.Mark) -> LoadError:
    shown = "!!" + tag[len(_YAML_TAG) :] if tag.startswith(_YAML_TAG) else tag
    if _LANGUAGE_TAG.search(tag):
        why = "it asks YAML to build a program's object, which Craftbook never does (SECURITY.md)"
    else:
        why = "Craftbook reads only plain YAML values (text, numbers, true/false, dates, lists, mappings)"
    return LoadError(
        _mark(start), f"cannot read a value tagged {shown!r}: {why}; remove the tag and write the value plainly"
    )


def _resolve(event: ScalarEvent) -> str:
    tag = event.tag
    if tag is not None and tag != "!":
        return tag
    value = event.value
    if event.implicit[0] and (_ANY_FIRST or not value or value[0] in _MAYBE_TYPED):
        return _RESOLVER.resolve(ScalarNode, value, event.implicit)
    return _STR_TAG


def _check_collection_tag(tag: str | None, start: yaml.Mark) -> None:
    if tag is not None and tag != "!" and tag not in _PLAIN_TAGS:
        raise _refused_tag(tag, start)


def _looks_like_zero_padded(text: str, style: str | None) -> bool:
    return not style and bool(text) and text[0] in "0+-" and LEADING_ZERO.fullmatch(text) is not None


def _read_scalar(item: ScalarNode | ScalarEvent, tag: str, path: KeyPath | None, source: SourceMap, doc: str) -> Any:
    """A scalar's value. One YAML typed as something other than text is remembered
    with how it was written, to explain the surprise if the schema wanted text.

    `path` None reads a key: keys are only looked up, never shown, so only values are
    checked for characters a page cannot carry and for a comment that cut them short.
    """
    text, style, start = item.value, item.style, item.start_mark
    if tag == _STR_TAG:  # most values: what the constructor would return, without its cost
        if path is not None:
            bad = _FORBIDDEN.search(text)
            if bad is not None:
                source.notes.append(Note(path, _mark(start), _forbidden_message(text, bad.start())))
            if not style:  # plain: the only style a comment or a line break can cut short
                end = item.end_mark
                if doc[end.index : end.index + 2] == " #":
                    note = _comment_note(item, text, path, doc)
                    if note is not None:
                        source.notes.append(note)
                if end.line != start.line:
                    note = _folded_item_note(item, text, path, doc)
                    if note is not None:
                        source.notes.append(note)
                if text and text[0] in "0+-" and LEADING_ZERO.fullmatch(text):
                    source.scalars[path] = Scalar(text, tag, False)
        return nfc(text)
    if tag == _MERGE_TAG:
        raise LoadError(_mark(start), "merge keys ('<<') are not supported; write the keys out")
    if tag not in _PLAIN_TAGS:
        raise _refused_tag(tag, start)
    node = ScalarNode(tag, text, start, item.end_mark, style)
    try:
        value = SafeConstructor().construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        raise LoadError(
            _mark(start), f"cannot read value {text!r}: {exc}; put it in quotes to keep it as text"
        ) from exc
    except (ValueError, OverflowError) as exc:
        # PyYAML lets these escape for 2026-13-45 or a 5,000-digit number.
        if tag == "tag:yaml.org,2002:timestamp":
            message = f"{text!r} is not a real date ({exc}); write it as YYYY-MM-DD"
        else:
            shown = text if len(text) <= 40 else text[:40] + "…"
            kind = tag.rsplit(":", 1)[-1]
            message = f"cannot read {shown!r} as {kind} ({str(exc)[:60]}); put it in quotes to keep it as text"
        raise LoadError(_mark(start), message) from exc
    if path is not None:
        source.scalars[path] = Scalar(text, tag, style not in (None, ""))
        if tag == _NULL_TAG and not style and not text:
            note = _comment_note(item, "", path, doc)
            if note is not None:
                source.notes.append(note)
    return nfc(value) if isinstance(value, str) else value


def _remember_key(item: ScalarNode | ScalarEvent, tag: str, key: Any, child: KeyPath, source: SourceMap) -> None:
    """A key YAML typed (`050:` → 40 under a scorecard's anchors) is kept like a value is."""
    if tag != _STR_TAG or _looks_like_zero_padded(item.value, item.style):
        source.key_scalars[child] = Scalar(item.value, tag, item.style not in (None, ""))


def _duplicate_key(key: Any, mark: Mark, first: Mark) -> Note:
    return Note(
        None,
        mark,
        f"duplicate key {key!r} (first at line {first.line}); "
        "YAML would silently keep only one of them: remove or rename one",
    )


_NOT_A_WORD = "a key must be a plain word, not a list or mapping; write the key as a word followed by ': '"
_TOO_DEEP = f"nested deeper than {MAX_DEPTH} levels; a document needs far fewer: check the indentation"


class _Builder:
    """Turns a composed node graph into plain data plus a SourceMap: the way for files
    with anchors and aliases, whose values the graph shares."""

    def __init__(self, doc: str) -> None:
        self.source = SourceMap()
        self.nodes = 0
        self.doc = doc

    def build(self, node: Node, path: KeyPath, depth: int = 0) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise LoadError(
                _mark(node.start_mark),
                f"the document expands to more than {MAX_NODES:,} values "
                "(aliases that multiply each other?); write the content out plainly",
            )
        if depth > MAX_DEPTH:
            raise LoadError(_mark(node.start_mark), _TOO_DEEP)
        self.source.values.setdefault(path, _mark(node.start_mark))
        if isinstance(node, ScalarNode):
            return _read_scalar(node, node.tag, path, self.source, self.doc)
        _check_collection_tag(node.tag, node.start_mark)
        if isinstance(node, SequenceNode):
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        if isinstance(node, MappingNode):
            return self.mapping(node, path, depth)
        raise LoadError(_mark(node.start_mark), f"unsupported YAML node {node.tag}")

    def mapping(self, node: MappingNode, path: KeyPath, depth: int) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        first_seen: dict[Any, Mark] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise LoadError(_mark(key_node.start_mark), _NOT_A_WORD)
            key = _read_scalar(key_node, key_node.tag, None, self.source, self.doc)
            mark = _mark(key_node.start_mark)
            if key in first_seen:
                # Reported, and the first one kept, so the rest of the file is still checked.
                self.source.notes.append(_duplicate_key(key, mark, first_seen[key]))
                continue
            first_seen[key] = mark
            child = (*path, key)
            self.source.keys[child] = mark
            _remember_key(key_node, key_node.tag, key, child, self.source)
            result[key] = self.build(value_node, child, depth + 1)
        return result


_NO_KEY = object()  # a mapping waiting for its next key


@dataclass(slots=True)
class _Open:
    """A mapping or list whose end event has not come yet."""

    path: KeyPath
    value: dict[Any, Any] | list[Any]
    key: Any = _NO_KEY  # in a mapping: the key read, waiting for its value
    seen: dict[Any, Mark] = field(default_factory=dict)

    @property
    def wants_key(self) -> bool:
        return self.key is _NO_KEY and type(self.value) is dict


class _Tree:
    """Plain data and its SourceMap, grown one parser event at a time."""

    def __init__(self, doc: str) -> None:
        self.source = SourceMap()
        self.open: list[_Open] = []
        self.root: Any = None
        self.doc = doc
        # The value of a duplicate key is read past, not kept: the first one stays.
        self.skipping = False
        self.skip_depth = 0

    def feed(self, event: yaml.Event) -> None:
        kind = type(event)
        if self.skipping:
            if kind is MappingStartEvent or kind is SequenceStartEvent:
                self.skip_depth += 1
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                self.skip_depth -= 1
            self.skipping = self.skip_depth > 0
            return
        if kind is ScalarEvent:
            self.scalar(event)
        elif kind is MappingStartEvent:
            self.begin(event, {})
        elif kind is SequenceStartEvent:
            self.begin(event, [])
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            self.open.pop()

    def scalar(self, event: ScalarEvent) -> None:
        tag = _resolve(event)
        top = self.open[-1] if self.open else None
        if top is not None and top.wants_key:
            self.key(top, event, tag)
            return
        path = self.next_path(top)
        self.source.values[path] = _mark(event.start_mark)
        value = _read_scalar(event, tag, path, self.source, self.doc)
        self.put(top, value)

    def begin(self, event: CollectionStartEvent, value: dict[Any, Any] | list[Any]) -> None:
        top = self.open[-1] if self.open else None
        if top is not None and top.wants_key:
            raise LoadError(_mark(event.start_mark), _NOT_A_WORD)
        _check_collection_tag(event.tag, event.start_mark)
        path = self.next_path(top)
        self.source.values[path] = _mark(event.start_mark)
        self.put(top, value)
        self.open.append(_Open(path, value))

    def key(self, top: _Open, event: ScalarEvent, tag: str) -> None:
        key = _read_scalar(event, tag, None, self.source, self.doc)
        mark = _mark(event.start_mark)
        if key in top.seen:
            self.source.notes.append(_duplicate_key(key, mark, top.seen[key]))
            self.skipping = True
            return
        top.seen[key] = mark
        child = (*top.path, key)
        self.source.keys[child] = mark
        _remember_key(event, tag, key, child, self.source)
        top.key = key

    @staticmethod
    def next_path(top: _Open | None) -> KeyPath:
        if top is None:
            return ()
        if type(top.value) is dict:
            return (*top.path, top.key)
        return (*top.path, len(top.value))

    def put(self, top: _Open | None, value: Any) -> None:
        if top is None:
            self.root = value
        elif type(top.value) is dict:
            top.value[top.key] = value
            top.key = _NO_KEY
        else:
            top.value.append(value)


# libyaml, PyYAML's C parser, reads a file about eight times faster than the pure-Python
# one, which dominated the generator's time on big libraries (bench/scale.py). It reads
# only what both parsers read alike; anything it rejects is parsed again by the
# pure-Python parser, whose error messages are the ones users and tests see.
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)


# A block scalar header PyYAML accepts: `|` or `>`, then chomping and indent, then a
# space or the end of the line. libyaml accepts more (`>#-`), so those go to PyYAML.
_BLOCK_HEADER = re.compile(r"(?m)(?:^|[:\-]\s)\s*[|>]([^\s]*)")
_VALID_HEADER = re.compile(r"[+-]?[1-9]?|[1-9][+-]")


class _NotForFastPath(Exception):
    """Input on which libyaml and PyYAML disagree."""


def _fast_path_fits(text: str) -> bool:
    """Tabs (libyaml allows some that PyYAML refuses), a BOM inside the text (columns)
    and odd block scalar headers are read differently: the reference parser takes them."""
    if _FAST_LOADER is None or "\t" in text or "\ufeff" in text:
        return False
    if text.rstrip().endswith(("?", ":", "-")):  # an empty value at the very end: its column differs
        return False
    return all(_VALID_HEADER.fullmatch(m.group(1)) for m in _BLOCK_HEADER.finditer(text))


class _NeedsGraph(Exception):
    """Anchors or aliases (or a flood of values): the file is read through the
    composed node graph, where shared values and their expansion can be measured."""


def _walk_events(text: str, loader: Any, tree: _Tree | None = None) -> tuple[int, int]:
    """Check the limits on the parser's events and, given a tree, build it on the way.

    A file without anchors is a tree, so the events alone say where every value
    stands: one pass reads it, where composing a node graph first cost more than the
    parse itself on big libraries. Without a tree this is the pre-scan of the graph
    path: it rejects deep nesting and alias floods before the (recursive) composer runs.
    A problem in the data (an unreadable value, a refused tag) is held until the whole
    stream has been read, so a syntax or limit error anywhere wins, as on the graph
    path. Returns the number of aliases and of values (nodes) the text holds.
    """
    depth = aliases = documents = nodes = 0
    flow: list[bool] = []  # open collections: written [..] / {..} or not
    check_flow = loader is not yaml.SafeLoader
    problem: LoadError | None = None
    for event in yaml.parse(text, Loader=loader):
        kind = type(event)
        if check_flow:
            # PyYAML ends a plain word at '?' inside [..] or {..}; libyaml reads on.
            if isinstance(event, CollectionStartEvent):
                if flow and flow[-1] and kind is MappingStartEvent:
                    raise _NotForFastPath  # `[a: ]`: the empty value's column differs
                flow.append(bool(event.flow_style))
            elif isinstance(event, CollectionEndEvent):
                flow.pop()
            elif kind is ScalarEvent and flow and flow[-1] and not event.style and "?" in event.value:
                raise _NotForFastPath
        if kind is ScalarEvent:
            nodes += 1
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            nodes += 1
            depth += 1
            if depth > MAX_DEPTH:
                raise LoadError(_mark(event.start_mark), _TOO_DEEP)
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            depth -= 1
        elif kind is DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise LoadError(_mark(event.start_mark), "one YAML document per file; remove '---' and split the file")
        elif kind is AliasEvent:
            aliases += 1
            if aliases > MAX_ALIASES:
                raise LoadError(
                    _mark(event.start_mark),
                    f"more than {MAX_ALIASES} aliases ('*name'); write the content out plainly",
                )
        if tree is not None:
            if kind is AliasEvent or getattr(event, "anchor", None) is not None or nodes > MAX_NODES:
                raise _NeedsGraph
            if problem is None:
                try:
                    tree.feed(event)
                except LoadError as exc:
                    problem = exc
    if problem is not None:
        raise problem
    return aliases, nodes


def _check_expansion(root: Node, text: str) -> None:
    """Refuse alias amplification before building anything.

    Aliases make the composed graph share nodes, so the size each node would expand to
    is computed once per node: a billion laughs costs a few hundred steps here instead
    of a billion in the build. An alias inside its own anchor is a cycle and refused.
    """
    budget = max(MAX_EXPANDED_CHARS, 2 * len(text))
    sizes: dict[int, tuple[int, int]] = {}
    active: set[int] = set()

    def size(node: Node) -> tuple[int, int]:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise LoadError(
                _mark(node.start_mark), "an alias ('*name') is used inside its own anchor; write the content out"
            )
        active.add(key)
        count, chars = 1, 0
        if isinstance(node, ScalarNode):
            chars = len(node.value)
        else:
            children = node.value if isinstance(node, SequenceNode) else [n for pair in node.value for n in pair]
            for child in children:
                child_count, child_chars = size(child)
                count, chars = count + child_count, chars + child_chars
        active.discard(key)
        if count > MAX_NODES or chars > budget:
            raise LoadError(
                _mark(node.start_mark),
                f"aliases ('*name') expand this value to {count:,} values and {chars:,} characters "
                f"(limits {MAX_NODES:,} and {budget:,}); write the content out plainly",
            )
        sizes[key] = (count, chars)
        return count, chars

    size(root)


def parse_text(text: str) -> tuple[dict[str, Any], SourceMap]:
    """Parse one YAML document; raise LoadError with a located, explained message."""
    if _fast_path_fits(text):
        try:
            return _parse_with(text, _FAST_LOADER)
        except Exception:
            pass  # any doubt: the reference parser decides, and explains in its own words
    return _parse_with(text, yaml.SafeLoader)


def _parse_with(text: str, loader: Any) -> tuple[dict[str, Any], SourceMap]:
    try:
        try:
            data, source = _read_tree(text, loader)
        except _NeedsGraph:
            data, source = _read_graph(text, loader)
    except LoadError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        slip = _authoring_slip(problem, text, [m for m in (exc.problem_mark, exc.context_mark) if m is not None])
        if slip is None:
            slip = _unclosed_bracket(exc, text) or _text_after_bracket(exc, text) or _explained_syntax(exc, text)
        if slip is not None:
            raise LoadError(*slip) from exc
        hint = _syntax_hint(problem, text, mark) or (
            "check this line and the one above it: the indentation, a ':' and a space after each key, "
            "and that quotes and brackets are closed"
        )
        message = f"invalid YAML: {problem}; {hint}"
        raise LoadError(_mark(mark) if mark else Mark(1, 1), message) from exc
    except yaml.reader.ReaderError as exc:
        raise _reader_error(text, exc) from exc
    except yaml.YAMLError as exc:
        raise LoadError(Mark(1, 1), f"invalid YAML: {exc}") from exc
    except RecursionError as exc:
        raise LoadError(Mark(1, 1), _TOO_DEEP) from exc
    if not isinstance(data, dict):
        raise LoadError(
            source.values.get((), Mark(1, 1)),
            f"expected a mapping (key: value lines) at the top of the file, got {type(data).__name__}; "
            "start it with kind:, id:, title: and summary: lines (a '- ' at the start of a line makes a list)",
        )
    return data, source


def _reader_error(text: str, exc: yaml.reader.ReaderError) -> LoadError:
    """A character YAML refuses anywhere in the file (NUL, other controls), located where
    it stands: PyYAML gives only its offset in the whole text."""
    position = min(max(exc.position, 0), len(text))
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    char = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)[:1]
    label = char_label(char) if char else "a character"
    return LoadError(
        Mark(line, column),
        f"the file holds {label}, which YAML does not allow; delete it "
        "(an editor may show it as a box or not at all; it often comes from copying out of another program)",
    )


_EMPTY_FILE = (
    "empty file: expected a mapping with at least kind, id, title, summary; write them "
    "(`craftbook new KIND ID` writes a starting file) or delete the file"
)


def _read_tree(text: str, loader: Any) -> tuple[Any, SourceMap]:
    """Most files: one pass over the events."""
    tree = _Tree(text)
    _walk_events(text, loader, tree)
    if () not in tree.source.values:
        raise LoadError(Mark(1, 1), _EMPTY_FILE)
    return tree.root, tree.source


def _read_graph(text: str, loader: Any) -> tuple[Any, SourceMap]:
    """Files with anchors: pre-scan, compose, measure what aliases expand to, build."""
    aliases, nodes = _walk_events(text, loader)
    root = yaml.compose(text, Loader=loader)
    if root is None:
        raise LoadError(Mark(1, 1), _EMPTY_FILE)
    if aliases or nodes > MAX_NODES:  # without aliases nothing expands: values <= text, nodes counted
        _check_expansion(root, text)
    builder = _Builder(text)
    return builder.build(root, ()), builder.source


def decode(raw: bytes) -> str:
    """UTF-8 with or without a byte-order mark; decomposed Hangul is recomposed later."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        start = raw.rfind(b"\n", 0, exc.start) + 1
        if start == 0 and raw.startswith(b"\xef\xbb\xbf"):
            start = 3  # an editor does not count the byte-order mark as a column
        # Columns count characters, as an editor does, not bytes: 가 is one column.
        column = len(raw[start : exc.start].decode("utf-8", "replace")) + 1
        raise LoadError(
            Mark(line, column),
            f"file is not UTF-8 (byte 0x{raw[exc.start]:02X} here); save it as UTF-8 "
            "(in the editor: Save with Encoding → UTF-8)",
        ) from exc


class ParsedFiles(Protocol):
    """What reading files gave before, by their bytes (craftbook.parse_cache)."""

    def key_of(self, raw: bytes) -> str: ...
    def get(self, key: str, text: str) -> tuple[dict[str, Any], SourceMap] | None: ...
    def put(self, key: str, data: dict[str, Any], source: SourceMap) -> None: ...
    def keep_marks(self, key: str, source: SourceMap) -> None: ...


def load_file(
    path: Path, name: str, *, max_bytes: int = DEFAULT_MAX_BYTES, parsed: ParsedFiles | None = None
) -> LoadedFile | Diagnostic:
    """Load one file, or say precisely why not. `parsed`: what reading files of the
    same bytes gave before, used instead of reading again, and told what this gives."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise LoadError(
                Mark(1, 1),
                f"file is {size:,} bytes, over the limit of {max_bytes:,}; split it into smaller documents",
            )
        raw = path.read_bytes()
        text = decode(raw)
        key = None
        if parsed is None:
            data, source = parse_text(text)
        else:
            key = parsed.key_of(raw)
            hit = parsed.get(key, text)
            if hit is None:
                data, source = parse_text(text)
                parsed.put(key, data, source)
            else:
                data, source = hit
    except LoadError as exc:
        return Diagnostic(name, exc.mark.line, exc.mark.column, exc.message)
    except OSError as exc:
        return Diagnostic(
            name, 1, 1, f"cannot read file: {exc.strerror or exc}; check that it exists and that the build may read it"
        )
    return LoadedFile(path=path, name=name, data=data, source=source, cache_key=key)
