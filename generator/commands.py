"""Plain functions behind the CLI, callable and testable without it."""

from __future__ import annotations

from pathlib import Path

from .library import load_library
from .load import DEFAULT_MAX_BYTES
from .render import review_state
from .site import build_date


def check_library(path: Path, *, stale: bool = False, max_bytes: int | None = None) -> str:
    """Validate; return the success report. Raises ValidationFailed listing every error."""
    library = load_library(path, max_bytes=max_bytes or DEFAULT_MAX_BYTES)
    lines = []
    if stale:
        today = build_date()
        for entry in library:
            if review_state(entry.doc, today) == "stale":
                doc = entry.doc
                lines.append(
                    f"{entry.file.name}: stale: {doc.id} (reviewed {doc.reviewed}, "
                    f"every {doc.review_every} days; owner {doc.owner or 'unknown'})"
                )
        lines.append(f"{len(lines)} stale documents")
    count = len(library)
    lines.append(f"ok: {count} document{'s' if count != 1 else ''} valid")
    return "\n".join(lines)
