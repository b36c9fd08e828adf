"""`craftbook serve`: the site on a local address, rebuilt on every save, never stuck.

MkDocs' own `serve` stops answering (every page, every stylesheet) while a rebuild fails,
until the error is fixed, and says where it listens only after the first build; a port
already in use is a traceback after a full build. Here:

- the address is taken first: a port in use is refused at once (exit 2), before any build;
- the address is printed before the first build starts;
- each build goes to a folder of its own, swapped in only when it succeeded
  (`craftbook.outdir.swap_in`), so the last good site is always there to serve;
- while the last build failed, every page carries a banner with the errors, as the
  console does, and live reload brings the page back when the file is fixed;
- everything lives in one folder under the project's .craftbook/ (the generated
  Markdown too, so two `serve`s of one project do not write over each other), removed on
  the way out and, after a kill, by the next run.

MkDocs' live-reload server (`mkdocs.livereload.LiveReloadServer`) does the serving,
watching and reloading; this module only changes what a build failure does.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import html
import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mkdocs.commands.build import build as mkdocs_build

from . import search
from .config import Overrides, options_from_mkdocs, overridden
from .errors import CraftbookError
from .outdir import scratch, swap_in
from .pipeline import WORK_DIR
from .preview import FullBuildNeeded, Preview, merge_into, remove_outputs

log = logging.getLogger("mkdocs.plugins.craftbook")

BANNER_ATTRIBUTE = "data-craftbook-serve-errors"
_BANNER_TITLE = "오류가 있어 사이트를 다시 빌드하지 못했습니다. 마지막으로 빌드에 성공한 사이트를 보여 드립니다."
_BANNER_HINT = "아래 파일을 고쳐 저장하면 다시 빌드하고 이 페이지를 새로 고칩니다."
_NO_SITE_TITLE = "오류가 있어 사이트를 아직 빌드하지 못했습니다."


class ServeRefused(CraftbookError):
    """The address cannot be served on (in use, not this machine's, not allowed): exit 2."""

    exit_code = 2


def banner(problems: str, *, site: bool = True) -> bytes:
    """The errors of the last build as an HTML block at the top of a page: escaped, styled
    inline (no stylesheet of the site is needed), readable in light and dark pages."""
    title = _BANNER_TITLE if site else _NO_SITE_TITLE
    # Over a page: sticky and at most half the screen, scrolled inside. Alone: the whole page.
    place = "position:sticky;top:0;z-index:10000;max-height:50vh;overflow:auto;" if site else "min-height:100vh;"
    return (
        f'<div {BANNER_ATTRIBUTE} role="alert" lang="ko" style="{place}box-sizing:border-box;'
        "margin:0;padding:12px 16px;background:#fff3f3;color:#1b1b1b;border-bottom:3px solid #c62828;"
        'font:14px/1.5 system-ui,sans-serif;word-break:keep-all;overflow-wrap:anywhere">'
        f'<strong style="display:block;color:#b71c1c">{html.escape(title)}</strong>'
        f"<span>{html.escape(_BANNER_HINT)}</span>"
        '<pre style="margin:8px 0 0;padding:8px;background:#fff;color:#1b1b1b;border:1px solid #e0b4b4;'
        f'white-space:pre-wrap;word-break:break-word;font:13px/1.45 ui-monospace,monospace">{html.escape(problems)}'
        "</pre></div>"
    ).encode()


def _with_banner(content: bytes, block: bytes) -> bytes:
    start = content.find(b"<body")
    end = content.find(b">", start) if start >= 0 else -1
    if end < 0:
        return block + content
    return content[: end + 1] + block + content[end + 1 :]


# watchdog's event types that only read a file (no change to it).
_READ_EVENTS = frozenset({"opened", "closed_no_write", "accessed"})


# Editors write these beside the file being edited (backups, swap and lock files, the
# temporary file a save is renamed from); none of them is part of the site.
_SCRATCH_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".bak", ".part")


def _scratch(event: Any) -> bool:
    """A change to an editor's scratch file only: hidden, backup, swap or temporary.
    A save that renames such a file onto the real one is a change to the real one."""
    import os

    paths = [event.src_path] if event.event_type != "moved" else [event.dest_path]
    names = [os.path.basename(os.fsdecode(p)) for p in paths]
    return all(name.startswith((".", "#")) or name.endswith(_SCRATCH_SUFFIXES) for name in names)


def _server_class() -> type:
    from mkdocs.livereload import LiveReloadServer

    class Server(LiveReloadServer):
        """MkDocs' live-reload server that binds when asked (before the first build) and
        puts the last build's errors at the top of every page it serves."""

        problems: str | None = None
        _bound = False

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            # MkDocs polls every watched file twice a second, so a save waited 0.25 s on
            # average before the rebuild began; the system's own notification (inotify
            # on Linux) reports it at once. Where there is none, watchdog polls anyway.
            from watchdog.observers import Observer

            self.observer = Observer()
            # MkDocs waits for 0.1 s without a change before it builds. An editor's save
            # (write, or write-and-rename) reports its events within a millisecond or two;
            # 30 ms still gathers them into one build, and the preview comes sooner.
            self.build_delay = 0.03

        def watch(self, path: str, func: None = None, *, recursive: bool = True) -> None:
            """MkDocs' watch, except that reading a file is not a change: the build
            itself reads the library, which a native observer reports as opened/closed."""
            import os

            import watchdog.events

            path = os.path.abspath(path)
            if path in self._watched_paths:
                self._watched_paths[path] += 1
                return
            self._watched_paths[path] = 1

            def changed(event: Any) -> None:
                if event.is_directory or event.event_type in _READ_EVENTS or _scratch(event):
                    return
                with self._rebuild_cond:
                    self._want_rebuild = True
                    self._rebuild_cond.notify_all()

            handler = watchdog.events.FileSystemEventHandler()
            handler.on_any_event = changed  # type: ignore[method-assign]
            self._watch_refs[path] = self.observer.schedule(handler, path, recursive=recursive)

        def server_bind(self) -> None:
            if not self._bound:
                super().server_bind()
                self._bound = True

        def server_activate(self) -> None:
            if not getattr(self, "_active", False):
                super().server_activate()
                self._active = True

        def watch_now(self) -> None:
            """Start watching before the first build, so a file saved while it runs
            triggers the next build instead of being missed."""
            if self._watched_paths and not self.observer.is_alive():
                self.observer.start()

        def serve(self, *, open_in_browser: bool = False) -> None:
            # LiveReloadServer.serve, except that the socket is bound and the watching
            # started already (both before the first build).
            self.server_bind()
            self.server_activate()
            self.watch_now()
            self.serve_thread.start()
            log.info(f"Serving on {self.url}")
            self._build_loop()

        def _inject_js_into_html(self, content: bytes, epoch: int) -> bytes:
            content = super()._inject_js_into_html(content, epoch)
            problems = self.problems
            return _with_banner(content, banner(problems)) if problems else content

        def no_site_page(self) -> bytes | None:
            """What every address shows while no build has succeeded yet: the errors."""
            problems = self.problems
            if not problems:
                return None
            page = (
                b'<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>craftbook serve</title>'
                b'</head><body style="margin:0"></body></html>'
            )
            page = _with_banner(page, banner(problems, site=False))
            return super()._inject_js_into_html(page, self._visible_epoch)

    return Server


class _Errors(logging.Handler):
    """The error lines MkDocs logs while one build runs (a plugin's whole report)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


class _DirtyWarning(logging.Filter):
    """MkDocs warns that a dirty build may leave navigation and links inaccurate;
    craftbook.preview rebuilds whatever they depend on, so the warning is not true here."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("A 'dirty' build is being performed")


@contextlib.contextmanager
def _quiet_dirty() -> Any:
    logger = logging.getLogger("mkdocs.commands.build")
    quiet = _DirtyWarning()
    logger.addFilter(quiet)
    try:
        yield
    finally:
        logger.removeFilter(quiet)


def _bind(server: Any, host: str, port: int) -> None:
    try:
        server.server_bind()
        server.server_activate()
    except OSError as exc:
        server.server_close()
        where = f"{host}:{port}"
        if exc.errno == errno.EADDRINUSE:
            raise ServeRefused(
                f"cannot serve on {where}: the address is already in use (another craftbook serve or mkdocs "
                f"serve?); stop it, or choose another port: craftbook serve -a {host}:{port + 1}"
            ) from exc
        raise ServeRefused(
            f"cannot serve on {where}: {exc.strerror or exc}; choose another address with -a, e.g. -a 127.0.0.1:8000"
        ) from exc


def serve(config_file: Path, dev_addr: str | None, *, echo: Callable[[str], None]) -> None:
    """Serve the site of `config_file` until Ctrl+C (or SIGTERM through the CLI).

    Raises ServeRefused (exit 2) when the address cannot be served on, before any build.
    """
    from mkdocs.config import load_config
    from mkdocs.livereload import _serve_url

    config_file = config_file.resolve()
    project = config_file.parent
    overrides: dict[str, Any] = {"dev_addr": dev_addr} if dev_addr else {}
    with scratch(project / WORK_DIR, "serve-") as work:
        site = work / "site"
        site.mkdir()
        with overridden(Overrides(generated_dir=work / "generated")):

            def get_config() -> Any:
                return load_config(str(config_file), site_dir=str(site), **overrides)

            config = get_config()
            host, port = config.dev_addr
            mount_path = urlsplit(config.site_url or "/").path
            serve_url = _serve_url(host, port, mount_path)
            server = _server_class()(builder=lambda: None, host=host, port=port, root=str(site), mount_path=mount_path)
            _bind(server, host, port)  # before anything is built: a port in use is said at once
            echo(f"Serving on {serve_url} (building the site first; Ctrl+C stops)")

            builds = SiteBuilds(get_config, site, work, serve_url, watch=server.watch)

            def builder(config: Any = None) -> None:
                builds.build(config)
                server.problems = builds.problems
                collector.after_build()

            server.builder = builder
            server.error_handler = _error_pages(server, site)
            collector = CycleCollector(builds.between_builds)
            try:
                collector.start()
                config.plugins.on_startup(command="serve", dirty=False)
                server.watch(config.docs_dir)
                server.watch(str(config_file))
                with contextlib.suppress(CraftbookError, OSError):  # no plugin, no library: the build says so
                    server.watch(str(options_from_mkdocs(config).playbooks))
                server.watch_now()
                builder(config)
                config.plugins.on_serve(server, config=config, builder=builder)
                for item in config.watch:
                    server.watch(item)
                server.serve()
            except KeyboardInterrupt:
                echo("Stopped.")
            finally:
                collector.stop()
                builds.close()
                server.shutdown()
                config.plugins.on_shutdown()


PRELOAD_AFTER = 4.0  # seconds after the first good build's work between builds


class CycleCollector:
    """Python's cycle collector between `craftbook serve`'s builds, not inside them.

    A serve process keeps the library, every rendered page and MkDocs' pages of the last
    build: a full collection walks them all (0.2–0.3 s at 1,000 documents, issue 17) and
    came in the middle of a rebuild whenever CPython's allocation counts said so, a third
    of the wait for a preview. While serving, automatic collection is off (reference
    counting still frees everything acyclic at once), and `after_build` runs one full
    collection (`job`) at most `delay` seconds after each build, while the trainer reads
    the page: the garbage of the builds of at most `delay` seconds waits for it.
    """

    def __init__(self, job: Callable[[], None] = gc.collect, delay: float = 1.0) -> None:
        self.job, self.delay = job, delay
        self.timer: threading.Timer | None = None
        self.was_enabled = gc.isenabled()

    def start(self) -> None:
        self.was_enabled = gc.isenabled()
        gc.disable()

    def after_build(self) -> None:
        if self.timer is not None and self.timer.is_alive():
            # One is due already: it runs at its time (after the build running then, if
            # any), not later. Postponed at every save instead, it never ran while saves
            # came faster than `delay` (an editor's auto-save), and memory grew.
            return
        self.timer = threading.Timer(self.delay, self.job)
        self.timer.daemon = True
        self.timer.start()

    def stop(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if self.was_enabled:
            gc.enable()


class SiteBuilds:
    """The builds of one `craftbook serve`: each into a folder of its own, moved into the
    served `site` on success — whole after a change to what every page shows, else only
    the rebuilt pages (craftbook.preview). `build` never raises: a failure keeps the last
    good site, and `problems` holds its errors for the banner (None after a success)."""

    def __init__(
        self,
        get_config: Callable[[], Any],
        site: Path,
        work: Path,
        serve_url: str,
        watch: Callable[[str], None] | None = None,
    ) -> None:
        self.get_config, self.site, self.work, self.serve_url = get_config, site, work, serve_url
        self.watch = watch
        self.watched: set[str] = set()
        self.state = Preview()
        self.problems: str | None = None
        self.moved: list[str] | None = None  # the files the last partial build changed (None: a whole build)
        self.lock = threading.Lock()  # a build, or the work between builds (another thread)
        self.analyser_ready = False
        self.preload: threading.Timer | None = None

    def between_builds(self) -> None:
        """What waits until after a build, off the wait for the preview: the search
        cache's new words written down (a `craftbook build` meanwhile, or the next serve,
        then need not analyse them again), one full collection of cyclic garbage, and,
        once, Kiwi's model loaded for the first new word."""
        with self.lock:
            search.save_live_caches()
            gc.collect()
            if not self.analyser_ready and self.problems is None and self.preload is None:
                # Once, a few seconds after the first good build: not while the browser
                # loads its first page (loading holds the interpreter about 2 s), and
                # before the trainer's first save, most likely.
                self.preload = threading.Timer(PRELOAD_AFTER, self._preload_analyser)
                self.preload.daemon = True
                self.preload.start()

    def close(self) -> None:
        """No more work between builds (serving stops): a pending preload is dropped."""
        if self.preload is not None:
            self.preload.cancel()

    def _preload_analyser(self) -> None:
        with self.lock:
            self.analyser_ready = search.preload_analyser()

    def _watch_folders(self, plugin: Any, config: Any) -> None:
        """Watch the template and theme override folders mkdocs.yml names now (it may
        have named one since serve started)."""
        if self.watch is None:
            return
        for folder in plugin.watched_folders(config):
            if folder not in self.watched:
                self.watch(folder)
                self.watched.add(folder)

    def build(self, config: Any = None) -> None:
        with self.lock:
            self._build(config)

    def _build(self, config: Any = None) -> None:
        started = time.perf_counter()
        for attempt in ("partial", "full"):
            plugin = None
            staging = Path(tempfile.mkdtemp(prefix="next-", dir=self.work))
            errors = _Errors()
            logger = logging.getLogger("mkdocs")
            logger.addHandler(errors)
            try:
                if config is None:
                    config = self.get_config()  # mkdocs.yml may have changed, or broken
                config.site_url = self.serve_url
                config["site_dir"] = str(staging)
                plugin = config.plugins.get("craftbook")
                if plugin is not None:
                    plugin.preview = self.state
                self.state.allow_partial = attempt == "partial" and (self.site / "index.html").is_file()
                with _quiet_dirty():
                    mkdocs_build(config, serve_url=self.serve_url, dirty=plugin is not None)
                if plugin is not None and self.state.partial:
                    self.moved = merge_into(staging, self.site) + remove_outputs(self.site, self.state.removed)
                    log.info(
                        "craftbook: site updated in %.2f s (%d files changed; the rest are as they were)",
                        time.perf_counter() - started,
                        len(self.moved),
                    )
                else:
                    self.moved = None
                    swap_in(staging, self.site)
                    log.info("craftbook: the whole site built in %.2f s", time.perf_counter() - started)
                if plugin is not None:
                    self.state.commit()
                    self._watch_folders(plugin, config)
            except FullBuildNeeded as exc:
                # A page the navigation shows got a new title, which every page shows.
                log.info("craftbook: the title of %s changed; rebuilding every page", exc)
                self.state.forget()
                config = None  # the plugins' state of the abandoned build goes with it
                continue
            except (Exception, SystemExit) as exc:  # MkDocs' Abort is a SystemExit
                self.state.forget()
                self.problems = "\n".join(errors.lines) or f"{type(exc).__name__}: {exc}"
                if not errors.lines:  # raised, not logged (a broken mkdocs.yml): the console needs it too
                    log.error(self.problems)
                if (self.site / "index.html").is_file():
                    log.error("the site was not rebuilt; still serving the last good one until the errors are fixed")
                else:
                    log.error("no site yet: every page shows these errors until they are fixed")
                return
            finally:
                logger.removeHandler(errors)
                shutil.rmtree(staging, ignore_errors=True)  # after a swap: the old site
                if plugin is not None:
                    # MkDocs keeps one instance of a plugin with startup/shutdown events
                    # for the whole process: the next build of another kind must not
                    # find this session's state on it.
                    plugin.preview = None
            self.problems = None
            return


def _error_pages(server: Any, site: Path) -> Callable[[int], bytes | None]:
    """Error pages: the errors themselves while no build has succeeded, else the site's
    own 404 page (with the banner while the last build failed)."""

    def pages(code: int) -> bytes | None:
        if not (site / "index.html").exists():
            return server.no_site_page()
        page = site / f"{code}.html"
        if code in (404, 500) and page.is_file():
            return server._inject_js_into_html(page.read_bytes(), server._visible_epoch)
        return None

    return pages
