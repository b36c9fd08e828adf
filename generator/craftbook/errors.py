"""One exception tree for the whole package; only the CLI turns it into exit codes.

Library code raises; `craftbook.cli` decides what a user sees and which code the
process exits with (1 failure, 2 usage), as MkDocs does with its `Abort`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import click


@dataclass(frozen=True, order=True)
class Diagnostic:
    """A problem in one file, located in the compiler convention FILE:LINE:COL."""

    file: str
    line: int
    column: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.severity}: {self.message}"


class CraftbookError(click.ClickException):
    """Root of every error the package raises on purpose."""


class ValidationFailed(CraftbookError):
    """The library has errors; carries every one of them, not only the first."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics)
        super().__init__(self.report())

    def report(self) -> str:
        errors = [d for d in self.diagnostics if d.severity == "error"]
        files = {d.file for d in errors}
        lines = [str(d) for d in self.diagnostics]
        noun = "error" if len(errors) == 1 else "errors"
        file_noun = "file" if len(files) == 1 else "files"
        lines.append(f"{len(errors)} {noun} in {len(files)} {file_noun}")
        return "\n".join(lines)

    def format_message(self) -> str:
        return self.report()

    def show(self, file=None) -> None:  # type: ignore[no-untyped-def]
        # click prefixes "Error: "; the compiler-style lines already say "error:".
        click.echo(self.report(), file=file, err=True)


class BuildError(CraftbookError):
    """The site could not be built; the previous output is left as it was."""


class OutputRefused(CraftbookError):
    """An output folder that is not Craftbook's to replace; exit 2 like a usage error."""

    exit_code = 2
