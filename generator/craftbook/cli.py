"""`craftbook` command line: options only; the work lives in plain functions.

Exit codes are decided here and only here: 0 success, 1 failure, 2 wrong usage.
"""

from __future__ import annotations

import logging
import re
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from .models import KINDS

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


def _stop(signum: int, frame: object) -> None:
    """SIGTERM (a CI job cancelled, `kill`, a container stopped) ends the run like Ctrl+C:
    as an exception, so every `finally` runs and no staging or temporary folder is left."""
    raise KeyboardInterrupt


# A located diagnostic (`FILE:LINE:COL: warning: …`) prints as it is: editors and CI
# annotations read that form, and it says its severity already.
_LOCATED = re.compile(r"^[^\n]*:\d+:\d+: (?:error|warning): ")


class _LogLines(logging.Handler):
    """MkDocs' and Craftbook's log records as `WARNING  -  text` lines on stderr, as `mkdocs` prints them."""

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        click.echo(message if _LOCATED.match(message) else f"{record.levelname:<8}-  {message}", err=True)


def selection_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """What goes into a build, for build and generate alike; each overrides the plugin's option."""
    for option in reversed(
        [
            click.option(
                "--playbooks", type=click.Path(exists=True, file_okay=False, path_type=Path), help="Library folder."
            ),
            click.option("--drafts", is_flag=True, help="Include documents with status: draft."),
            click.option(
                "--audience",
                type=click.Choice(["public", "members"]),
                default=None,
                help="public leaves out every access: members document [default: the plugin's audience, else public].",
            ),
            max_file_bytes_option("[default: the plugin's max_file_bytes, else 1048576]"),
        ]
    ):
        command = option(command)
    return command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="craftbook")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Craftbook: YAML playbooks → a searchable Material for MkDocs site."""
    # MkDocs (and the plugin, under "mkdocs.plugins.craftbook") report problems by logging;
    # without a handler Python would print bare messages, or nothing under a test runner.
    logger = logging.getLogger("mkdocs")
    handler = _LogLines()
    handler.setLevel(logging.INFO if ctx.invoked_subcommand == "serve" else logging.WARNING)
    saved = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False

    def restore() -> None:
        logger.removeHandler(handler)
        logger.level, logger.propagate = saved

    ctx.call_on_close(restore)
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _stop)
        ctx.call_on_close(lambda: signal.signal(signal.SIGTERM, previous))


@main.command()
@click.argument("path", required=False, type=click.Path(path_type=Path), default=Path("playbooks"))
@click.option("--stale", is_flag=True, help="List documents past their review date (not an error).")
@click.option("--strict", is_flag=True, help="Fail on warnings too (exit 1).")
@max_file_bytes_option("(default 1 MiB)")
def check(path: Path, stale: bool, strict: bool, max_file_bytes: int | None) -> None:
    """Validate a library folder or one file; report every problem at once.

    Errors are what cannot be right, warnings what may be intended (a date in the
    future, a tag spelt two ways); the last line says what was read and skipped.
    """
    from .commands import check_library

    report = check_library(path, stale=stale, max_bytes=max_file_bytes, strict=strict)
    click.echo(report)


@main.command()
@CONFIG_OPTION
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), help="Output folder [default: site/].")
@selection_options
@click.option("--strict", is_flag=True, help="Fail on warnings, Craftbook's and MkDocs'.")
def build(
    config_file: Path,
    out: Path | None,
    playbooks: Path | None,
    drafts: bool,
    audience: str | None,
    strict: bool,
    max_file_bytes: int | None,
) -> None:
    """Build the static site (into a temporary folder, swapped in on success)."""
    from .build import BuildOptions
    from .build import build as build_site

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
    """Serve the site and rebuild when a YAML file or page changes.

    While the library has errors the last good site stays served, every page showing the
    errors at its top. A port in use is refused (exit 2) before anything is built.
    """
    from .serve import serve as serve_site

    if not config_file.exists():
        raise click.UsageError(f"no MkDocs configuration at {config_file}", ctx=click.get_current_context())
    serve_site(config_file, dev_addr, echo=click.echo)


@main.command()
@CONFIG_OPTION
@click.option(
    "--out",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write the generated Markdown into (new, empty, or written by generate before).",
)
@selection_options
@click.option("--site-url", default=None, help="Absolute address of the site [default: site_url of mkdocs.yml].")
def generate(
    config_file: Path,
    out: Path,
    playbooks: Path | None,
    drafts: bool,
    audience: str | None,
    site_url: str | None,
    max_file_bytes: int | None,
) -> None:
    """Write the generated Markdown only, for builders that run no MkDocs plugins.

    Reads the same options as build (the craftbook plugin's in mkdocs.yml: library,
    templates, brand, limits, audience, drafts). Then, after the builder has written
    the site, `craftbook search-index SITE_DIR` adds the Korean search tokens.
    """
    from .commands import generate_markdown

    if not config_file.exists():
        raise click.UsageError(f"no MkDocs configuration at {config_file}", ctx=click.get_current_context())
    result = generate_markdown(
        config_file,
        out,
        playbooks=playbooks,
        drafts=drafts,
        audience=audience,
        site_url=site_url,
        max_file_bytes=max_file_bytes,
    )
    click.echo(f"{len(result.files)} files in {out} ({result.written} changed)")


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", help="The site's name [default: the folder's name].")
@click.option(
    "--starter", is_flag=True, help="Copy the full starter library (36 documents) instead of one example per kind."
)
def init(directory: Path, name: str | None, starter: bool) -> None:
    """Start a new content repository in DIRECTORY; never overwrites a file.

    It checks and builds as written: mkdocs.yml with the craftbook plugin, playbooks/,
    docs/, the GitHub Pages workflow, editor settings and a README in Korean.
    """
    import shlex

    from .brand import site_name_problem
    from .project import init_project

    if name is not None and (problem := site_name_problem(name)):
        raise click.BadParameter(problem, param_hint="--name")
    report = init_project(directory, site_name=name, starter=starter)
    root = directory.resolve()
    for line in report.lines(root):
        click.echo(line)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"next: cd {shlex.quote(str(directory))} && craftbook serve")


@main.command("search-index")
@click.argument("site_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--generated",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="The folder `craftbook generate` wrote: results then show each document's kind and roles.",
)
@click.option(
    "--cache",
    "cache_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep the analysis in this folder and reuse it next time (e.g. .craftbook/cache); default: none.",
)
def search_index(site_dir: Path, generated: Path | None, cache_dir: Path | None) -> None:
    """Add the Korean search tokens to a built site's search/search_index.json.

    For builds that ran without the craftbook plugin; `craftbook build` and
    `mkdocs build` with the plugin do this already. Running it twice changes nothing.
    """
    from .search import augment_site, pages_from_generated

    path = augment_site(site_dir, pages_from_generated(generated) if generated else {}, cache_dir=cache_dir)
    if path is None:
        raise click.ClickException(f"no search/search_index.json in {site_dir}; build the site with the search plugin")
    click.echo(f"korean search tokens added to {path}")


KIND_ARGUMENT = click.Choice(KINDS)


@main.command()
@click.argument("kind", required=False, type=KIND_ARGUMENT, metavar="[KIND]")
def schema(kind: str | None) -> None:
    """Print the JSON Schema of every document (or of one KIND) for YAML editors."""
    from .schema import schema_text

    click.echo(schema_text(kind), nl=False)


@main.command(
    help=f"""Write a commented KIND document with id ID that passes `craftbook check`.

    KIND is {", ".join(KINDS[:-1])} or {KINDS[-1]}. The file goes to
    PLAYBOOKS/<kind folder>/ID.yaml; an existing file or id is never overwritten.
    """
)
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
    """`craftbook new`; the help text lists the kinds of KIND_SPECS."""
    from .scaffold import new as new_document

    try:
        created = new_document(kind, doc_id, playbooks=playbooks, title=title)
    except ValueError as exc:  # the id: not an id, or a reserved one
        raise click.BadParameter(str(exc), param_hint="ID") from exc
    click.echo(f"created {created}")


if __name__ == "__main__":
    main()
