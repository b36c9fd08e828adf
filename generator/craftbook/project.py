"""`craftbook init DIR`: a new content repository that checks and builds as it is.

Like `mkdocs new`, it writes each file only where none exists and says what it did;
nothing is ever overwritten. What it writes:

- `mkdocs.yml` using the craftbook plugin, `requirements.txt` pinning this release;
- `playbooks/`: one small valid document of each kind (the scaffolds of `craftbook new`),
  or with `--starter` the full starter library (36 documents);
- `docs/` for the organisation's own pages (empty but kept in git);
- `.github/workflows/pages.yml` (check, build, publish on GitHub Pages; actions pinned by
  commit hash), `.github/dependabot.yml` (keeps those pins and the release current);
- `.vscode/` (YAML schema mapping, the schema itself), `.gitignore`, a Korean README.

The skeleton lives in `craftbook/starter/project/`; a name starting `dot-` there is
written with a leading dot (`dot-github` → `.github`), so packaging never drops it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .models import KIND_SPECS
from .resources import SCHEMA, STARTER, starter_library
from .scaffold import scaffold, schema_reference, target_path
from .schema import PROJECT_COPY

SKELETON = STARTER / "project"
_FILLED = ("mkdocs.yml", "README.md", "requirements.txt")  # files with {site_name}, {version}…


@dataclass
class InitReport:
    created: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # existed already: left exactly as they were
    warnings: list[str] = field(default_factory=list)

    def lines(self, root: Path) -> Iterator[str]:
        for path in self.created:
            yield f"created {path.relative_to(root).as_posix()}"
        for path in self.kept:
            yield f"kept {path.relative_to(root).as_posix()} (exists; not overwritten)"


def _write(path: Path, data: bytes, report: InitReport) -> None:
    if path.exists() or path.is_symlink():
        report.kept.append(path)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("xb") as handle:  # "x": never clobber, even in a race
        handle.write(data)
    report.created.append(path)


def _target_name(rel: Path) -> Path:
    return Path(*(f".{part[4:]}" if part.startswith("dot-") else part for part in rel.parts))


def init_project(
    root: Path, *, site_name: str | None = None, starter: bool = False, today: dt.date | None = None
) -> InitReport:
    """Write a new content repository into `root` (created if missing); never overwrite.

    `site_name` defaults to the folder's name. Returns what was created and kept.
    """
    root = root.resolve()
    root.mkdir(parents=True, exist_ok=True)
    name = site_name or root.name
    values = {
        # JSON strings are YAML double-quoted scalars: any name reads back exactly.
        "{site_name}": json.dumps(name, ensure_ascii=False),
        "{brand_name}": json.dumps(name, ensure_ascii=False),
        "{version}": __version__,
    }
    report = InitReport()
    for source in sorted(p for p in SKELETON.rglob("*") if p.is_file()):
        rel = source.relative_to(SKELETON)
        data = source.read_bytes()
        if rel.name in _FILLED:
            text = data.decode("utf-8")
            for key, value in values.items():
                text = text.replace(key, name if rel.name == "README.md" else value)
            data = text.encode("utf-8")
        _write(root / _target_name(rel), data, report)
    _write(root / PROJECT_COPY, SCHEMA.read_bytes(), report)
    config = root / "mkdocs.yml"
    if config in report.kept and "craftbook" not in config.read_text(encoding="utf-8", errors="replace"):
        report.warnings.append(
            "the mkdocs.yml that was kept does not list the craftbook plugin; add it under plugins: "
            "(- search, then - craftbook) before craftbook serve"
        )
    playbooks = root / "playbooks"
    if starter:
        library = starter_library()
        for source in sorted(p for p in library.rglob("*.yaml") if p.is_file()):
            _write(playbooks / source.relative_to(library), source.read_bytes(), report)
    else:
        for path, text in _examples(playbooks, today or dt.date.today()):
            _write(path, text.encode("utf-8"), report)
    return report


def _examples(playbooks: Path, today: dt.date) -> Iterator[tuple[Path, str]]:
    """One small valid document of each kind, from its scaffold; an edition picks the others."""
    ids = {spec.name: f"example-{spec.name}" for spec in KIND_SPECS}
    others = [doc_id for kind, doc_id in ids.items() if kind != "edition"]
    for spec in KIND_SPECS:
        doc_id = ids[spec.name]
        target = target_path(spec.name, doc_id, playbooks)
        facts = {"number": 1, "date": today.isoformat(), "ref": others[0]} if spec.name == "edition" else {}
        reference = schema_reference(target, cwd=playbooks.parent)
        yield target, scaffold(spec.name, doc_id, title=f"예시 {spec.label}", schema=reference, today=today, **facts)
