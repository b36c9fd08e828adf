"""Live preview: after a save, `craftbook serve` rebuilds only the pages that changed.

A full MkDocs build converts and renders every page (about 30 CPU seconds at 1,000
documents, issue 17), though one YAML edit changes a handful of generated pages. MkDocs'
own dirty build (`mkdocs serve --dirty`) skips pages by file times, but it leaves stale
the pages that depend on others and writes a search index of the rebuilt pages only (it
warns that the site may be wrong). This keeps the site exactly what a full build gives:

- the generator already knows which generated files changed (`craftbook.incremental`);
  with the hand-written pages of docs/ whose size or time changed, they are the pages
  to rebuild, counted from the last build that succeeded;
- what every page shows is checked first (`Stamp`): mkdocs.yml, the theme overrides,
  the set of pages and files, the search chips, the build date. If any of it changed, the
  build is a full one;
- otherwise MkDocs builds in dirty mode into an empty folder, where only those pages,
  changed static files (feeds, e-mail bodies) and the theme's site-wide templates
  (sitemap, 404) are written. The pages not rebuilt keep their title and front matter
  from the last build, for the navigation; if a rebuilt page the navigation shows got a
  new title, every page's navigation changes and the build starts again as a full one
  (`FullBuildNeeded`);
- the search index is the last build's entries with the rebuilt pages' entries
  replaced, in page order, so it equals a full build's; the Korean step then finds the
  unchanged entries in its cache;
- `craftbook serve` moves the written files into the served site one by one, each
  atomically (`merge_into`); a failed build leaves the site as it was.

tests/test_preview.py holds the promise: after edits, what is served equals a full build.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class FullBuildNeeded(Exception):
    """A rebuilt page's new title shows in every page's navigation: build everything."""


@dataclass(frozen=True)
class Stamp:
    """What every built page may show. Two builds with equal stamps differ only in the
    pages whose source changed."""

    config: bytes  # a hash of mkdocs.yml (and the file it INHERITs)
    folders: tuple[tuple[str, int, int], ...]  # theme overrides and watched folders: path, mtime, size
    sources: frozenset[str]  # the pages and files of docs/ (the navigation lists its pages)
    filters: str  # the search chips (kinds and roles the library has)
    today: str  # pages and the sitemap carry the build date


def file_signatures(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under `folder`: path relative to it → (mtime in ns, size in bytes)."""
    found: dict[str, tuple[int, int]] = {}
    if not folder.is_dir():
        return found
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        for name in sorted(names):
            path = Path(root, name)
            try:
                st = path.stat()
            except OSError:
                continue
            found[path.relative_to(folder).as_posix()] = (st.st_mtime_ns, st.st_size)
    return found


def config_hash(config_file: Path) -> bytes:
    """mkdocs.yml's bytes, and those of the file it inherits from (one level is what
    MkDocs follows), hashed."""
    digest = hashlib.blake2b(digest_size=16)
    for path in (config_file, _inherited(config_file)):
        if path is not None and path.is_file():
            digest.update(str(path).encode() + b"\0" + path.read_bytes())
    return digest.digest()


def _inherited(config_file: Path) -> Path | None:
    try:
        for line in config_file.read_text(encoding="utf-8").splitlines():
            if line.startswith("INHERIT:"):
                return (config_file.parent / line.split(":", 1)[1].strip().strip("'\"")).resolve()
    except (OSError, UnicodeDecodeError):
        return None
    return None


@dataclass
class Preview:
    """What `craftbook serve` remembers of the last build that succeeded, to make the
    next one partial. One per serve process; the plugin fills it in during a build and
    `commit` keeps it once the build is in the served folder."""

    # -- the last good build
    stamp: Stamp | None = None
    docs: dict[str, tuple[int, int]] = field(default_factory=dict)  # docs/ file signatures
    pages: dict[str, tuple[Any, dict[str, Any]]] = field(default_factory=dict)  # src_uri → (title, meta)
    order: list[str] = field(default_factory=list)  # page URLs in build order
    entries: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # page URL → Material's entries
    search_pages: dict[str, Any] = field(default_factory=dict)  # page URL → craftbook front matter
    sources: dict[str, str] = field(default_factory=dict)  # document id → its YAML file
    generated: frozenset[str] = frozenset()  # the generated pages and files
    # -- generated files written since then (a failed build does not consume them)
    pending: set[str] = field(default_factory=set)
    # -- this build
    partial: bool = False
    allow_partial: bool = True
    rebuild: set[str] = field(default_factory=set)  # src_uris of the pages and files rebuilt
    moved: tuple[str, ...] = ()  # pages (folder/id) of documents whose YAML file moved
    removed: frozenset[str] = frozenset()  # generated pages and files gone since the last good build
    next: Preview | None = None  # this build's state, kept by `commit`

    # -- during a build (called by craftbook.plugin) ------------------------------

    def start(
        self,
        stamp: Stamp,
        docs: dict[str, tuple[int, int]],
        written: Iterable[str],
        sources: Mapping[str, tuple[str, str]] | None = None,
        generated: Iterable[str] = (),
    ) -> None:
        """Decide whether this build can be partial: the generator `written` these
        generated files (paths relative to the generated folder); `sources` maps each
        document id to (its page's folder and id prefix, its YAML file); `generated` is
        every generated file of this build. A generated page that is new is written, so
        it is among `written`; one that is gone is removed from the site (`removed`)."""
        sources = dict(sources or {})
        generated = frozenset(generated)
        self.pending |= set(written)
        changed_docs = {rel for rel, sig in docs.items() if self.docs.get(rel) != sig}  # src_uris, as docs/ is the root
        # A YAML file moved or renamed: the same Markdown, but its pages link another
        # file to edit (이 문서 고치기), so they are rebuilt too.
        moved = tuple(page for doc_id, (page, path) in sources.items() if self.sources.get(doc_id, path) != path)
        self.partial = self.allow_partial and self.stamp is not None and self.stamp == stamp
        self.rebuild = (self.pending | changed_docs) if self.partial else set()
        self.moved = moved
        self.removed = (self.generated - generated) if self.partial else frozenset()
        self.next = Preview(stamp=stamp, docs=docs, sources={k: v[1] for k, v in sources.items()}, generated=generated)

    def mark(self, files: Iterable[Any]) -> None:
        """Tell MkDocs' dirty build which files to write: the changed ones only."""
        if not self.partial:
            return
        files = list(files)
        if self.moved:
            # The document's page and its own pages below it (versions, handout).
            self.rebuild |= {
                f.src_uri
                for f in files
                if any(f.src_uri == page + ".md" or f.src_uri.startswith(page + "/") for page in self.moved)
            }
        for file in files:
            file.is_modified = (lambda changed: lambda: changed)(file.src_uri in self.rebuild)

    def restore(self, pages: Iterable[Any], nav_pages: Iterable[Any]) -> None:
        """Pages not rebuilt get the title and front matter of the last build (the
        navigation shows them); a rebuilt page the navigation shows with a new title
        raises FullBuildNeeded."""
        if not self.partial:
            return
        in_nav = {id(p) for p in nav_pages}
        for page in pages:
            known = self.pages.get(page.file.src_uri)
            if page.file.src_uri not in self.rebuild:
                if known is not None:
                    page.title, page.meta = known
            elif id(page) in in_nav and (known is None or known[0] != page.title):
                raise FullBuildNeeded(page.file.src_uri)

    def remember_pages(self, pages: Iterable[Any]) -> None:
        assert self.next is not None
        for page in pages:
            self.next.pages[page.file.src_uri] = (page.title, page.meta)
            self.next.order.append(page.url)

    def merge_index(self, index: dict[str, Any], search_pages: Mapping[str, Any]) -> dict[str, Any]:
        """Material's index of this build → the whole site's index (raw, before the Korean
        step): entries of pages not rebuilt come from the last build, in page order."""
        assert self.next is not None
        written: dict[str, list[dict[str, Any]]] = {}
        for entry in index.get("docs") or []:
            written.setdefault(str(entry.get("location", "")).split("#")[0], []).append(entry)
        if self.partial:
            entries = {**self.entries, **written}
            for url in search_pages:  # rebuilt, and now without entries (search: exclude)
                if url not in written:
                    entries.pop(url, None)
            pages = {**self.search_pages, **search_pages}
        else:
            entries, pages = written, dict(search_pages)
        self.next.entries, self.next.search_pages = entries, pages
        order = self.next.order
        known = set(order)
        # A page gone since the last build takes its entries with it.
        entries = {url: group for url, group in entries.items() if url in known}
        self.next.entries = entries
        docs = [entry for url in order for entry in entries.get(url, [])]
        return {**index, "docs": docs}

    # -- after a build (called by craftbook.serve) --------------------------------

    def commit(self) -> None:
        """The build is in the served folder: it becomes the last good build."""
        assert self.next is not None
        nxt = self.next  # `remember_pages` saw every page, rebuilt or restored
        self.stamp, self.docs, self.pages, self.order = nxt.stamp, nxt.docs, nxt.pages, nxt.order
        self.entries, self.search_pages, self.sources = nxt.entries, nxt.search_pages, nxt.sources
        self.generated = nxt.generated
        self.pending = set()
        self.next = None

    def forget(self) -> None:
        """The build failed: the next one starts from the last good build again."""
        self.next = None


def build_day() -> str:
    """The date MkDocs stamps on pages and the sitemap (SOURCE_DATE_EPOCH when set)."""
    from mkdocs.utils import get_build_date

    return get_build_date() or dt.date.today().isoformat()


def merge_into(staging: Path, site: Path) -> list[str]:
    """Move every file of `staging` that differs from the one in `site` to its place,
    each atomically (a reader sees the old file or the new one, never half of one).
    Returns the paths of the files that changed; identical ones (the sitemap, the 404
    page, written by every build) are left as they are."""
    moved: list[str] = []
    for root, _dirs, names in os.walk(staging):
        for name in names:
            source = Path(root, name)
            rel = source.relative_to(staging)
            target = site / rel
            if _same_bytes(source, target):
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
            moved.append(rel.as_posix())
    return sorted(moved)


def remove_outputs(site: Path, sources: Iterable[str]) -> list[str]:
    """Delete from `site` what the gone `sources` (generated pages and files) were built
    into, and the folders that leaves empty; returns the deleted files' paths."""
    from .urls import built_file

    removed: list[str] = []
    for source in sources:
        rel = built_file(source) if source.endswith(".md") else source
        target = site / rel
        if target.is_file():
            target.unlink()
            removed.append(rel)
            folder = target.parent
            while folder != site and site in folder.parents and not any(folder.iterdir()):
                folder.rmdir()
                folder = folder.parent
    return sorted(removed)


def _same_bytes(a: Path, b: Path) -> bool:
    try:
        if a.stat().st_size != b.stat().st_size:
            return False
        return a.read_bytes() == b.read_bytes()
    except OSError:
        return False
