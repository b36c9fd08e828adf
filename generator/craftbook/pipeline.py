"""The builder-neutral pipeline: YAML library → Markdown pages and static files.

`generate` loads and validates the library, renders every page and extra output
(feeds, e-mail bodies) in memory, then writes them into a folder of its own; MkDocs
(through `craftbook.plugin`) or a builder that runs no plugins (`craftbook generate`)
only has to read them. Nothing here knows MkDocs.
"""

from __future__ import annotations

import datetime as dt
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import jinja2

from .errors import BuildError
from .library import Library, build_date, load_library
from .load import DEFAULT_MAX_BYTES
from .render import RenderFunc, RenderOptions, render_site
from .urls import built_file

WORK_DIR = Path(".craftbook")  # beside mkdocs.yml, git-ignored: Craftbook's own working folder
GENERATED_DIR = WORK_DIR / "generated"
CACHE_DIR = WORK_DIR / "cache"  # the Pages workflow keeps it between runs


@dataclass(frozen=True)
class GenerateOptions:
    playbooks: Path
    out: Path
    drafts: bool = False
    audience: str = "public"
    site_url: str = ""
    site_name: str = "Craftbook"
    today: dt.date | None = None
    docs_dir: Path | None = None  # hand-written pages; generated paths must not collide
    templates: tuple[Path, ...] = ()
    max_file_bytes: int = DEFAULT_MAX_BYTES  # a bigger YAML file is refused, not read
    project: Path | None = None  # the folder of mkdocs.yml: symbolic links in the library stay inside it


@dataclass
class Generated:
    """What one generator run produced, with timings for the benchmarks."""

    files: list[str]
    written: int
    library: Library
    seconds: dict[str, float] = field(default_factory=dict)
    # The files themselves, relative path → text (Markdown pages) or bytes (feeds, e-mail
    # bodies), when the run kept them in memory instead of writing them (`keep=True`).
    contents: dict[str, str | bytes] | None = None


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
    if previous is not None:
        # Only the difference is looked at: resolving every path was a tenth of a second
        # of each `craftbook serve` rebuild at 1,000 documents.
        changed = [rel for rel, content in files.items() if previous.get(rel) != content]
        for rel in changed:
            _write_if_changed(_destination(out, rel), files[rel])
        for rel in previous.keys() - files.keys():
            _remove(out, _destination(out, rel))
        return len(changed)
    fresh = not out.exists() or not any(out.iterdir())
    targets = {rel: _destination(out, rel, follow_links=not fresh) for rel in files}
    if fresh:
        folders: set[Path] = set()
        for rel, path in targets.items():
            if path.parent not in folders:
                path.parent.mkdir(parents=True, exist_ok=True)
                folders.add(path.parent)
            path.write_bytes(files[rel])
        return len(files)
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
    keep: bool = False,
) -> Generated:
    """YAML library → Markdown pages and static files in `options.out`.

    `load`, `render` and `write` default to the from-scratch steps; `craftbook.incremental`
    passes cached ones that reuse the previous run's work in a long-lived process.
    `keep=True` writes nothing and returns the files in `Generated.contents` instead: a
    builder that takes files from memory (MkDocs' `File.generated(content=…)`) then neither
    writes nor reads them again (issue 17: a tenth of a 1,000-document build's overhead).
    """
    started = time.perf_counter()
    library = load(options.playbooks, max_bytes=options.max_file_bytes, project=options.project)
    loaded = time.perf_counter()
    selected = library.select(drafts=options.drafts, audience=options.audience)  # type: ignore[arg-type]
    render_options = RenderOptions(
        today=options.today or build_date(),
        site_url=options.site_url,
        site_name=options.site_name,
        drafts=options.drafts,
        audience=options.audience,
        templates=options.templates,
    )
    try:
        pages = render(selected, render_options)
        extras = extra_outputs(selected, render_options)
    except jinja2.TemplateError as exc:
        raise template_problem(exc) from exc
    clashes = output_clashes([*pages, *extras])
    if clashes:
        raise BuildError(f"two outputs would be written to one place: {'; '.join(clashes[:5])}")
    files: dict[str, str | bytes] = {**pages, **extras}
    rendered = time.perf_counter()
    if options.docs_dir and options.docs_dir.is_dir():
        # Compared as built files: docs/lessons.md would become lessons/index.html, the
        # generated listing's file, and one of the two would silently be lost.
        own = {
            built_file(p.relative_to(options.docs_dir).as_posix()): p.relative_to(options.docs_dir).as_posix()
            for p in options.docs_dir.rglob("*.md")
        }
        clashes = sorted(f"{own[built_file(p)]} and the generated {p}" for p in files if built_file(p) in own)
        if clashes:
            raise BuildError(
                "generated pages would replace hand-written ones in "
                f"{options.docs_dir}: {', '.join(clashes[:5])}; rename or move those files"
            )
    written = 0 if keep else write(options.out, {path: _bytes(content) for path, content in files.items()})
    done = time.perf_counter()
    return Generated(
        files=sorted(files),
        written=written,
        library=selected,
        seconds={"load": loaded - started, "render": rendered - loaded, "write": done - rendered},
        contents=files if keep else None,
    )


def _bytes(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def template_problem(exc: jinja2.TemplateError) -> BuildError:
    """A template that does not parse or fails while rendering, located: FILE:LINE of
    the template (an organisation's override or a shipped one), what Jinja said, a fix."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = f"{exc.filename or exc.name}:{exc.lineno}"
        return BuildError(
            f"{where}: error: the template does not parse: {exc.message}; check the {{% … %}} and "
            "{{ … }} on that line (every block opened must be closed, every expression written out)"
        )
    # Jinja rewrites tracebacks so that template lines appear as frames of their own.
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith((".j2", ".html"))]
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "a template"
    return BuildError(
        f"{where}: error: the template failed while rendering: {exc}; compare it with the shipped "
        "template of the same name (a renamed or removed variable is the usual cause)"
    )


def output_clashes(sources: Iterable[str]) -> list[str]:
    """Outputs that would land on one file of the built site, where one silently loses.

    MkDocs writes `a/b.md` to `a/b/index.html`, the same file as `a/b/index.md`.
    """
    seen: dict[str, str] = {}
    clashes: list[str] = []
    for source in sources:
        dest = built_file(source)
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
