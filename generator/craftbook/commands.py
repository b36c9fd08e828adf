"""Plain functions behind the CLI, callable and testable without it."""

from __future__ import annotations

from pathlib import Path

from .discover import project_of
from .errors import ValidationFailed
from .library import load_library
from .load import DEFAULT_MAX_BYTES
from .pipeline import WORK_DIR, Generated, build_date, generate
from .review import report_lines, review_report


def check_library(path: Path, *, stale: bool = False, max_bytes: int | None = None, strict: bool = False) -> str:
    """Validate; return the success report: warnings, the 검토 현황 (with `stale`), the
    verdict and, last, what was read and skipped. Raises ValidationFailed listing every
    error (and, `strict`, every warning).

    With `stale`, the report gives the 검토 현황 figures of the `review/` page
    (`craftbook.review`): the trust score overall, per owner and per kind, then each
    overdue document (oldest due date first) and the documents with no review date or
    no owner, each line starting with its file.

    Symbolic links may lead anywhere inside the project the library belongs to (the
    nearest folder holding mkdocs.yml), else only inside the library itself.
    """
    library = load_library(path, max_bytes=max_bytes or DEFAULT_MAX_BYTES, project=project_of(path))
    summary = library.discovery.summary() if library.discovery else ""
    if strict and library.warnings:
        raise ValidationFailed(library.warnings, summary=summary)
    lines = [str(w) for w in library.warnings]
    if stale:
        report = review_report((entry.doc for entry in library), build_date())
        lines += report_lines(report, {entry.id: entry.file.name for entry in library})
    count = len(library)
    verdict = f"ok: {count} document{'s' if count != 1 else ''} valid"
    if path.is_file():
        verdict += " (references to other documents are checked when the whole library folder is)"
    if library.warnings:
        n = len(library.warnings)
        verdict += f", {n} warning{'s' if n != 1 else ''}"
    lines.append(verdict)
    if summary:
        lines.append(summary)
    return "\n".join(lines)


def generate_markdown(
    config_file: Path,
    out: Path,
    *,
    playbooks: Path | None = None,
    drafts: bool = False,
    audience: str | None = None,
    site_url: str | None = None,
    max_file_bytes: int | None = None,
) -> Generated:
    """`craftbook generate`: the plugin's options from mkdocs.yml, a whole docs folder into `out`.

    `out` holds what a builder without plugins needs as its `docs_dir`: the organisation's
    own pages from docs/, the generated pages and outputs, and the pages and assets the
    plugin would add (작성 가이드, 구독, the consult and search scripts, stylesheets,
    vendored Mermaid) where docs/ has no file of that name. It is guarded like the site
    folder of `craftbook build`: replaced whole, so it must be new, empty or written by an
    earlier `generate` (OutputRefused, exit 2).
    """
    from dataclasses import replace

    from mkdocs.config import load_config

    from .config import Overrides, options_from_mkdocs, overridden
    from .outdir import GENERATED_MARKER, guard, staging, swap_in

    overrides = Overrides(playbooks=playbooks, drafts=drafts or None, audience=audience, max_file_bytes=max_file_bytes)
    with overridden(overrides):
        config = load_config(str(config_file))
        options = options_from_mkdocs(config)
    out = out.resolve()
    guard(
        out,
        marker=GENERATED_MARKER,
        protected=[
            ("the project", config_file.resolve().parent),
            ("the library", options.playbooks),
            ("the docs folder", options.docs_dir),
            ("Craftbook's working folder (its caches)", config_file.resolve().parent / WORK_DIR),
        ],
    )
    with staging(out, GENERATED_MARKER) as folder:
        result = generate(replace(options, out=folder, site_url=site_url if site_url is not None else options.site_url))
        _add_pages_and_assets(folder, options.docs_dir)
        # After generate, which keeps only what it wrote: the marker says the folder is ours.
        (folder / GENERATED_MARKER).write_text("Written by craftbook generate; the next run replaces it whole.\n")
        had = out.exists()
        swap_in(folder, out)
        # The folder was replaced whole; what changed (written, changed or removed) is
        # told against the previous one, which the swap left in `folder` (removed on the
        # way out).
        if had:
            new, old = _files_in(out), _files_in(folder)
            changed = sum(1 for rel in new | old if _differs(out / rel, folder / rel))
        else:
            changed = len(result.files)
    return replace(result, written=changed)


def _files_in(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def _differs(new: Path, old: Path) -> bool:
    try:
        return new.read_bytes() != old.read_bytes()
    except OSError:
        return True


def _add_pages_and_assets(folder: Path, docs_dir: Path) -> None:
    """The organisation's pages, then the shipped ones it does not override (as the plugin does)."""
    import shutil

    from .resources import ASSETS, PAGES

    own = (
        {p.relative_to(docs_dir).as_posix(): p for p in docs_dir.rglob("*") if p.is_file()} if docs_dir.is_dir() else {}
    )
    shipped = {f"assets/{p.relative_to(ASSETS).as_posix()}": p for p in ASSETS.rglob("*") if p.is_file()}
    shipped |= {p.name: p for p in PAGES.glob("*.md")}
    for rel, source in sorted({**shipped, **own}.items()):
        target = folder / rel
        if target.exists():
            continue  # a generated page: the pipeline already refused docs/ files that clash
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
