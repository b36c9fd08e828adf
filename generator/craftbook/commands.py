"""Plain functions behind the CLI, callable and testable without it."""

from __future__ import annotations

from pathlib import Path

from .library import load_library
from .load import DEFAULT_MAX_BYTES
from .pipeline import Generated, build_date, generate
from .review import report_lines, review_report


def check_library(path: Path, *, stale: bool = False, max_bytes: int | None = None) -> str:
    """Validate; return the success report. Raises ValidationFailed listing every error.

    With `stale`, the report first gives the 검토 현황 figures of the `review/` page
    (`craftbook.review`): the trust score overall, per owner and per kind, then each
    overdue document (oldest due date first) and the documents with no review date or
    no owner, each line starting with its file.
    """
    library = load_library(path, max_bytes=max_bytes or DEFAULT_MAX_BYTES)
    lines = []
    if stale:
        report = review_report((entry.doc for entry in library), build_date())
        lines += report_lines(report, {entry.id: entry.file.name for entry in library})
    count = len(library)
    lines.append(f"ok: {count} document{'s' if count != 1 else ''} valid")
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
    """`craftbook generate`: the plugin's options from mkdocs.yml, the Markdown into `out`.

    `out` is guarded like the site folder of `craftbook build`: it is replaced whole, so
    it must be new, empty or written by an earlier `generate` (OutputRefused, exit 2).
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
        ],
    )
    with staging(out, GENERATED_MARKER) as folder:
        result = generate(replace(options, out=folder, site_url=site_url if site_url is not None else options.site_url))
        swap_in(folder, out)
    return result
