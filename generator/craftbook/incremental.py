"""Regenerate only what a change touches, so `craftbook serve` keeps up with a big library.

`mkdocs serve` re-runs the generator after every save. Parsing thousands of YAML files
and rendering thousands of pages for a one-line edit would dominate the wait, so one
process keeps a cache between runs:

- a file is parsed and validated again only when its bytes changed (the key is a hash
  of its content, not its mtime: two saves within one clock tick must not be missed);
- a page is rendered again only when a document it shows changed. Pages come in units
  (`Renderer.units`); `touched_units` says which units read a changed document;
- a generated file is written only when its bytes differ from the last run's.

The result must equal a run from scratch, byte for byte (tests/test_incremental.py).
Whenever the cheap path cannot vouch for that — other options,
another library, an edited template — it falls back to the full path.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import jinja2

from .changes import edition_changes
from .discover import discover
from .library import Checked, Library, assemble, build_date, check_file, load_library
from .load import DEFAULT_MAX_BYTES
from .models import DocumentBase
from .parse_cache import ParseCache
from .pipeline import CACHE_DIR, Generated, GenerateOptions, sync_tree
from .pipeline import generate as generate_with
from .render import TEMPLATES, Renderer, RenderOptions, SiteIndex, Unit, references

log = logging.getLogger("mkdocs.plugins.craftbook")

# The unit kinds whose inputs `touched_units` knows. A unit of any other kind (a page
# type added later) is rendered on every run, which is slower but never wrong.
KNOWN_UNITS = frozenset({"document", "listing", "track", "tags", "tag", "home", "overview", "review"})
# Pages that count or weigh the whole library: any change may change them.
WHOLE_LIBRARY_UNITS: frozenset[Unit] = frozenset(
    {("home",), ("overview", "roles"), ("overview", "documents"), ("review",)}
)


@dataclass(frozen=True)
class _Parsed:
    key: tuple[str, bytes, int, dt.date]  # name in the library, content hash, size limit, today
    checked: Checked  # the file on its own: its document (if any), errors and warnings
    stat: tuple[int, int, int, int]  # mtime, ctime, size, inode when it was read
    read_ns: int  # when it was read


# A file whose stat is unchanged is not read again, unless it had changed shortly before
# it was read (git's "racy clean" rule): timestamps are coarser than the time an editor
# needs to save twice, so only a file already this old when read can be trusted.
RACY_NS = 2_000_000_000


@dataclass
class _Rendered:
    key: tuple[object, ...]
    library: Library
    site: SiteIndex
    env: jinja2.Environment
    units: dict[Unit, dict[str, str]]


@dataclass
class Cache:
    """What one process remembers between generator runs (one library, one output)."""

    parsed: dict[Path, _Parsed] = field(default_factory=dict)
    rendered: _Rendered | None = None
    written: tuple[Path, dict[str, bytes]] | None = None
    # What the last run did, for `craftbook serve`'s log, the benchmark and the tests.
    last_parsed: list[str] = field(default_factory=list)
    last_units: list[Unit] = field(default_factory=list)
    last_written: list[str] = field(default_factory=list)
    timings: list[tuple[str, float, float]] = field(default_factory=list)  # step, seconds, CPU seconds

    # -- public entry points -----------------------------------------------------

    def generate(self, options: GenerateOptions, *, keep: bool = False) -> Generated:
        """`craftbook.pipeline.generate`, reusing whatever the previous run already did;
        `keep=True`: the files stay in memory (`Generated.contents`), nothing is written."""
        started, cpu = time.perf_counter(), time.process_time()
        warm = self.rendered is not None
        if keep:
            self.last_written = []
        with _gc_paused():
            result = generate_with(options, load=self._load, render=self.render, write=self.write, keep=keep)
        seconds = time.perf_counter() - started
        self.timings.append(("generate", seconds, time.process_time() - cpu))
        if warm:
            log.info(
                "craftbook: %d of %d YAML files read again, %d Markdown pages rendered, %d generated files "
                "changed in %.2f s",
                len(self.last_parsed),
                len(result.library),
                sum(len(self.rendered.units.get(u, {})) for u in self.last_units) if self.rendered else 0,
                result.written,
                seconds,
            )
        return result

    def load(self, root: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, project: Path | None = None) -> Library:
        """`load_library`, parsing only files whose content changed since the last call."""
        started, cpu = time.perf_counter(), time.process_time()
        try:
            with _gc_paused():
                return self._load(root, max_bytes=max_bytes, project=project)
        finally:
            self.timings.append(("load", time.perf_counter() - started, time.process_time() - cpu))

    def release(self) -> None:
        """Forget everything: a process that builds once has no next run to reuse it for.
        The rendered pages and written files are two copies of every generated page, and
        the parsed files' data and source maps (line and column of every value) outweigh
        the documents themselves: about 100 MB at 1,000 documents (issue 17)."""
        self.parsed = {}
        self.rendered = None
        self.written = None

    # -- load --------------------------------------------------------------------

    def _load(self, root: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, project: Path | None = None) -> Library:
        root = Path(root)
        if not root.is_dir():
            self.last_parsed = [str(root)]
            return load_library(root, max_bytes=max_bytes, project=project)
        today = build_date()
        discovery = discover(root, within=[project] if project is not None else [])
        # A process with nothing parsed yet (a build, serve's first) takes what earlier
        # builds read from the project's parse cache; later runs have their own memory.
        store = ParseCache(project / CACHE_DIR) if project is not None and not self.parsed else None
        parsed: dict[Path, _Parsed] = {}
        reparsed: list[str] = []
        checked: list[Checked] = []
        for path, name in discovery.files:
            cached = self.parsed.get(path)
            try:
                st = path.stat()
                signature = (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
                trusted = (
                    cached is not None
                    and cached.stat == signature
                    and cached.key[0] == name
                    and cached.key[2:] == (max_bytes, today)
                    and max(st.st_mtime_ns, st.st_ctime_ns) < cached.read_ns - RACY_NS
                )
                if not trusted:
                    read_ns = time.time_ns()
                    raw = path.read_bytes()
            except OSError:
                # Gone or unreadable since it was listed: the loader says why, located.
                checked.append(check_file(path, name, max_bytes=max_bytes, today=today))
                continue
            if not trusted:
                key = (name, hashlib.blake2b(raw, digest_size=16).digest(), max_bytes, today)
                if cached is None or cached.key != key:
                    checked_file = check_file(path, name, max_bytes=max_bytes, today=today, parsed=store)
                    cached = _Parsed(key, checked_file, signature, read_ns)
                    reparsed.append(name)
                else:
                    cached = replace(cached, stat=signature, read_ns=read_ns)
            assert cached is not None
            parsed[path] = cached
            checked.append(cached.checked)
        self.parsed = parsed  # files that disappeared are forgotten
        if store is not None:
            store.save()
        self.last_parsed = reparsed
        # The rules that span files run on every call: from the same per-file results they
        # give what a cold run gives, errors and warnings alike.
        return assemble(root, discovery, checked)

    # -- render ------------------------------------------------------------------

    def render(self, library: Library, options: RenderOptions) -> dict[str, str]:
        """`render_site`, rendering again only the units a changed document touches."""
        key = (library.root.resolve(), options, _template_stamps(options))
        renderer = Renderer(library, options)
        previous = self.rendered
        units = renderer.units()
        if previous is None or previous.key != key:
            todo = set(units)
        else:
            renderer.env = previous.env  # compiled templates; their files are unchanged (key)
            touched = touched_units(previous.library, library, previous.site, renderer.site)
            todo = {u for u in units if u in touched or u not in previous.units or u[0] not in KNOWN_UNITS}
        rendered: dict[Unit, dict[str, str]] = {}
        for unit in units:
            rendered[unit] = renderer.render_unit(unit) if unit in todo else previous.units[unit]  # type: ignore[union-attr]
        self.rendered = _Rendered(key, library, renderer.site, renderer.env, rendered)
        self.last_units = [u for u in units if u in todo]
        pages: dict[str, str] = {}
        for unit in units:
            pages.update(rendered[unit])
        return pages

    # -- write -------------------------------------------------------------------

    def write(self, out: Path, files: dict[str, bytes]) -> int:
        """`sync_tree`, told what the last run wrote so it touches only the difference."""
        target = out.resolve()
        previous = self.written
        self.written = None  # if writing fails half-way, the next run starts from scratch
        same = previous is not None and previous[0] == target and target.is_dir()
        written = sync_tree(target, files, previous[1] if same else None)  # type: ignore[index]
        self.last_written = sorted(rel for rel in files if not same or previous[1].get(rel) != files[rel])  # type: ignore[index]
        self.written = (target, dict(files))
        return written


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Parsing and rendering allocate millions of small objects that mostly die young or
    live on in the library; CPython's cyclic collector would walk the growing library again
    and again (half the load time at 1,000 documents). Reference counting still frees
    everything acyclic meanwhile, and the collector runs as usual afterwards."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _template_stamps(options: RenderOptions) -> tuple[tuple[str, int, int], ...]:
    """Every template's mtime and size: an edited template re-renders everything."""
    stamps = []
    for folder in (*options.templates, TEMPLATES):
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file():
                stat = path.stat()
                stamps.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(stamps)


def changed_ids(old: Library, new: Library) -> set[str]:
    """Ids added, removed or edited between two selected libraries."""
    changed = set()
    for doc_id in old.entries.keys() | new.entries.keys():
        before, after = old.get(doc_id), new.get(doc_id)
        if before is not after and before != after:
            changed.add(doc_id)
    return changed


def touched_units(old: Library, new: Library, old_site: SiteIndex, new_site: SiteIndex) -> set[Unit]:
    """The page units whose content may differ between the two libraries.

    A document's page shows its own fields, the titles of what it references, the
    documents that reference it (backlinks, edition picks), its tags' links and the
    tooltips of the glossary terms it uses. Kind listings, role tracks and tag pages list
    their members. The home page, the two overview pages and 검토 현황 count or weigh
    everything. An edition lists what changed since the previous edition: its page is
    rendered again when a changed document is in that list on either side. Each
    changed document is looked up on both sides, so that a page it has just left is
    rendered again too.
    """
    changed = changed_ids(old, new)
    if not changed:
        return set()
    units: set[Unit] = set(WHOLE_LIBRARY_UNITS)
    for library in (old, new):
        # An edition lists what changed in its window (craftbook.changes): its page shows
        # a changed document that is in that list before or after the change. An edition's
        # own date or number moves the next one's window, so then every edition's page.
        docs = [e.doc for e in library]
        editions = library.of_kind("edition")
        every = any(doc_id in changed for doc_id in (e.id for e in editions))
        for edition in editions:
            if every or any(c.doc.id in changed for c in edition_changes(edition, docs)):
                units.add(("document", edition.id))
    for doc_id in changed:
        for library, site in ((old, old_site), (new, new_site)):
            doc = library.get(doc_id)
            if doc is not None:
                units |= _units_of(doc, site)
                if doc.kind == "glossary":
                    # Any page may use a term: its tooltips come from every glossary.
                    units |= {("document", other) for other in library.entries}
    if _tag_counts(old_site) != _tag_counts(new_site):
        units.add(("tags",))
    for tag in old_site.tag_slugs.keys() | new_site.tag_slugs.keys():
        if old_site.tag_slugs.get(tag) != new_site.tag_slugs.get(tag):  # a tag page moved
            units |= {("tags",), ("tag", tag)}
            for site in (old_site, new_site):
                units |= {("document", d.id) for d in site.by_tag.get(tag, [])}
    return units


def _units_of(doc: DocumentBase, site: SiteIndex) -> set[Unit]:
    units: set[Unit] = {("document", doc.id), ("listing", doc.kind)}
    units |= {("track", role) for role in doc.all_roles}
    units |= {("tag", tag) for tag in doc.tags}
    units |= {("document", ref) for ref in references(doc)}  # their backlinks show this one
    units |= {("document", other.id) for other in site.backlinks.get(doc.id, [])}  # they link here
    return units


def _tag_counts(site: SiteIndex) -> dict[str, int]:
    return {tag: len(docs) for tag, docs in site.by_tag.items()}


CACHE = Cache()


def generate(options: GenerateOptions, *, keep: bool = False) -> Generated:
    """The generator step for MkDocs builds: incremental within one process."""
    return CACHE.generate(options, keep=keep)
