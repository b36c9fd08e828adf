"""`craftbook build`: MkDocs into a staging folder, swapped in only on success.

The MkDocs half of the pipeline; `craftbook.pipeline` is the builder-neutral half. A
failed build never touches the previous site, and the output folder is guarded
(`craftbook.outdir`): only a folder an earlier build wrote, or an empty one, is replaced.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from .config import Overrides, options_from_mkdocs, overridden
from .errors import BuildError, CraftbookError, ValidationFailed
from .outdir import SITE_MARKER, clean_stale, guard, staging, swap_in
from .pipeline import WORK_DIR, GenerateOptions


@dataclass(frozen=True)
class BuildOptions:
    config_file: Path
    out: Path | None = None
    playbooks: Path | None = None
    drafts: bool = False
    audience: str | None = None  # None: the plugin's `audience`
    strict: bool = False
    max_file_bytes: int | None = None  # None: the plugin's max_file_bytes, else 1 MiB


class _WarningCount(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def build(options: BuildOptions) -> Path:
    """Run MkDocs into a staging folder and swap it in; the old site survives failure.

    Raises OutputRefused (exit 2) for an output folder that is not Craftbook's to replace,
    ValidationFailed listing every located error, BuildError for anything else.
    """
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError, MkDocsException

    config_file = options.config_file.resolve()
    project = config_file.parent
    out = (options.out or project / "site").resolve()
    overrides = Overrides(
        playbooks=options.playbooks,
        drafts=options.drafts or None,
        audience=options.audience,
        max_file_bytes=options.max_file_bytes,
    )
    try:
        with overridden(overrides):
            try:
                # Not site_dir=out: MkDocs would judge an --out of docs/ before the guard could
                # (and exit 1); the site is built into a staging folder set below anyway.
                config = load_config(str(config_file))
            except (Abort, ConfigurationError) as exc:
                # MkDocs has logged each problem (key, expected value, did-you-mean) above.
                raise BuildError(
                    f"{config_file.name} has configuration errors (listed above); {out} is unchanged"
                ) from exc
            generate_options = options_from_mkdocs(config)
        guard(
            out,
            marker=SITE_MARKER,
            protected=[
                ("the project", project),
                ("the library", generate_options.playbooks),
                ("the docs folder", generate_options.docs_dir),
                ("Craftbook's working folder (its caches)", project / WORK_DIR),
            ],
        )
        # The generated Markdown stays in memory (the plugin hands MkDocs the pages as
        # files of its own). Earlier versions wrote it under .craftbook/build-…: a folder a
        # killed build of theirs left is removed here.
        clean_stale(project / WORK_DIR, "build-")
        with staging(out, SITE_MARKER) as folder, overridden(overrides):
            config["site_dir"] = str(folder)
            # Validate before MkDocs starts: MkDocs turns a plugin's exception into a bare
            # "Aborted", and the user must see every located error. Through the process's
            # cache, so the plugin's generator step does not parse the library again.
            _validate(generate_options, strict=options.strict)
            counter = _WarningCount()
            logger = logging.getLogger("mkdocs")
            logger.addHandler(counter)
            try:
                # Strictness is counted here, not by MkDocs: its counter starts inside its
                # build; Craftbook's log under "mkdocs" too. Startup and shutdown as
                # `mkdocs build` runs them: plugins learn that this process builds once.
                config.plugins.on_startup(command="build", dirty=False)
                try:
                    mkdocs_build(config)
                finally:
                    config.plugins.on_shutdown()
            finally:
                logger.removeHandler(counter)
            if options.strict and counter.count:
                noun = "warning" if counter.count == 1 else "warnings"
                raise BuildError(f"{counter.count} {noun} in strict mode (listed above); {out} is unchanged")
            try:
                swap_in(folder, out)
            except OSError as exc:
                raise BuildError(f"the new site could not replace {out} ({exc}); {out} is unchanged") from exc
    except CraftbookError:
        raise
    except (MkDocsException, OSError, Exception) as exc:
        cause = _craftbook_cause(exc)
        if cause is not None:
            raise cause from exc
        raise BuildError(f"the site could not be built ({exc}); {out} is unchanged") from exc
    return out


def _validate(options: GenerateOptions, *, strict: bool) -> None:
    """Every located error (ValidationFailed), and with `strict` every warning, before
    MkDocs starts. The library is not kept: the plugin's generator step takes it from
    the process's cache, and drops it before MkDocs builds the pages (peak memory)."""
    from .incremental import CACHE

    library = CACHE.load(options.playbooks, max_bytes=options.max_file_bytes, project=options.project)
    if strict and library.warnings:
        summary = library.discovery.summary() if library.discovery else ""
        raise ValidationFailed(library.warnings, summary=summary)


def _craftbook_cause(exc: BaseException) -> CraftbookError | None:
    """The located Craftbook error behind what MkDocs raised, if any: a plugin's error
    reaches here as MkDocs' bare "Aborted with a BuildError!", raised while handling it."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, CraftbookError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None
