"""The MkDocs glue, and the only MkDocs glue: `plugins: [search, craftbook]`.

Found by name through the `mkdocs.plugins` entry point, so an installed Craftbook works
with plain `mkdocs build` and `mkdocs serve`. Each event only hands over to the
builder-neutral pipeline (`craftbook.pipeline`); a move to a builder that runs no
plugins (Zensical) replaces this file with `craftbook generate` + `craftbook search-index`.

What it adds to MkDocs' run:
- on_config: the theme overrides, stylesheets and scripts shipped inside the package,
  and the generator step (YAML → Markdown), validated first;
- on_config, when mkdocs.yml has no `nav:`: the navigation of `craftbook.nav`;
- on_files: the generated pages, the shipped assets and pages (작성 가이드, 구독), as
  files of the site; an organisation's own file of the same name wins;
- on_post_build: the Korean search tokens, after Material's search plugin wrote its index.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from . import search, urls
from .config import CraftbookConfig, options_from_mkdocs
from .errors import CraftbookError
from .incremental import generate
from .nav import default_nav
from .pipeline import Generated
from .resources import ASSETS, EXTRA_CSS, EXTRA_JAVASCRIPT, PAGES, THEME

log = logging.getLogger("mkdocs.plugins.craftbook")


class CraftbookPlugin(BasePlugin[CraftbookConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.result: Generated | None = None
        self.out: Path | None = None
        self.playbooks: Path | None = None
        self.search_pages: dict[str, Any] = {}

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        # The package's overrides come after the organisation's own custom_dir, before Material.
        dirs = config.theme.dirs
        if str(THEME) not in dirs:
            dirs.insert(1 if config.theme.custom_dir else 0, str(THEME))
        config.extra_css[:0] = [c for c in EXTRA_CSS if c not in config.extra_css]
        scripts = [str(s) for s in config.extra_javascript]
        config.extra_javascript[:0] = [s for s in EXTRA_JAVASCRIPT if s not in scripts]
        if config.nav is None:
            docs = Path(config.docs_dir)
            own = [p.relative_to(docs).as_posix() for p in docs.rglob("*.md")] if docs.is_dir() else []
            config.nav = default_nav(own)
        options = options_from_mkdocs(config)
        try:
            # craftbook.incremental outlives MkDocs' rebuilds: a YAML edit in `mkdocs serve`
            # re-parses and re-renders only what it touches.
            self.result = generate(options)
        except CraftbookError as exc:
            # MkDocs shows PluginError text as is and stops the build (or keeps serving).
            raise PluginError(exc.format_message()) from exc
        self.out, self.playbooks = options.out, options.playbooks
        self.search_pages = {}
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        assert self.result is not None and self.out is not None
        for rel in self.result.files:
            files.append(File.generated(config, rel, abs_src_path=str(self.out / rel)))
        shipped = [(f"assets/{p.relative_to(ASSETS).as_posix()}", p) for p in ASSETS.rglob("*") if p.is_file()]
        shipped += [(p.name, p) for p in PAGES.glob("*.md")]
        for rel, path in sorted(shipped):
            if files.get_file_from_path(rel) is None:  # an organisation's own file of that name wins
                files.append(File.generated(config, rel, abs_src_path=str(path)))
        return files

    def on_env(self, env: Any, config: MkDocsConfig, files: Files) -> Any:
        env.globals["craftbook_urls"] = urls  # the theme's feed links follow the one URL module
        return env

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:
        # A YAML edit rebuilds the site; the generator rewrites only pages whose text changed.
        if self.playbooks is not None:
            server.watch(str(self.playbooks))
        return server

    def on_page_context(self, context: Any, page: Any, config: MkDocsConfig, nav: Any) -> Any:
        # Search results show each document's kind and roles, from its front matter.
        self.search_pages[page.url] = page.meta.get("craftbook")
        return context

    @event_priority(-100)  # after Material's search plugin has written its index
    def on_post_build(self, config: MkDocsConfig) -> None:
        search.augment_site(Path(config["site_dir"]), self.search_pages)
