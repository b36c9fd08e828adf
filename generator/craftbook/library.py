"""The whole set of documents: ids, cross-references and the rules that span files.

`load_library` gathers every problem of every file before it gives up, so a trainer
fixes a whole library in one pass instead of one error per run.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from .diagnose import Problem, did_you_mean, explain_validation_error, format_path
from .errors import Diagnostic, ValidationFailed
from .load import DEFAULT_MAX_BYTES, LoadedFile, discover, load_file
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
from .models.glossary import claim_key, names_with_paths
from .models.script import handoffs

Audience = Literal["public", "members"]


@dataclass(frozen=True)
class Entry:
    doc: DocumentBase
    file: LoadedFile

    @property
    def id(self) -> str:
        return self.doc.id


@dataclass
class Library:
    """Validated documents by id, in a stable order (kind, then id)."""

    root: Path
    entries: dict[str, Entry] = field(default_factory=dict)

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
        return Library(self.root, kept)


def _diagnostic(loaded: LoadedFile, problem: Problem) -> Diagnostic:
    path, message, at_key = problem
    mark = loaded.source.locate(path, at_key=at_key)
    return Diagnostic(loaded.name, mark.line, mark.column, message)


def validate_document(loaded: LoadedFile) -> tuple[DocumentBase | None, list[Diagnostic]]:
    data = loaded.data
    kind = data.get("kind")
    if "kind" not in data:
        mark = loaded.source.locate(())
        return None, [
            Diagnostic(
                loaded.name,
                mark.line,
                mark.column,
                f"kind: required field is missing; add `kind:` with one of {', '.join(KINDS)}",
            )
        ]
    if not isinstance(kind, str) or kind not in MODEL_BY_KIND:  # a list or mapping is unhashable
        mark = loaded.source.locate(("kind",))
        return None, [
            Diagnostic(
                loaded.name,
                mark.line,
                mark.column,
                f"kind: expected one of {', '.join(repr(k) for k in KINDS)}, got {kind!r}{did_you_mean(kind, KINDS)}",
            )
        ]
    model = MODEL_BY_KIND[str(kind)]
    try:
        doc = model.model_validate(data)
    except ValidationError as exc:
        problems = explain_validation_error(exc, loaded, model)
        return None, [_diagnostic(loaded, p) for p in problems]
    problems = document_rules(doc)
    if doc.id in RESERVED_IDS:
        # <kinddir>/<id>/ would be the kind's own listing page and silently replace it.
        problems.insert(
            0,
            (
                ("id",),
                f"id: {reserved_id_problem(doc.id)}",
                False,
            ),
        )
    return doc, [_diagnostic(loaded, p) for p in problems]


def cross_file_rules(library: Library) -> list[Diagnostic]:
    diagnostics: list[Diagnostic] = []
    ids = list(library.entries)
    for entry in library:
        for path, ref, required in references(entry.doc):
            if isinstance(entry.doc, Script) and path[-1] == "go":
                continue  # a hand-off: _script_handoffs checks it, step included
            target = library.get(ref)
            where = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in path)
            where = where.replace(".[", "[")
            if target is None:
                candidates = [i for i in ids if required is None or library.entries[i].doc.kind == required]
                message = f"{where}: no document with id {ref!r}{did_you_mean(ref, candidates)}"
            elif required and target.kind != required:
                message = f"{where}: {ref!r} is a {target.kind}, expected a {required}"
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
                        "edition numbers must be unique",
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
                        f"{before.doc.number} ({before.doc.date}); numbers must increase with dates",  # type: ignore[attr-defined]
                        False,
                    ),
                )
            )
    return diagnostics


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


def load_library(root: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Library:
    """Load and validate every file under root; raise ValidationFailed listing every problem."""
    root = Path(root)
    if not root.exists():
        raise ValidationFailed([Diagnostic(str(root), 1, 1, "no such file or folder")])
    diagnostics: list[Diagnostic] = []
    library = Library(root if root.is_dir() else root.parent)
    for path, name in discover(root):
        loaded = load_file(path, name, max_bytes=max_bytes)
        if isinstance(loaded, Diagnostic):
            diagnostics.append(loaded)
            continue
        doc, problems = validate_document(loaded)
        diagnostics += problems
        if doc is None:
            continue
        if doc.id in library.entries:
            first = library.entries[doc.id].file
            here = loaded.source.locate(("id",))
            there = first.source.locate(("id",))
            diagnostics.append(
                Diagnostic(
                    loaded.name,
                    here.line,
                    here.column,
                    f"id: {doc.id!r} is already used by {first.name}:{there.line}:{there.column}; ids must be unique",
                )
            )
            diagnostics.append(
                Diagnostic(
                    first.name,
                    there.line,
                    there.column,
                    f"id: {doc.id!r} is also used by {loaded.name}:{here.line}:{here.column}; ids must be unique",
                )
            )
            continue
        library.entries[doc.id] = Entry(doc, loaded)
    if root.is_dir():
        diagnostics += cross_file_rules(library)
    else:
        diagnostics += _script_handoffs(library, complete=False)
    if diagnostics:
        raise ValidationFailed(diagnostics)
    library.put_in_order()
    return library


__all__ = ["Audience", "Entry", "Library", "cross_file_rules", "load_library", "validate_document"]
