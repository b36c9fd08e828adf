"""`craftbook` command line: options only; the work lives in plain functions.

Exit codes are decided here and only here: 0 success, 1 failure, 2 wrong usage.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

CONFIG_OPTION = click.option(
    "--config",
    "-f",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("mkdocs.yml"),
    show_default=True,
    help="MkDocs configuration file.",
)


def max_file_bytes_option(default: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """--max-file-bytes; `default` says where the limit comes from when it is not given."""
    return click.option(
        "--max-file-bytes",
        type=click.IntRange(min=1),
        default=None,
        help=f"Refuse YAML files larger than this {default}.",
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="craftbook")
def main() -> None:
    """Craftbook: YAML playbooks → a searchable Material for MkDocs site."""


@main.command()
@click.argument("path", required=False, type=click.Path(path_type=Path), default=Path("playbooks"))
@click.option("--stale", is_flag=True, help="List documents past their review date (not an error).")
@max_file_bytes_option("(default 1 MiB)")
def check(path: Path, stale: bool, max_file_bytes: int | None) -> None:
    """Validate a library folder or one file; report every problem at once."""
    from .commands import check_library

    report = check_library(path, stale=stale, max_bytes=max_file_bytes)
    click.echo(report)


@main.command()
@CONFIG_OPTION
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), help="Output folder [default: site/].")
@click.option("--playbooks", type=click.Path(exists=True, file_okay=False, path_type=Path), help="Library folder.")
@click.option("--drafts", is_flag=True, help="Include documents with status: draft.")
@click.option(
    "--audience",
    type=click.Choice(["public", "members"]),
    default="public",
    show_default=True,
    help="public leaves out every access: members document.",
)
@click.option("--strict", is_flag=True, help="Fail on MkDocs warnings.")
@max_file_bytes_option("[default: extra.craftbook.max_file_bytes, else 1048576]")
def build(
    config_file: Path,
    out: Path | None,
    playbooks: Path | None,
    drafts: bool,
    audience: str,
    strict: bool,
    max_file_bytes: int | None,
) -> None:
    """Build the static site (into a temporary folder, swapped in on success)."""
    from .site import BuildOptions
    from .site import build as build_site

    if not config_file.exists():
        raise click.UsageError(f"no MkDocs configuration at {config_file}", ctx=click.get_current_context())
    result = build_site(
        BuildOptions(
            config_file=config_file,
            out=out,
            playbooks=playbooks,
            drafts=drafts,
            audience=audience,
            strict=strict,
            max_file_bytes=max_file_bytes,
        )
    )
    click.echo(f"built {result}")


@main.command()
@CONFIG_OPTION
@click.option("--dev-addr", "-a", default="127.0.0.1:8000", show_default=True, help="Address to serve on.")
def serve(config_file: Path, dev_addr: str) -> None:
    """Serve the site and rebuild when a YAML file or page changes."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    mkdocs_serve(str(config_file), dev_addr=dev_addr, livereload=True)


@main.command()
@click.option(
    "--playbooks",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=Path("playbooks"),
    show_default=True,
)
@click.option(
    "--out",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write the generated Markdown into.",
)
@click.option("--drafts", is_flag=True)
@click.option("--audience", type=click.Choice(["public", "members"]), default="public", show_default=True)
def generate(playbooks: Path, out: Path, drafts: bool, audience: str) -> None:
    """Write the generated Markdown only (for builders that run no MkDocs plugins)."""
    from .site import GenerateOptions
    from .site import generate as generate_pages

    result = generate_pages(GenerateOptions(playbooks=playbooks, out=out, drafts=drafts, audience=audience))
    click.echo(f"{len(result.files)} files in {out} ({result.written} changed)")


KIND_ARGUMENT = click.Choice(["role-playbook", "lesson", "scorecard", "script", "resource", "edition"])


@main.command()
@click.argument("kind", required=False, type=KIND_ARGUMENT, metavar="[KIND]")
def schema(kind: str | None) -> None:
    """Print the JSON Schema of every document (or of one KIND) for YAML editors."""
    from .schema import schema_text

    click.echo(schema_text(kind), nl=False)


@main.command()
@click.argument("kind", type=KIND_ARGUMENT, metavar="KIND")
@click.argument("doc_id", metavar="ID")
@click.option("--title", help="Title of the new document.")
@click.option(
    "--playbooks",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=Path("playbooks"),
    show_default=True,
    help="Library folder.",
)
def new(kind: str, doc_id: str, title: str | None, playbooks: Path) -> None:
    """Write a commented KIND document with id ID that passes `craftbook check`.

    KIND is role-playbook, lesson, scorecard, script, resource or edition. The file goes
    to PLAYBOOKS/<kind folder>/ID.yaml; an existing file or id is never overwritten.
    """
    from .scaffold import new as new_document

    try:
        created = new_document(kind, doc_id, playbooks=playbooks, title=title)
    except ValueError as exc:  # the id: not an id, or a reserved one
        raise click.BadParameter(str(exc), param_hint="ID") from exc
    click.echo(f"created {created}")


if __name__ == "__main__":
    main()
