"""The only module that knows MkDocs: generate Markdown, then build the site safely.

The generator step (`generate`) writes plain Markdown and static files into a folder
of its own; MkDocs (or Zensical later) only has to read them. `build` runs MkDocs into
a temporary folder and swaps it in only on success, so a failed build never touches
the previous site.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from .brand import check_brand
from .errors import BuildError, CraftbookError
from .library import Library, load_library
from .load import DEFAULT_MAX_BYTES
from .render import RenderFunc, RenderOptions, render_site

GENERATED_DIR = Path(".craftbook") / "generated"


@dataclass(frozen=True)
class GenerateOptions:
    playbooks: Path
    out: Path
    drafts: bool = False
    audience: str = "public"
    site_url: str = ""
    today: dt.date | None = None
    docs_dir: Path | None = None  # hand-written pages; generated paths must not collide
    templates: tuple[Path, ...] = ()
    max_file_bytes: int = DEFAULT_MAX_BYTES  # a bigger YAML file is refused, not read


@dataclass
class Generated:
    """What one generator run produced, with timings for the benchmarks."""

    files: list[str]
    written: int
    library: Library
    seconds: dict[str, float] = field(default_factory=dict)


def build_date() -> dt.date:
    """Today, or the day of SOURCE_DATE_EPOCH so that builds are reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.date.today()


def _write_if_changed(path: Path, content: bytes) -> bool:
    # Unchanged files keep their mtime, so `mkdocs serve` does not loop on our output.
    if path.exists() and path.read_bytes() == content:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(content)
    tmp.replace(path)
    return True


def _destination(out: Path, rel: str, *, follow_links: bool = True) -> Path:
    """Where `rel` goes inside `out`; a path that would leave it is refused.

    In a folder that already holds files a link could lead elsewhere, so the path is
    resolved first; a folder we just found empty needs only the path's own parts checked.
    """
    parts = PurePosixPath(rel).parts
    if not parts or PurePosixPath(rel).is_absolute() or ".." in parts:
        raise BuildError(f"refusing to write outside the output folder: {rel}")
    target = out / rel
    if follow_links:
        target = target.resolve()
        if out not in target.parents:
            raise BuildError(f"refusing to write outside the output folder: {rel}")
    return target


def sync_tree(out: Path, files: dict[str, bytes], previous: dict[str, bytes] | None = None) -> int:
    """Make `out` hold exactly `files`: write what changed, delete what is gone.

    `previous` is what the last call wrote into this same folder (a long-lived process,
    `craftbook serve`): then only the difference is compared and touched. An empty folder
    (every `craftbook build`) is filled without comparing anything.
    """
    out = out.resolve()
    fresh = previous is None and (not out.exists() or not any(out.iterdir()))
    targets = {rel: _destination(out, rel, follow_links=not fresh) for rel in files}
    if fresh:
        folders: set[Path] = set()
        for rel, path in targets.items():
            if path.parent not in folders:
                path.parent.mkdir(parents=True, exist_ok=True)
                folders.add(path.parent)
            path.write_bytes(files[rel])
        return len(files)
    if previous is not None:
        changed = [rel for rel, content in files.items() if previous.get(rel) != content]
        for rel in changed:
            _write_if_changed(targets[rel], files[rel])
        for rel in previous.keys() - files.keys():
            _remove(out, _destination(out, rel))
        return len(changed)
    written = sum(_write_if_changed(path, files[rel]) for rel, path in targets.items())
    keep = set(targets.values())
    for path in sorted(out.rglob("*"), reverse=True):
        if path.is_file() and path.resolve() not in keep:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return written


def _remove(root: Path, path: Path) -> None:
    path.unlink(missing_ok=True)
    parent = path.parent
    while parent != root and root in parent.parents and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent


def generate(
    options: GenerateOptions,
    *,
    load: Callable[..., Library] = load_library,
    render: RenderFunc = render_site,
    write: Callable[[Path, dict[str, bytes]], int] = sync_tree,
) -> Generated:
    """YAML library → Markdown pages and static files in `options.out`.

    `load`, `render` and `write` default to the from-scratch steps; `generator.incremental`
    passes cached ones that reuse the previous run's work in a long-lived process.
    """
    started = time.perf_counter()
    library = load(options.playbooks, max_bytes=options.max_file_bytes)
    loaded = time.perf_counter()
    selected = library.select(drafts=options.drafts, audience=options.audience)  # type: ignore[arg-type]
    render_options = RenderOptions(
        today=options.today or build_date(),
        site_url=options.site_url,
        drafts=options.drafts,
        audience=options.audience,
        templates=options.templates,
    )
    pages = render(selected, render_options)
    files: dict[str, bytes] = {path: text.encode("utf-8") for path, text in pages.items()}
    extras = extra_outputs(selected, render_options)
    clashes = output_clashes([*pages, *extras])
    if clashes:
        raise BuildError(f"two outputs would be written to one place: {'; '.join(clashes[:5])}")
    files.update(extras)
    rendered = time.perf_counter()
    if options.docs_dir and options.docs_dir.is_dir():
        clashes = sorted(p for p in files if (options.docs_dir / p).exists())
        if clashes:
            raise BuildError(
                "generated pages would replace hand-written ones in "
                f"{options.docs_dir}: {', '.join(clashes[:5])}; rename or move those files"
            )
    written = write(options.out, files)
    done = time.perf_counter()
    return Generated(
        files=sorted(files),
        written=written,
        library=selected,
        seconds={"load": loaded - started, "render": rendered - loaded, "write": done - rendered},
    )


def output_clashes(sources: Iterable[str]) -> list[str]:
    """Outputs that would land on one file of the built site, where one silently loses.

    MkDocs writes `a/b.md` to `a/b/index.html`, the same file as `a/b/index.md`.
    """
    seen: dict[str, str] = {}
    clashes: list[str] = []
    for source in sources:
        dest = source
        if source.endswith(".md"):
            stem = source[:-3]
            dest = f"{stem}.html" if stem.rsplit("/", 1)[-1] in ("index", "README") else f"{stem}/index.html"
        if dest in seen:
            clashes.append(f"{seen[dest]} and {source} → {dest}")
        seen.setdefault(dest, source)
    return clashes


def extra_outputs(library: Library, options: RenderOptions) -> dict[str, bytes]:
    """Non-Markdown outputs: feeds to subscribe to and an e-mail body per edition."""
    from .digest import digest_files
    from .feeds import feed_files

    outputs: dict[str, bytes] = {}
    for producer in (feed_files, digest_files):
        outputs.update(producer(library, options))
    return outputs


# --------------------------------------------------------------------- MkDocs


@dataclass(frozen=True)
class BuildOptions:
    config_file: Path
    out: Path | None = None
    playbooks: Path | None = None
    drafts: bool = False
    audience: str = "public"
    strict: bool = False
    generated_dir: Path | None = None
    max_file_bytes: int | None = None  # None: extra.craftbook.max_file_bytes, else 1 MiB


_ACTIVE: BuildOptions | None = None


def active_options() -> BuildOptions | None:
    """Options of the `craftbook build` in progress, for the MkDocs hook to honour."""
    return _ACTIVE


@contextlib.contextmanager
def _activated(options: BuildOptions) -> Iterator[None]:
    global _ACTIVE
    previous, _ACTIVE = _ACTIVE, options
    try:
        yield
    finally:
        _ACTIVE = previous


def options_from_mkdocs(config: Any) -> GenerateOptions:
    """Generator options for a build MkDocs is running (plain `mkdocs build/serve` too)."""
    project = Path(config["config_file_path"]).resolve().parent
    settings = (config.get("extra") or {}).get("craftbook") or {}
    check_brand(settings.get("brand"), Path(config["docs_dir"]))
    active = active_options()
    playbooks = project / settings.get("playbooks", "playbooks")
    drafts = bool(settings.get("drafts", False))
    audience = str(settings.get("audience", "public"))
    out = project / GENERATED_DIR
    if active is not None:
        playbooks = active.playbooks or playbooks
        drafts, audience = active.drafts, active.audience
        out = active.generated_dir or out
    templates = tuple(project / t for t in settings.get("templates", []) if (project / t).is_dir())
    max_file_bytes = int(settings.get("max_file_bytes", DEFAULT_MAX_BYTES))
    if active is not None and active.max_file_bytes:
        max_file_bytes = active.max_file_bytes
    return GenerateOptions(
        playbooks=Path(playbooks),
        out=out,
        drafts=drafts,
        audience=audience,
        site_url=config.get("site_url") or "",
        docs_dir=Path(config["docs_dir"]),
        templates=templates,
        max_file_bytes=max_file_bytes,
    )


def build(options: BuildOptions) -> Path:
    """Run MkDocs into a temporary folder and swap it in; the old site survives failure."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    config_file = options.config_file.resolve()
    project = config_file.parent
    out = (options.out or project / "site").resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))
    generated = Path(tempfile.mkdtemp(prefix="craftbook-generated-"))
    try:
        with _activated(replace(options, generated_dir=generated)):
            config = load_config(str(config_file), site_dir=str(staging), strict=options.strict)
            # Validate before MkDocs starts: MkDocs turns a hook's exception into a bare
            # "Aborted", and the user must see every located error. Through the process's
            # cache, so the hook's generator step does not parse the library again.
            from .incremental import CACHE

            generate_options = options_from_mkdocs(config)
            CACHE.load(generate_options.playbooks, max_bytes=generate_options.max_file_bytes)
            mkdocs_build(config)
    except CraftbookError:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    except (MkDocsException, OSError, Exception) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        cause = exc.__cause__ if isinstance(exc.__cause__, CraftbookError) else None
        if cause is not None:
            raise cause from exc
        raise BuildError(f"the site could not be built ({exc}); {out} is unchanged") from exc
    finally:
        shutil.rmtree(generated, ignore_errors=True)
    try:
        _swap(staging, out)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildError(f"the new site could not replace {out} ({exc}); {out} is unchanged") from exc
    return out


def _swap(staging: Path, out: Path) -> None:
    # A fresh empty folder to move the old site into (rename may replace an empty folder):
    # a name left behind by an earlier, killed build can never block this one.
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    moved = False
    try:
        if out.exists():
            out.rename(old)
            moved = True
        staging.rename(out)
    except OSError:
        if moved:
            old.rename(out)  # the previous site goes back where it was
        else:
            old.rmdir()
        raise
    shutil.rmtree(old, ignore_errors=True)
