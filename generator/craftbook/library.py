"""The whole set of documents: ids, cross-references and the rules that span files.

`load_library` gathers every problem of every file before it gives up, so a trainer
fixes a whole library in one pass instead of one error per run.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from . import urls
from .diagnose import Problem, did_you_mean, explain_validation_error, format_path, number_spelling, one_of
from .discover import Discovery, discover
from .errors import Diagnostic, ValidationFailed
from .load import DEFAULT_MAX_BYTES, LoadedFile, ParsedFiles, load_file
from .models import (
    KINDS,
    MODEL_BY_KIND,
    RESERVED_IDS,
    SPEC_BY_KIND,
    DocumentBase,
    Edition,
    Glossary,
    Lesson,
    Script,
    document_rules,
    references,
    reserved_id_problem,
)
from .models.base import dates_in, same_words
from .models.glossary import claim_key, names_with_paths
from .models.script import handoffs
from .text import collapse

Audience = Literal["public", "members"]


@dataclass(frozen=True)
class Entry:
    doc: DocumentBase
    file: LoadedFile

    @property
    def id(self) -> str:
        return self.doc.id


def build_date() -> dt.date:
    """Today, or the day of SOURCE_DATE_EPOCH so that builds are reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.date.today()


@dataclass
class Library:
    """Validated documents by id, in a stable order (kind, then id).

    `warnings`: what may be intended but deserves a look (`FILE:LINE:COL: warning: …`);
    `discovery`: the files read and skipped.
    """

    root: Path
    entries: dict[str, Entry] = field(default_factory=dict)
    warnings: list[Diagnostic] = field(default_factory=list)
    discovery: Discovery | None = None

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries.values())

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self.entries

    def get(self, doc_id: str) -> DocumentBase | None:
        entry = self.entries.get(doc_id)
        return entry.doc if entry else None

    def of_kind(self, kind: str) -> list[DocumentBase]:
        return [e.doc for e in self if e.doc.kind == kind]

    def put_in_order(self) -> None:
        """Kind (in the contract's order), then id: listings and builds do not depend on file names."""
        self.entries = dict(sorted(self.entries.items(), key=lambda kv: (KINDS.index(kv[1].doc.kind), kv[0])))

    def select(self, *, drafts: bool = False, audience: Audience = "public") -> Library:
        """The documents a given build publishes: drafts and members-only left out unless asked."""
        kept = {
            doc_id: entry
            for doc_id, entry in self.entries.items()
            if (drafts or entry.doc.status != "draft") and (audience == "members" or entry.doc.access != "members")
        }
        return Library(self.root, kept, self.warnings, self.discovery)


def _diagnostic(loaded: LoadedFile, problem: Problem, severity: str = "error") -> Diagnostic:
    path, message, at_key = problem
    mark = loaded.source.locate(path, at_key=at_key)
    return Diagnostic(loaded.name, mark.line, mark.column, message, severity)


def _reading_notes(loaded: LoadedFile) -> list[Diagnostic]:
    """What the reader noticed (duplicate keys, characters a page cannot carry, a comment
    that cut a value short), once per place: an alias repeats a value, not its problem."""
    seen: set[tuple[int, int, str]] = set()
    out = []
    for note in loaded.source.notes:
        if (note.mark.line, note.mark.column, note.message) in seen:
            continue
        seen.add((note.mark.line, note.mark.column, note.message))
        message = note.message if note.path is None else f"{format_path(note.path)}: {note.message}"
        out.append(Diagnostic(loaded.name, note.mark.line, note.mark.column, message, note.severity))
    return out


def _id_problems(doc: DocumentBase) -> list[Problem]:
    problems: list[Problem] = []
    if doc.id in RESERVED_IDS:
        # <kinddir>/<id>/ would be the kind's own listing page and silently replace it.
        problems.append((("id",), f"id: {reserved_id_problem(doc.id)}", False))
    if urls.name_bytes(doc.id) > urls.MAX_NAME_BYTES:
        problems.append(
            (
                ("id",),
                f"id: {len(doc.id)} characters long; the page's file name may hold at most "
                f"{urls.MAX_NAME_BYTES} (longer names fail on some file systems): shorten it",
                False,
            )
        )
    for i, tag in enumerate(doc.tags):
        size = urls.name_bytes(urls.tag_slug(tag))
        if size > urls.MAX_NAME_BYTES:
            problems.append(
                (
                    ("tags", i),
                    f"tags[{i}]: {size} bytes long as the file name of its page (a Hangul syllable takes 3); "
                    f"a tag page's name may hold at most {urls.MAX_NAME_BYTES} bytes: shorten the tag",
                    False,
                )
            )
    return problems


def _document_warnings(doc: DocumentBase, today: dt.date | None) -> list[Problem]:
    """What may be intended: a date after today (a typo for 2026 that would make a page
    'fresh' and first in every feed for decades), a tag listed twice."""
    problems: list[Problem] = []
    if today is not None:
        for path, value in dates_in(doc):
            if value > today:
                problems.append(
                    (
                        path,
                        f"{format_path(path)}: {value} is after today ({today}); if it is a typo, correct it "
                        "(a date in the future puts the document first in every feed and keeps its page 'fresh')",
                        False,
                    )
                )
    first: dict[str, int] = {}
    for i, tag in enumerate(doc.tags):
        j = first.setdefault(same_words(tag), i)
        if j != i:
            problems.append(
                (
                    ("tags", i),
                    f"tags[{i}]: {tag!r} repeats tags[{j}] ({doc.tags[j]!r}); tags are the same when they differ only "
                    "in capitals or spaces: remove it",
                    False,
                )
            )
    return problems


def validate_document(
    loaded: LoadedFile, *, today: dt.date | None = None
) -> tuple[DocumentBase | None, list[Diagnostic]]:
    """One file's document and every problem it has on its own, errors and warnings.

    The document is returned even when a one-document rule fails (sums, graphs), so that
    other files' references to it are not reported as missing too; None when it does
    not fit its model. `today`: dates after it are warnings (None: not checked).
    """
    notes = _reading_notes(loaded)
    data = loaded.data
    kind = data.get("kind")
    if "kind" not in data:
        mark = loaded.source.locate(())
        return None, [
            *notes,
            Diagnostic(
                loaded.name,
                mark.line,
                mark.column,
                f"kind: required field is missing; add `kind:` with one of {', '.join(KINDS)}",
            ),
        ]
    if not isinstance(kind, str) or kind not in MODEL_BY_KIND:  # a list or mapping is unhashable
        mark = loaded.source.locate(("kind",))
        return None, [
            *notes,
            Diagnostic(
                loaded.name,
                mark.line,
                mark.column,
                f"kind: expected one of {', '.join(repr(k) for k in KINDS)}, got {kind!r}{did_you_mean(kind, KINDS)}",
            ),
        ]
    model = MODEL_BY_KIND[str(kind)]
    try:
        doc = model.model_validate(data)
    except ValidationError as exc:
        # A value the reader already refused (a broken surrogate pair) is explained once.
        # A number YAML misread (030 → 24) is explained as that, not by the range it then fails (`> 0`).
        problems = explain_validation_error(exc, loaded, model)
        spelling = number_spelling(loaded, model)
        explained = {n.path for n in loaded.source.notes if n.severity == "error"} | {p[0] for p in spelling}
        problems = [p for p in problems if p[0] not in explained] + spelling
        return None, [*notes, *(_diagnostic(loaded, p) for p in problems)]
    spelling = number_spelling(loaded, model)
    # Sums and ranges over misread numbers (030 read as 24) would only mislead: first the spelling.
    problems = [*_id_problems(doc), *spelling, *([] if spelling else document_rules(doc))]
    warnings = _document_warnings(doc, today)
    return doc, [
        *notes,
        *(_diagnostic(loaded, p) for p in problems),
        *(_diagnostic(loaded, p, "warning") for p in warnings),
    ]


@dataclass(frozen=True)
class Checked:
    """One file read and validated on its own: what a long-lived process keeps per file."""

    name: str
    entry: Entry | None  # None: no document (it does not parse or fit its model)
    diagnostics: tuple[Diagnostic, ...]  # its own errors and warnings
    claimed_id: str | None = None  # without a document: the id its text gives, if any


_ID_LINE = re.compile(r"^id:[ \t]*['\"]?([a-z0-9]+(?:-[a-z0-9]+)*)", re.MULTILINE)


def claimed_id(path: Path, loaded: LoadedFile | Diagnostic) -> str | None:
    """The id a file means to have, even when it does not parse: its `id:` line."""
    if isinstance(loaded, LoadedFile):
        value = loaded.data.get("id")
        return value if isinstance(value, str) else None
    try:
        match = _ID_LINE.search(path.read_text("utf-8", "replace"))
    except OSError:
        return None
    return match.group(1) if match else None


def check_file(
    path: Path,
    name: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    today: dt.date | None = None,
    parsed: ParsedFiles | None = None,
) -> Checked:
    loaded = load_file(path, name, max_bytes=max_bytes, parsed=parsed)
    if isinstance(loaded, Diagnostic):
        return Checked(name, None, (loaded,), claimed_id(path, loaded))
    doc, diagnostics = validate_document(loaded, today=today)
    if diagnostics and parsed is not None and loaded.cache_key is not None:
        # Located problems read the file's lines and columns; kept, the next build need
        # not read the file again to locate the same ones (a warning recurs every build).
        parsed.keep_marks(loaded.cache_key, loaded.source)
    if doc is None:
        return Checked(name, None, tuple(diagnostics), claimed_id(path, loaded))
    return Checked(name, Entry(doc, loaded), tuple(diagnostics))


def cross_file_rules(library: Library, broken: Iterable[str] = ()) -> list[Diagnostic]:
    """References, prerequisite cycles, edition numbers. `broken`: ids of files that have
    errors of their own; a reference to one is not reported again (fixing that file
    resolves it), so one broken file does not bury its own error under twenty others."""
    pending = set(broken)
    diagnostics: list[Diagnostic] = []
    ids = list(library.entries)
    for entry in library:
        for path, ref, required in references(entry.doc):
            if isinstance(entry.doc, Script) and path[-1] == "go":
                continue  # a hand-off: _script_handoffs checks it, step included
            target = library.get(ref)
            where = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in path)
            where = where.replace(".[", "[")
            if target is None and ref in pending:
                continue
            if target is None:
                candidates = [i for i in ids if required is None or library.entries[i].doc.kind == required]
                hint = did_you_mean(ref, candidates) or "; check the id, or add the document it names (craftbook new)"
                message = f"{where}: no document with id {ref!r}{hint}"
            elif required and target.kind != required:
                kin = [i for i in ids if library.entries[i].doc.kind == required]
                message = (
                    f"{where}: {ref!r} is a {target.kind}, expected a {required}"
                    f"{one_of(ref, kin, f'the {required} ids are') or f'; there is no {required} yet'}"
                )
            else:
                continue
            diagnostics.append(_diagnostic(entry.file, (path, message, False)))
    diagnostics += _script_handoffs(library)
    for entry in library:
        problems = SPEC_BY_KIND[entry.doc.kind].library_rules(entry.doc, library.get)
        diagnostics += [_diagnostic(entry.file, p) for p in problems]
    diagnostics += _prerequisite_cycles(library)
    diagnostics += _edition_numbers(library)
    diagnostics += _term_claims(library)
    return diagnostics


def _where(path: tuple[object, ...]) -> str:
    return ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in path).replace(".[", "[")


def _script_handoffs(library: Library, *, complete: bool = True) -> list[Diagnostic]:
    """Branches that hand the call to another script: the script exists, has the step,
    and from where the call enters it some path reaches an outcome.

    A `go` that is not a step of its own script is read as a script id (models.script),
    so a misspelt step arrives here: when it is close to one of the script's steps it is
    reported as the missing step it most likely is. With `complete=False` (one file
    checked on its own) only those near misses are reported: the other scripts are not
    there to look at.
    """
    diagnostics: list[Diagnostic] = []
    scripts = {e.id: e for e in library if isinstance(e.doc, Script)}
    # Each hand-off whose target is sound: the script it is in, its key path, and the
    # (script, step) where the call enters the other script.
    located: list[tuple[Entry, tuple[str, str, int, str], tuple[str, str]]] = []
    for entry in scripts.values():
        doc = entry.doc
        assert isinstance(doc, Script)
        for path, target in handoffs(doc):
            where = _where(path)
            go = (doc.steps[path[1]].next or [])[path[3]].go
            other = library.entries.get(target.script)
            message = None
            if other is None:
                others = [s for s in scripts if s != doc.id]
                near = did_you_mean(go, list(doc.steps)) if target.step is None else ""
                if near:
                    message = f"{where}: no step {go!r}{near}"
                elif complete and target.step is not None:
                    near = did_you_mean(target.script, others)
                    message = f"{where}: no script {target.script!r} to hand off to{near}"
                elif complete:
                    message = (
                        f"{where}: no step or script {go!r}; expected a step of this script, "
                        f"another script's id or `script-id#step-id`{did_you_mean(go, others)}"
                    )
            elif not isinstance(other.doc, Script):
                message = f"{where}: {target.script!r} is a {other.doc.kind}, expected a script to hand off to"
            elif target.step is not None and target.step not in other.doc.steps:
                message = (
                    f"{where}: script {target.script!r} has no step {target.step!r}"
                    f"{did_you_mean(target.step, list(other.doc.steps))}"
                )
            if message:
                diagnostics.append(_diagnostic(entry.file, (path, message, False)))
                continue
            if other is not None and isinstance(other.doc, Script):
                located.append((entry, path, (target.script, target.step or other.doc.start)))
    # From every step some path reaches an outcome, across scripts: a hand-off is a way
    # to end only if the script it enters can end from there.
    edges: dict[tuple[str, str], list[tuple[str, str]]] = {}
    endings: list[tuple[str, str]] = []
    for script_id, entry in scripts.items():
        doc = entry.doc
        assert isinstance(doc, Script)
        for step_id, step in doc.steps.items():
            node = (script_id, step_id)
            edges.setdefault(node, [])
            if step.outcome:
                endings.append(node)
            for branch in step.next or []:
                if branch.go in doc.steps and "#" not in branch.go:
                    edges[node].append((script_id, branch.go))
    for entry, path, target in located:
        edges[(entry.id, path[1])].append(target)
    reverse: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for source, targets in edges.items():
        for target in targets:
            reverse.setdefault(target, []).append(source)
    can_finish = set(endings)
    queue = list(endings)
    while queue:
        for source in reverse.get(queue.pop(), []):
            if source not in can_finish:
                can_finish.add(source)
                queue.append(source)
    for entry, path, target in located:
        if target not in can_finish and target in edges:  # a missing start is reported on its own
            diagnostics.append(
                _diagnostic(
                    entry.file,
                    (
                        path,
                        f"{_where(path)}: no path from {target[0]}#{target[1]} reaches an outcome, in that "
                        "script or any it hands off to; an agent handed off there could never close the consult",
                        False,
                    ),
                )
            )
    return diagnostics


def _prerequisite_cycles(library: Library) -> list[Diagnostic]:
    graph = {
        doc.id: [p for p in doc.prerequisites if isinstance(library.get(p), Lesson)]
        for doc in library.of_kind("lesson")
        if isinstance(doc, Lesson)
    }
    diagnostics: list[Diagnostic] = []
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    reported: set[frozenset[str]] = set()

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                cycle = [*path[path.index(nxt) :], nxt]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    for a, b in itertools.pairwise(cycle):
                        lesson = library.entries[a]
                        index = lesson.doc.prerequisites.index(b)  # type: ignore[attr-defined]
                        diagnostics.append(
                            _diagnostic(
                                lesson.file,
                                (
                                    ("prerequisites", index),
                                    f"prerequisites[{index}]: prerequisite cycle {' → '.join(cycle)}; "
                                    "remove one of these prerequisites",
                                    False,
                                ),
                            )
                        )
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return diagnostics


def _edition_numbers(library: Library) -> list[Diagnostic]:
    diagnostics: list[Diagnostic] = []
    editions = sorted(
        (e for e in library if isinstance(e.doc, Edition)),
        key=lambda e: (e.doc.number, e.doc.id),  # type: ignore[attr-defined]
    )
    by_number: dict[int, Entry] = {}
    free = max((e.doc.number for e in editions), default=0) + 1  # type: ignore[attr-defined]
    for entry in editions:
        doc = entry.doc
        assert isinstance(doc, Edition)
        if doc.number in by_number:
            other = by_number[doc.number]
            diagnostics.append(
                _diagnostic(
                    entry.file,
                    (
                        ("number",),
                        f"number: edition {doc.number} is also {other.file.name} ({other.id}); "
                        f"edition numbers must be unique: give it the next free number, {free}",
                        False,
                    ),
                )
            )
        by_number.setdefault(doc.number, entry)
    ordered = [by_number[n] for n in sorted(by_number)]
    for before, after in itertools.pairwise(ordered):
        if after.doc.date < before.doc.date:  # type: ignore[attr-defined]
            diagnostics.append(
                _diagnostic(
                    after.file,
                    (
                        ("date",),
                        f"date: edition {after.doc.number} is dated before edition "  # type: ignore[attr-defined]
                        f"{before.doc.number} ({before.doc.date}); numbers must increase with dates: "  # type: ignore[attr-defined]
                        "correct the date or the number",
                        False,
                    ),
                )
            )
    return diagnostics


def unify_tags(library: Library) -> list[Diagnostic]:
    """One tag, one page: tags that differ only in capitals or spaces (`KPI`, `kpi`,
    `"코칭 "`) become the first spelling, and the other spellings are warnings.

    "First" in a fixed order, public published documents before members-only and drafts
    (a public page must not show a spelling only a members document has), then kind and
    id. Documents are replaced by copies with the unified tags.
    """
    order = sorted(
        library,
        key=lambda e: (e.doc.access == "members", e.doc.status == "draft", KINDS.index(e.doc.kind), e.id),
    )
    first: dict[str, tuple[str, Entry, int]] = {}
    warnings: list[Diagnostic] = []
    for entry in order:
        unified: list[str] = []
        for i, tag in enumerate(entry.doc.tags):
            spelling, owner, j = first.setdefault(same_words(tag), (collapse(tag), entry, i))
            if owner is not entry and collapse(tag) != spelling:
                mark = owner.file.source.locate(("tags", j))
                warnings.append(
                    _diagnostic(
                        entry.file,
                        (
                            ("tags", i),
                            f"tags[{i}]: {tag!r} is the tag {spelling!r} of {owner.file.name}:{mark.line}:{mark.column}"
                            f" written another way; its page shows {spelling!r}: write it the same way",
                            False,
                        ),
                        "warning",
                    )
                )
            if spelling not in unified:
                unified.append(spelling)
        if unified != entry.doc.tags:
            library.entries[entry.id] = Entry(entry.doc.model_copy(update={"tags": unified}), entry.file)
    return warnings


def _term_claims(library: Library) -> list[Diagnostic]:
    """A word names one term in the whole library: search expands it to that term's
    names, and a second claim would silently merge two terms. One document's own
    repeats are its kind's rule (models.glossary); this is the claim across documents."""
    diagnostics: list[Diagnostic] = []
    claims: dict[str, tuple[Entry, str, tuple[object, ...]]] = {}
    glossaries = sorted((e for e in library if isinstance(e.doc, Glossary)), key=lambda e: (e.file.name, e.id))
    for entry in glossaries:
        doc = entry.doc
        assert isinstance(doc, Glossary)
        own: dict[str, tuple[Entry, str, tuple[object, ...]]] = {}
        for i, path, name in names_with_paths(doc):
            key = claim_key(name)
            claimed = claims.get(key)
            if claimed is not None:
                other, owner, other_path = claimed
                mark = other.file.source.locate(other_path)
                where = format_path(path)
                diagnostics.append(
                    _diagnostic(
                        entry.file,
                        (
                            path,
                            f"{where}: {name!r} already names the term {owner!r} in "
                            f"{other.file.name}:{mark.line}:{mark.column}; a word may name one term only, "
                            f"so remove it from {doc.terms[i].term!r} or from {owner!r}",
                            False,
                        ),
                    )
                )
            own.setdefault(key, (entry, doc.terms[i].term, path))
        for key, claim in own.items():
            claims.setdefault(key, claim)
    return diagnostics


def assemble(root: Path, discovery: Discovery, checked: Iterable[Checked], *, whole: bool = True) -> Library:
    """Files checked on their own → the library, with the rules that span files.

    `whole`: a library folder (cross-references are checked); False for one file named
    on the command line. Raises ValidationFailed listing every error and warning when
    there is an error; the warnings of a valid library are in `Library.warnings`.
    """
    diagnostics: list[Diagnostic] = list(discovery.problems)
    library = Library(root, discovery=discovery)
    checked = list(checked)
    for result in checked:
        diagnostics += result.diagnostics
        if result.entry is None:
            continue
        doc, loaded = result.entry.doc, result.entry.file
        if doc.id in library.entries:
            first = library.entries[doc.id].file
            here = loaded.source.locate(("id",))
            there = first.source.locate(("id",))
            diagnostics.append(
                Diagnostic(
                    loaded.name,
                    here.line,
                    here.column,
                    f"id: {doc.id!r} is already used by {first.name}:{there.line}:{there.column}; ids must be unique: "
                    "choose another id for one of them",
                )
            )
            diagnostics.append(
                Diagnostic(
                    first.name,
                    there.line,
                    there.column,
                    f"id: {doc.id!r} is also used by {loaded.name}:{here.line}:{here.column}; ids must be unique: "
                    "choose another id for one of them",
                )
            )
            continue
        library.entries[doc.id] = result.entry
    if whole:
        broken = [c.claimed_id for c in checked if c.entry is None and c.claimed_id]
        diagnostics += cross_file_rules(library, broken)
    else:
        diagnostics += _script_handoffs(library, complete=False)
    diagnostics += unify_tags(library)
    if any(d.severity == "error" for d in diagnostics):
        raise ValidationFailed(diagnostics, summary=discovery.summary())
    library.warnings = sorted(diagnostics)
    library.put_in_order()
    return library


def load_library(
    root: Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    project: Path | None = None,
    today: dt.date | None = None,
) -> Library:
    """Load and validate every file under root; raise ValidationFailed listing every problem.

    `project`: the folder holding mkdocs.yml; symbolic links may lead anywhere inside it
    (and inside the library), nowhere else (craftbook.discover). `today`: dates after it
    are warnings; default the build date.
    """
    root = Path(root)
    if not root.exists() and not root.is_symlink():
        raise ValidationFailed([Diagnostic(str(root), 1, 1, "no such file or folder; check the path")])
    discovery = discover(root, within=[project] if project is not None else [])
    today = today or build_date()
    checked = [check_file(path, name, max_bytes=max_bytes, today=today) for path, name in discovery.files]
    return assemble(root if root.is_dir() else root.parent, discovery, checked, whole=root.is_dir())


__all__ = [
    "Audience",
    "Checked",
    "Entry",
    "Library",
    "assemble",
    "build_date",
    "check_file",
    "cross_file_rules",
    "load_library",
    "unify_tags",
    "validate_document",
]
