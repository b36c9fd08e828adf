"""The MkDocs glue, and the only MkDocs glue: `plugins: [search, craftbook]`.

Found by name through the `mkdocs.plugins` entry point, so an installed Craftbook works
with plain `mkdocs build` and `mkdocs serve`. Each event only hands over to the
builder-neutral pipeline (`craftbook.pipeline`); a move to a builder that runs no
plugins (Zensical) replaces this file with `craftbook generate` + `craftbook search-index`.

What it adds to MkDocs' run:
- on_config: the theme overrides, stylesheets and scripts shipped inside the package,
  Korean heading-anchor titles, the Markdown extension that turns glossary terms into
  tooltips, and the generator step (YAML → Markdown), validated first;
- on_config, when mkdocs.yml has no `nav:`: the navigation of `craftbook.nav`;
- on_files: the generated pages, the shipped assets and pages (작성 가이드, 구독), as
  files of the site; an organisation's own file of the same name wins;
- on_page_context: each generated document page's edit link, to its YAML file;
- on_post_build: the Korean search tokens, after Material's search plugin wrote its index.
"""

from __future__ import annotations

import gc
import logging
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from . import incremental, labels, preview, search, urls
from .config import CraftbookConfig, options_from_mkdocs
from .errors import CraftbookError
from .nav import default_nav
from .outdir import SITE_MARKER
from .pipeline import CACHE_DIR, Generated
from .resources import ASSETS, EXTRA_CSS, EXTRA_JAVASCRIPT, PAGES, THEME

log = logging.getLogger("mkdocs.plugins.craftbook")
TERMS_EXTENSION = "craftbook.terms"

# MkDocs' commands that build once and exit (on_startup's `command`); not "serve".
ONE_SHOT = frozenset({"build", "gh-deploy"})

# Python-Markdown's toc extension titles every heading anchor "Permanent link".
PERMALINK_TITLE = "이 제목을 가리키는 고정 링크"


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled theme templates, kept for the life of the process. MkDocs makes a new
    Jinja environment for every build, which compiled Material's templates again on every
    `craftbook serve` rebuild (a fifth of a partial rebuild at 1,000 documents). Jinja
    checks each template's source against the checksum stored with its code."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if (code := self.code.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = _CompiledTemplates()


class CraftbookPlugin(BasePlugin[CraftbookConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.result: Generated | None = None  # the last generator run (kept by serve only)
        self.files: list[str] = []  # this build's generated files
        self.contents: dict[str, str | bytes] | None = None  # ... in memory, until on_files
        self.sources: dict[str, Path] = {}  # document id → its YAML file, for edit links
        self.out: Path | None = None
        self.playbooks: Path | None = None
        self.search_pages: dict[str, Any] = {}
        self.project: Path | None = None
        self.edit_base: str | None = None
        self.generated: set[str] = set()
        # Set by `craftbook serve` (craftbook.preview): rebuild only what changed.
        self.preview: preview.Preview | None = None
        self.nav: Any = None
        self.command: str | None = None
        self.templates: tuple[Path, ...] = ()
        self.filters: dict[str, list[list[str]]] | None = None  # the search chips of this build's library
        self.frozen = False

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    @property
    def one_shot(self) -> bool:
        """This process builds once (`build`, `gh-deploy`): nothing is kept for a next run.
        Not while craftbook.preview drives the build, whatever an earlier command was
        (MkDocs keeps this instance for the whole process)."""
        return self.command in ONE_SHOT and self.preview is None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        # The package's overrides come after the organisation's own custom_dir, before Material.
        dirs = config.theme.dirs
        if str(THEME) not in dirs:
            dirs.insert(1 if config.theme.custom_dir else 0, str(THEME))
        config.extra_css[:0] = [c for c in EXTRA_CSS if c not in config.extra_css]
        scripts = [str(s) for s in config.extra_javascript]
        config.extra_javascript[:0] = [s for s in EXTRA_JAVASCRIPT if s not in scripts]
        # Glossary tooltips: generated pages end in `*[FCR]: …` definitions (craftbook.terms).
        if TERMS_EXTENSION not in config.markdown_extensions:
            config.markdown_extensions.append(TERMS_EXTENSION)
        if config.nav is None:
            docs = Path(config.docs_dir)
            own = [p.relative_to(docs).as_posix() for p in docs.rglob("*.md")] if docs.is_dir() else []
            config.nav = default_nav(own)
        toc = config.mdx_configs.setdefault("toc", {})
        toc.setdefault("permalink_title", PERMALINK_TITLE)  # an organisation's own title wins
        if not config.site_url:
            # MkDocs writes the 404 page's links from site_url's path, "/" without it:
            # served under /<repo>/ (a project site), that page would load nothing.
            log.warning(
                "site_url is empty in mkdocs.yml: the 404 page loads its styles and links from "
                "the server's root (/), so it shows unstyled when the site is published under a "
                "sub-path such as https://<org>.github.io/<repo>/. Set site_url to the address "
                "the site is published at (the Pages workflow sets it through CRAFTBOOK_SITE_URL)."
            )
        self.project = Path(config.config_file_path).resolve().parent
        docs_folder = Path(config.docs_dir).resolve()
        docs_rel = docs_folder.relative_to(self.project).as_posix() if self.project in docs_folder.parents else ""
        self.edit_base = urls.repository_edit_base(config.repo_url or "", config.edit_uri or "", docs_rel)
        if not config.repo_url and config.edit_uri and "://" not in config.edit_uri:
            # No forge (CRAFTBOOK_REPO_URL unset, e.g. a local build): no edit links, rather
            # than MkDocs' warning on every page that a relative edit_uri has no repo_url.
            config.edit_uri = None
        options = options_from_mkdocs(config)
        # Known before generating: a library that fails on the first build is watched all
        # the same, so saving the fix rebuilds.
        self.out, self.playbooks, self.templates = options.out, options.playbooks, options.templates
        try:
            # craftbook.incremental outlives MkDocs' rebuilds: a YAML edit in `mkdocs serve`
            # re-parses and re-renders only what it touches.
            # A build that runs once takes the pages from memory; serve keeps them on disk,
            # where the generator writes only what changed (craftbook.preview).
            result = incremental.generate(options, keep=self.one_shot)
            self.filters = search.filter_choices(e.doc for e in result.library)
        except CraftbookError as exc:
            # MkDocs shows PluginError text as is and stops the build (or keeps serving).
            raise PluginError(exc.format_message()) from exc
        self.files, self.contents, self.generated = result.files, result.contents, set(result.files)
        self.sources = {entry.id: entry.file.path for entry in result.library}
        # Under "mkdocs": MkDocs' --strict counts them, and `craftbook build` shows them.
        for warning in result.library.warnings:
            log.warning(str(warning))
        self.search_pages = {}
        if self.one_shot:
            # No next run in this process to reuse anything for: the library, its source
            # maps and the rendered pages go before MkDocs builds the pages (peak memory).
            incremental.CACHE.release()
            self.result = None
        else:
            self.result = result
        if self.preview is not None:
            self._start_preview(config)
        if self.one_shot and not self.frozen:
            # What lives now (MkDocs' config, the files, the documents feeds and editions
            # remember) lives until the end of the build: out of the collector's sight,
            # MkDocs' pages are collected without walking them again and again (about
            # 7 % of a 1,000-document build's CPU). Only for a process that builds once;
            # `serve` would keep every rebuild's objects.
            gc.freeze()
            self.frozen = True
        return config

    def _start_preview(self, config: MkDocsConfig) -> None:
        """What this build's pages all show, for craftbook.preview to compare."""
        assert self.preview is not None and self.result is not None
        docs = preview.file_signatures(Path(config.docs_dir))
        folders = [Path(config.theme.custom_dir)] if config.theme.custom_dir else []
        # Not the templates folder: templates make Markdown, whose changes the generator
        # reports page by page like a YAML edit's.
        folders += [Path(w) for w in config.watch]
        stamp = preview.Stamp(
            config=preview.config_hash(Path(config.config_file_path)),
            folders=tuple(
                (f"{folder}/{rel}", *sig) for folder in folders for rel, sig in preview.file_signatures(folder).items()
            ),
            # Generated pages may come and go (craftbook.preview removes what they were
            # built into, where each page is a folder); docs/ pages are in the navigation.
            sources=frozenset(docs) | (frozenset() if config.use_directory_urls else frozenset(self.generated)),
            filters=repr(self.filters),
            today=preview.build_day(),
        )
        sources = {
            entry.id: (urls.doc_source(entry.doc.kind, entry.id)[: -len(".md")], str(entry.file.path))
            for entry in self.result.library
        }
        self.preview.start(stamp, docs, incremental.CACHE.last_written, sources=sources, generated=self.generated)

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        assert self.out is not None
        contents, self.contents = self.contents, None  # the File objects hold them now
        for rel in self.files:
            if contents is not None:
                files.append(File.generated(config, rel, content=contents[rel]))
            else:
                files.append(File.generated(config, rel, abs_src_path=str(self.out / rel)))
        shipped = [(f"assets/{p.relative_to(ASSETS).as_posix()}", p) for p in ASSETS.rglob("*") if p.is_file()]
        shipped += [(p.name, p) for p in PAGES.glob("*.md")]
        for rel, path in sorted(shipped):
            if files.get_file_from_path(rel) is None:  # an organisation's own file of that name wins
                files.append(File.generated(config, rel, abs_src_path=str(path)))
        if self.preview is not None:
            self.preview.mark(files)
        return files

    def on_page_read_source(self, page: Any, config: MkDocsConfig) -> str | None:
        if page.file.abs_src_path is not None or page.file.src_uri not in self.generated:
            return None  # MkDocs reads the file (or another plugin's content)
        # Handed over, not copied: the page keeps its Markdown (without the front matter,
        # a second string) and the file forgets its own, one copy as when read from disk.
        source = page.file.content_string
        page.file.content_string = ""
        return source

    def on_nav(self, nav: Any, config: MkDocsConfig, files: Files) -> Any:
        self.nav = nav
        return nav

    def on_env(self, env: Any, config: MkDocsConfig, files: Files) -> Any:
        env.bytecode_cache = COMPILED_TEMPLATES
        # MkDocs makes this environment for one build, in which the theme's files do not
        # change; Jinja would otherwise stat a template's file every time a page includes
        # it (about 70,000 times at 1,000 documents).
        env.auto_reload = False
        env.globals["craftbook_urls"] = urls  # the theme's feed links follow the one URL module
        env.globals["craftbook_role_labels"] = labels.ROLE_LABEL  # feed titles name roles in Korean
        env.globals["craftbook_labels"] = labels  # the 404 page's role tracks
        # The kind and role chips of the search results (theme/partials/craftbook-head.html).
        env.globals["craftbook_search_filters"] = self.filters
        if self.preview is not None:
            from mkdocs.structure.files import InclusionLevel

            pages = [f.page for f in files.documentation_pages(inclusion=InclusionLevel.is_in_serve) if f.page]
            self.preview.restore(pages, self.nav.pages if self.nav is not None else [])
            self.preview.remember_pages(pages)
        return env

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:
        # A YAML edit rebuilds the site; the generator rewrites only pages whose text changed.
        if self.playbooks is not None:
            server.watch(str(self.playbooks))
        # So does an edit of the organisation's templates or theme overrides (every page).
        for folder in self.watched_folders(config):
            server.watch(folder)
        return server

    def watched_folders(self, config: MkDocsConfig) -> list[str]:
        """The organisation's template and theme override folders that exist, to watch."""
        folders = [*map(str, self.templates), *([config.theme.custom_dir] if config.theme.custom_dir else [])]
        return [folder for folder in folders if Path(folder).is_dir()]

    def on_page_context(self, context: Any, page: Any, config: MkDocsConfig, nav: Any) -> Any:
        # Search results show each document's kind and roles, from its front matter.
        meta = page.meta.get("craftbook")
        self.search_pages[page.url] = meta
        shipped = page.file.abs_src_path is not None and PAGES in Path(page.file.abs_src_path).resolve().parents
        if page.file.src_uri in self.generated or shipped:
            # MkDocs' edit link would open Markdown that is in no repository (generated, or
            # shipped in the package): a document page edits its YAML file instead; other
            # such pages edit nothing. Hand-written pages of docs/ keep MkDocs' own link.
            page.edit_url, page.craftbook_source = None, None
            path = self.sources.get(meta.get("id")) if isinstance(meta, dict) else None
            if path is not None and self.project is not None:
                source = path.resolve()
                if self.project in source.parents:
                    page.craftbook_source = source.relative_to(self.project).as_posix()
                    if self.edit_base:
                        page.edit_url = urls.edit_url(self.edit_base, page.craftbook_source)
        return context

    def on_shutdown(self) -> None:
        search.save_live_caches()
        self.command = None  # the process may run another command with this instance

    def on_build_error(self, error: Exception) -> None:
        self._thaw()

    def _thaw(self) -> None:
        if self.frozen:
            gc.unfreeze()
            self.frozen = False

    @event_priority(-100)  # after Material's search plugin has written its index
    def on_post_build(self, config: MkDocsConfig) -> None:
        self._thaw()
        if self.one_shot:
            _forget_written_search_index(config)
        site = Path(config["site_dir"])
        pages = self.search_pages
        index = None
        if self.preview is not None and (index := search.read_index(site)) is not None:
            # Material wrote the rebuilt pages' entries only: the rest are the last build's.
            index = self.preview.merge_index(index, self.search_pages)
            pages = self.preview.next.search_pages if self.preview.next else pages
        cache_dir = self.project / CACHE_DIR if self.project else None
        if self.preview is not None and cache_dir is not None:
            # craftbook serve: one cache in memory for every rebuild, written after a whole
            # build, between builds and on the way out, not after every save.
            cache = search.live_cache(cache_dir)
            search.augment_site(site, pages, cache=cache, index=index)
            if not self.preview.partial:
                cache.save()
            # After a partial build with new words, craftbook serve saves the cache a
            # moment later, off the wait for the preview (serve.SiteBuilds.between_builds).
        else:
            search.augment_site(site, pages, cache_dir=cache_dir, index=index)
        # A plain `mkdocs build` makes a Craftbook site too: `craftbook build` may replace it.
        (site / SITE_MARKER).write_text("Written by Craftbook; the next build replaces this folder whole.\n")


def _forget_written_search_index(config: MkDocsConfig) -> None:
    """Empty Material's in-memory search index once it is written, in a build that runs
    once: the index is read back from its file and rewritten here (craftbook.search), and
    two copies of every page's text were the peak of a build's memory (issue 17). Serve
    keeps it: Material's dirty rebuilds merge into the previous one."""
    for plugin in config.plugins.values():
        index = getattr(plugin, "search_index", None)
        material = type(plugin).__module__.startswith("material.plugins.search")
        if material and isinstance(getattr(index, "entries", None), list):
            index.entries = []
