"""MkDocs glue, and the only MkDocs glue: it calls the generator and adds its output.

Listed under `hooks:` in mkdocs.yml so that plain `mkdocs build` and `mkdocs serve`
run the generator too. Everything real happens in `generator.site.generate`; a move to
a builder without plugins (Zensical) replaces this file with `craftbook generate`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

from generator import search
from generator.errors import CraftbookError
from generator.incremental import generate
from generator.site import Generated, options_from_mkdocs

_last: dict[str, Any] = {}


def on_config(config: Any) -> Any:
    options = options_from_mkdocs(config)
    try:
        # MkDocs loads this file afresh on every rebuild; generator.incremental outlives it
        # and re-parses and re-renders only what a YAML edit touches (`mkdocs serve`).
        result: Generated = generate(options)
    except CraftbookError as exc:
        # MkDocs shows PluginError text as is and stops the build (or keeps serving).
        raise PluginError(exc.format_message()) from exc
    _last["out"] = options.out
    _last["files"] = result.files
    _last["playbooks"] = options.playbooks
    return config


def on_files(files: Files, config: Any) -> Files:
    out: Path = _last["out"]
    for rel in _last["files"]:
        files.append(File.generated(config, rel, abs_src_path=str(out / rel)))
    return files


def on_serve(server: Any, config: Any, builder: Any) -> Any:
    # A YAML edit rebuilds the site; the generator rewrites only pages whose text changed.
    server.watch(str(_last["playbooks"]))
    return server


def on_page_context(context: Any, page: Any, config: Any, nav: Any) -> Any:
    # Search results show each document's kind and roles, from its front matter.
    _last.setdefault("search_pages", {})[page.url] = page.meta.get("craftbook")
    return context


@event_priority(-100)  # after Material's search plugin has written its index
def on_post_build(config: Any) -> None:
    search.augment_site(Path(config["site_dir"]), _last.get("search_pages", {}))
