"""Craftbook's build next to plain MkDocs + Material building the same Markdown (issue 17).

    .venv/bin/python bench/scale.py                        # 100 and 1,000 documents, serve at 1,000
    .venv/bin/python bench/scale.py --sizes 100,1000,5000  # and 5,000 (plain MkDocs too: --plain-max)
    .venv/bin/python bench/scale.py --sizes 100 --serve-size 100 --edits 3   # a quick look

For each size it writes a synthetic valid library (bench/synth.py) into a project of its
own (a mkdocs.yml that INHERITs this repository's, naming that library), then, each in a
child process of its own so that CPU time and peak memory are that build's alone
(`os.wait4` returns the child's rusage):

- **Craftbook, cold**: `craftbook build` with no search cache (the first build ever, or
  a CI run whose cache was lost);
- **Craftbook, warm**: the same build again, its Korean search step and its reading of
  the YAML files cached by content under the project's `.craftbook/cache` (what the
  Pages workflow keeps between runs);
- **plain MkDocs**: MkDocs + Material building the Markdown `craftbook generate` wrote for
  the same library, with this repository's mkdocs.yml (theme, features, Markdown
  extensions, the search plugin, the same navigation, the same stylesheets and scripts)
  and no Craftbook code: no plugin, no theme overrides; Python-Markdown's `abbr` stands
  in for the glossary tooltips' extension.

Warm and plain builds run `--repeat` times (3) in turns, each warm build followed by a
plain one, so that a busy neighbour slows both sides of a pair alike; the tables show
the builds of median CPU, and each pair's ratio is printed too.

Then, at one size, `craftbook serve` as a trainer uses it: a real server, a document
page open in Chromium, the document's YAML saved with a new title, and the time until
that title is on the screen (live reload), for several edits; with the server's own
figure for each rebuild.

Targets (issue 17) are judged on CPU seconds (user + system of the build process): the
machine is shared, and wall-clock time measures the neighbours as much as the build.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `bench` importable
    sys.path.insert(0, str(ROOT))

from craftbook.labels import KIND_DIR  # noqa: E402

from bench.synth import FOLDER, Plan, write_library  # noqa: E402

CONFIG = ROOT / "mkdocs.yml"
MB = 1024 * 1024
CHROMIUM = "/usr/bin/chromium"


# --------------------------------------------------------------------- workers
# Each runs in a child process (`scale.py --worker NAME SPEC.json`) and writes its
# figures as JSON next to the spec.


def worker_craftbook(spec: dict[str, Any]) -> dict[str, Any]:
    from craftbook import incremental, search
    from craftbook.build import BuildOptions, build

    spent = {"search": 0.0}
    augment = search.augment_site

    def timed(*args: Any, **kwargs: Any) -> Any:
        cpu = time.process_time()
        try:
            return augment(*args, **kwargs)
        finally:
            spent["search"] += time.process_time() - cpu

    search.augment_site = timed  # type: ignore[assignment]
    started, cpu = time.perf_counter(), time.process_time()
    build(BuildOptions(config_file=Path(spec["config"]), out=Path(spec["site"])))
    timings = incremental.CACHE.timings
    return {
        "wall": time.perf_counter() - started,
        "cpu": time.process_time() - cpu,
        "generator_cpu": sum(t[2] for t in timings),
        "search_cpu": spent["search"],
    }


def worker_plain(spec: dict[str, Any]) -> dict[str, Any]:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    started, cpu = time.perf_counter(), time.process_time()
    build(load_config(spec["config"], site_dir=spec["site"]))
    return {"wall": time.perf_counter() - started, "cpu": time.process_time() - cpu}


WORKERS = {"craftbook": worker_craftbook, "plain": worker_plain}


@dataclass
class Run:
    figures: dict[str, Any]
    wall: float  # seen from outside, process start-up included
    cpu: float  # user + system of the child
    peak_mb: float
    system: float = 0.0  # the system (kernel) part of `cpu`: page faults and file writes


def run_worker(name: str, spec: dict[str, Any], work: Path) -> Run:
    """Run one worker in a child process; its own rusage gives CPU time and peak memory."""
    spec_file = work / f"{name}-{time.monotonic_ns()}.json"
    spec_file.write_text(json.dumps(spec), encoding="utf-8")
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--worker", name, str(spec_file)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stderr is not None
    errors = child.stderr.read()  # MkDocs logs to stderr; read it so the pipe never fills
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if child.returncode != 0:
        raise SystemExit(f"{name} build failed ({child.returncode}):\n{errors[-4000:]}")
    figures = json.loads(spec_file.with_suffix(".out.json").read_text(encoding="utf-8"))
    return Run(figures, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, usage.ru_stime)


# --------------------------------------------------------------------- set-up


def project_config(folder: Path, playbooks: Path) -> Path:
    """A project in `folder` whose mkdocs.yml is this repository's with its own library.

    MkDocs resolves relative paths against the config's own folder, so docs_dir is given
    again as an absolute path; the plugin list is replaced whole (INHERIT merges mappings,
    not lists).
    """
    import yaml

    config = {
        "INHERIT": str(CONFIG),
        "docs_dir": str(ROOT / "docs"),
        "plugins": [{"search": {"lang": "en"}}, {"craftbook": {"playbooks": str(playbooks)}}],
    }
    path = folder / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def plain_project(playbooks: Path, folder: Path) -> Path:
    """The docs folder `craftbook generate` writes for `playbooks`, and a mkdocs.yml that
    is this repository's without Craftbook: the search plugin only, no theme overrides,
    the plugin's navigation written out, the shipped stylesheets and scripts listed."""
    import logging

    import yaml
    from craftbook.nav import default_nav
    from craftbook.pipeline import GenerateOptions, generate
    from craftbook.resources import ASSETS, EXTRA_CSS, EXTRA_JAVASCRIPT, PAGES

    logging.getLogger("craftbook").setLevel(logging.ERROR)  # the empty site_url warning
    docs = folder / "docs"
    generate(GenerateOptions(playbooks=playbooks, out=docs))
    shutil.copytree(PAGES, docs, dirs_exist_ok=True)
    shutil.copytree(ASSETS, docs / "assets", dirs_exist_ok=True)
    text = CONFIG.read_text(encoding="utf-8")
    text = re.sub(r"(?ms)^plugins:\n.*?(?=^\S)", "plugins:\n  - search:\n      lang: en\n\n", text)
    text = re.sub(r"(?m)^markdown_extensions:\n", "markdown_extensions:\n  - abbr\n", text)
    text = re.sub(r"(?m)^docs_dir: .*$", f"docs_dir: {json.dumps(str(docs))}", text)
    extra = {"nav": default_nav(), "extra_css": list(EXTRA_CSS), "extra_javascript": list(EXTRA_JAVASCRIPT)}
    text += "\n" + yaml.safe_dump(extra, allow_unicode=True, sort_keys=False)
    path = folder / "mkdocs.yml"
    path.write_text(text, encoding="utf-8")
    return path


def document_pages(site: Path, size: int) -> list[Path]:
    plan = Plan.of(size)
    return [site / KIND_DIR[kind] / doc_id / "index.html" for kind, ids in plan.ids.items() for doc_id in ids]


def tree_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / MB


# --------------------------------------------------------------------- measure


@dataclass
class Row:
    size: int
    cold: Run
    warm: Run  # the repeat whose CPU is the median of `warm_runs`
    site_mb: float
    page_kb: float
    plain: Run | None = None  # likewise, of `plain_runs`
    warm_runs: list[Run] = field(default_factory=list)
    plain_runs: list[Run] = field(default_factory=list)

    def ratio(self, run: Run, what: str = "cpu") -> float | None:
        if self.plain is None:
            return None
        return getattr(run, what) / getattr(self.plain, what)

    def pair_ratios(self) -> list[float]:
        """Each warm build ÷ the plain build that ran right after it."""
        return [w.cpu / p.cpu for w, p in zip(self.warm_runs, self.plain_runs, strict=False)]


def _median_run(runs: list[Run]) -> Run:
    return sorted(runs, key=lambda r: r.cpu)[(len(runs) - 1) // 2]


def measure(size: int, work: Path, with_plain: bool, repeat: int = 1) -> Row:
    """Cold once, then `repeat` times a warm build followed by a plain one: taken in
    turns, a busy neighbour slows both sides of a pair alike."""
    folder = work / f"n{size}"
    folder.mkdir(parents=True, exist_ok=True)
    playbooks = write_library(folder / "playbooks", size)
    config = project_config(folder, playbooks)
    site = folder / "site"
    shutil.rmtree(folder / ".craftbook", ignore_errors=True)
    print(f"· {size:,} documents: Craftbook build, no cache …", flush=True)
    cold = run_worker("craftbook", {"config": str(config), "site": str(site)}, work)
    plain = folder / "plain"
    plain_config = plain_project(playbooks, plain) if with_plain else None
    warm_runs: list[Run] = []
    plain_runs: list[Run] = []
    row: Row | None = None
    for n in range(1, repeat + 1):
        print(f"· {size:,} documents: Craftbook build again, caches kept ({n}/{repeat}) …", flush=True)
        # Into a new folder, as plain MkDocs builds and as CI does (a fresh checkout): the
        # time to delete the previous site is not the build's.
        shutil.rmtree(site)
        warm_runs.append(run_worker("craftbook", {"config": str(config), "site": str(site)}, work))
        if row is None:
            page_kb = statistics.median(p.stat().st_size for p in document_pages(site, size)) / 1024
            row = Row(size, cold, warm_runs[0], tree_mb(site), page_kb)
        if plain_config is not None:
            print(f"· {size:,} documents: plain MkDocs + Material on the same Markdown ({n}/{repeat}) …", flush=True)
            shutil.rmtree(plain / "site", ignore_errors=True)
            plain_runs.append(run_worker("plain", {"config": str(plain_config), "site": str(plain / "site")}, work))
    shutil.rmtree(site)
    shutil.rmtree(plain, ignore_errors=True)
    assert row is not None
    row.warm, row.warm_runs, row.plain_runs = _median_run(warm_runs), warm_runs, plain_runs
    row.plain = _median_run(plain_runs) if plain_runs else None
    return row


@dataclass
class Serve:
    size: int
    first_build: float
    seen: list[float] = field(default_factory=list)  # save → new title on the screen, seconds
    rebuilt: list[float] = field(default_factory=list)  # the server's own rebuild time, seconds
    files: list[int] = field(default_factory=list)  # files of the site each rebuild wrote


_REBUILT = re.compile(r"craftbook: (?:the whole site built|site updated) in")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def measure_serve(size: int, work: Path, edits: int) -> Serve:
    """`craftbook serve` on a library of `size`, a page open in Chromium, `edits` saves."""
    import threading
    import urllib.request

    from playwright.sync_api import sync_playwright

    folder = work / f"serve{size}"
    folder.mkdir(parents=True, exist_ok=True)
    playbooks = write_library(folder / "playbooks", size)
    config = project_config(folder, playbooks)
    plan = Plan.of(size)
    # A resource that other documents cite: its title shows on their pages, in listings
    # and feeds too, so an edit rebuilds more than its own page.
    doc_id = plan.ids["resource"][0]
    edited = playbooks / FOLDER["resource"] / f"{doc_id}.yaml"
    port = _free_port()
    print(f"· {size:,} documents: craftbook serve, {edits} saves seen in Chromium …", flush=True)
    started = time.perf_counter()
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("craftbook")), "serve", "-f", str(config), "-a", f"127.0.0.1:{port}"],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(iter(server.stdout.readline, "")), daemon=True).start()  # type: ignore[union-attr]
    url = f"http://127.0.0.1:{port}/{KIND_DIR['resource']}/{doc_id}/"
    try:
        while True:
            if server.poll() is not None:
                raise SystemExit("craftbook serve stopped:\n" + "".join(lines[-40:]))
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        result = Serve(size, time.perf_counter() - started)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], headless=True)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(url)
            text = edited.read_text(encoding="utf-8")
            for n in range(1, edits + 1):
                title = f"고친 제목 {n}번"
                before = len(lines)
                # A trainer reads the change before saving again; meanwhile the page that
                # reloaded fetches the search index and its worker builds lunr's index,
                # which on this 2-core machine would otherwise compete with the next build.
                time.sleep(3.0)
                edited.write_text(text.replace("title: ", f"title: {title} ", 1), encoding="utf-8")
                saved = time.perf_counter()
                page.wait_for_function(
                    "t => document.querySelector('h1') && document.querySelector('h1').textContent.includes(t)",
                    arg=title,
                    timeout=120_000,
                    polling="raf",
                )
                result.seen.append(time.perf_counter() - saved)
                deadline = time.monotonic() + 5
                while time.monotonic() < deadline and not any(
                    "craftbook: " in x and " in " in x for x in lines[before:]
                ):
                    time.sleep(0.05)
                for line in lines[before:]:
                    if match := re.search(r"craftbook: site updated in ([\d.]+) s \((\d+) files", line):
                        result.files.append(int(match.group(2)))
                        result.rebuilt.append(float(match.group(1)))
                    elif match := re.search(r"craftbook: the whole site built in ([\d.]+) s", line):
                        result.files.append(-1)
                        result.rebuilt.append(float(match.group(1)))
            browser.close()
        return result
    finally:
        server.terminate()
        server.wait(timeout=30)


# --------------------------------------------------------------------- report


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    lines = [" | ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)


def _x(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"


def report(rows: list[Row], serve: Serve | None) -> int:
    print("\nFull build, CPU seconds (user + system) and peak memory of each build process\n")
    print(
        table(
            [
                "docs",
                "plain MkDocs s",
                "MB",
                "Craftbook warm s",
                "MB",
                "÷ plain",
                "mem ÷",
                "Craftbook cold s",
                "MB",
                "÷ plain",
                "mem ÷",
            ],
            [
                [
                    f"{r.size:,}",
                    f"{r.plain.cpu:.1f}" if r.plain else "—",
                    f"{r.plain.peak_mb:.0f}" if r.plain else "—",
                    f"{r.warm.cpu:.1f}",
                    f"{r.warm.peak_mb:.0f}",
                    _x(r.ratio(r.warm)),
                    _x(r.ratio(r.warm, "peak_mb")),
                    f"{r.cold.cpu:.1f}",
                    f"{r.cold.peak_mb:.0f}",
                    _x(r.ratio(r.cold)),
                    _x(r.ratio(r.cold, "peak_mb")),
                ]
                for r in rows
            ],
        )
    )
    for r in rows:
        if len(r.warm_runs) > 1:
            print(
                f"\n{r.size:,} documents, {len(r.warm_runs)} warm builds each followed by a plain one: CPU s "
                f"{', '.join(f'{w.cpu:.1f}' for w in r.warm_runs)} against "
                f"{', '.join(f'{p.cpu:.1f}' for p in r.plain_runs) or '—'}; each ÷ its plain: "
                f"{', '.join(f'{x:.2f}×' for x in r.pair_ratios()) or '—'} (the table shows the median builds)"
            )
    print(
        "\nWhere Craftbook's CPU seconds go (generator: YAML → Markdown; search: the Korean step; "
        "system: the kernel's share, which varies most between runs on a shared machine)\n"
    )
    print(
        table(
            [
                "docs",
                "generator warm",
                "search warm",
                "search cold",
                "system warm",
                "system plain",
                "site MB",
                "page KB",
            ],
            [
                [
                    f"{r.size:,}",
                    f"{r.warm.figures['generator_cpu']:.1f}",
                    f"{r.warm.figures['search_cpu']:.1f}",
                    f"{r.cold.figures['search_cpu']:.1f}",
                    f"{r.warm.system:.1f}",
                    f"{r.plain.system:.1f}" if r.plain else "—",
                    f"{r.site_mb:.1f}",
                    f"{r.page_kb:.1f}",
                ]
                for r in rows
            ],
        )
    )
    if serve:
        print(f"\ncraftbook serve at {serve.size:,} documents: save a YAML file → its new title on the screen\n")
        print(f"  first build (server start to first page)  {serve.first_build:.1f} s")
        print(
            f"  save → on screen, median of {len(serve.seen)}          {statistics.median(serve.seen):.2f} s "
            f"(each: {', '.join(f'{s:.2f}' for s in serve.seen)})"
        )
        if serve.rebuilt:
            print(
                f"  the server's rebuild, median              {statistics.median(serve.rebuilt):.2f} s "
                f"(files written: {', '.join('all' if f < 0 else str(f) for f in serve.files)})"
            )
    return check(rows, serve)


def check(rows: list[Row], serve: Serve | None) -> int:
    results: list[tuple[str, bool | None, str]] = []
    at = next((r for r in rows if r.size == 1000 and r.plain), None)
    if at and at.plain:
        cpu, mem = at.ratio(at.warm), at.ratio(at.warm, "peak_mb")
        assert cpu is not None and mem is not None
        results.append(
            (
                "full build ≤ 1.3× plain MkDocs CPU at 1,000",
                cpu <= 1.3,
                f"{at.warm.cpu:.1f} vs {at.plain.cpu:.1f} s = {cpu:.2f}× (cold: {_x(at.ratio(at.cold))})",
            )
        )
        results.append(
            (
                "peak memory ≤ 2× plain MkDocs at 1,000",
                mem <= 2,
                f"{at.warm.peak_mb:.0f} vs {at.plain.peak_mb:.0f} MB = {mem:.2f}× "
                f"(cold: {_x(at.ratio(at.cold, 'peak_mb'))})",
            )
        )
    else:
        results.append(("full build and memory at 1,000 vs plain MkDocs", None, "1,000 not measured"))
    if serve and serve.size == 1000 and serve.seen:
        median = statistics.median(serve.seen)
        results.append(("serve: a save on screen within 1 s at 1,000 (median)", median <= 1.0, f"{median:.2f} s"))
    else:
        results.append(("serve: a save on screen within 1 s at 1,000 (median)", None, "not measured at 1,000"))
    print("\nTargets (issue 17; warm = a repeat build, whose search step is cached)\n")
    failed = 0
    for name, ok, detail in results:
        verdict = "n/a " if ok is None else "PASS" if ok else "FAIL"
        failed += ok is False
        print(f"  {verdict}  {name}: {detail}")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000", help="comma-separated library sizes")
    parser.add_argument("--plain-max", type=int, default=1000, help="build plain MkDocs only up to this size")
    parser.add_argument("--serve-size", type=int, default=1000, help="library size for craftbook serve; 0 skips it")
    parser.add_argument("--edits", type=int, default=7, help="saves timed in craftbook serve")
    parser.add_argument(
        "--repeat", type=int, default=3, help="warm and plain builds per size, in turns (the median is reported)"
    )
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temp folder)")
    parser.add_argument("--worker", nargs=2, metavar=("NAME", "SPEC"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        name, spec_file = args.worker
        spec_path = Path(spec_file)
        figures = WORKERS[name](json.loads(spec_path.read_text(encoding="utf-8")))
        spec_path.with_suffix(".out.json").write_text(json.dumps(figures), encoding="utf-8")
        return 0
    sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(","))
    work = args.keep or Path(tempfile.mkdtemp(prefix="craftbook-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"Craftbook scale benchmark: sizes {', '.join(f'{s:,}' for s in sizes)}; work folder {work}")
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    try:
        rows = [measure(size, work, with_plain=size <= args.plain_max, repeat=max(1, args.repeat)) for size in sizes]
        serve = measure_serve(args.serve_size, work, args.edits) if args.serve_size else None
        return report(rows, serve)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
