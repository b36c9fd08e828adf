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


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


class ValidationFailed(CraftbookError):
    """The library has errors (or, under --strict, warnings); carries every one of them,
    warnings included, not only the first.

    `summary` is what was read and skipped (`31 files read; skipped: …`), printed last.
    """

    def __init__(self, diagnostics: Iterable[Diagnostic], *, summary: str = "") -> None:
        self.diagnostics = sorted(diagnostics)
        self.summary = summary
        super().__init__(self.report())

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity != "error"]

    def report(self) -> str:
        errors, warnings = self.errors, self.warnings
        lines = [str(d) for d in self.diagnostics]
        if errors:
            count = f"{_count(len(errors), 'error')} in {_count(len({d.file for d in errors}), 'file')}"
            if warnings:
                count += f"; {_count(len(warnings), 'warning')}"
        else:
            files = _count(len({d.file for d in warnings}), "file")
            count = f"{_count(len(warnings), 'warning')} in {files}; --strict fails on warnings"
        lines.append(count)
        if self.summary:
            lines.append(self.summary)
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
