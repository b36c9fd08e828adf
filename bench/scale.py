"""How Craftbook's build grows with the library, next to plain Material on a flat nav.

    .venv/bin/python bench/scale.py                      # 100, 1,000 and 5,000 documents
    .venv/bin/python bench/scale.py --sizes 100,1000     # quicker

For each size it writes a synthetic valid library (bench/synth.py), builds it with
`craftbook.build.build` in a child process, then builds the same Markdown pages with
plain Material and a flat navigation listing every page (what issue 3 measured). Every
build runs in its own process so that its peak memory and CPU time are its own
(`os.wait4` returns the child's `rusage`). At one size it also times what
`craftbook serve` does after one YAML edit: the generator step and the whole MkDocs
rebuild. Then it checks the targets of issue 3 and prints PASS or FAIL for each.

Targets are judged on CPU seconds (user + system of the build process): the machine
is shared, and wall-clock time there measures the neighbours as much as the build.
Wall-clock seconds are printed next to them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `bench` and `generator` importable
    sys.path.insert(0, str(ROOT))

from craftbook.labels import KIND_DIR  # noqa: E402
from craftbook.resources import PAGES  # noqa: E402

from bench.synth import FOLDER, Plan, write_library  # noqa: E402

CONFIG = ROOT / "mkdocs.yml"
MB = 1024 * 1024


# --------------------------------------------------------------------- workers
# Each runs in a child process (`scale.py --worker NAME SPEC.json`) and writes its
# figures as JSON next to the spec.


def worker_craftbook(spec: dict[str, Any]) -> dict[str, Any]:
    from craftbook import incremental
    from craftbook.build import BuildOptions, build

    started, cpu = time.perf_counter(), time.process_time()
    build(BuildOptions(config_file=CONFIG, playbooks=Path(spec["playbooks"]), out=Path(spec["site"])))
    timings = incremental.CACHE.timings
    return {
        "wall": time.perf_counter() - started,
        "cpu": time.process_time() - cpu,
        "generator_wall": sum(t[1] for t in timings),
        "generator_cpu": sum(t[2] for t in timings),
        # parsing and validating the YAML (before MkDocs starts), then rendering and writing
        "parse_cpu": sum(t[2] for t in timings if t[0] == "load"),
        "render_cpu": sum(t[2] for t in timings if t[0] == "generate"),
    }


def worker_plain(spec: dict[str, Any]) -> dict[str, Any]:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    started, cpu = time.perf_counter(), time.process_time()
    build(load_config(spec["config"], site_dir=spec["site"]))
    return {"wall": time.perf_counter() - started, "cpu": time.process_time() - cpu}


def worker_rebuild(spec: dict[str, Any]) -> dict[str, Any]:
    """What `mkdocs serve` / `craftbook serve` does: load the config and build, twice,
    with one YAML edit between the builds, in one process (so the generator's cache
    lives on, exactly as in the server)."""
    from craftbook import incremental
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    def one_build() -> tuple[float, float]:
        started, cpu = time.perf_counter(), time.process_time()
        build(load_config(spec["config"], site_dir=spec["site"]))
        return time.perf_counter() - started, time.process_time() - cpu

    first = one_build()
    edited = Path(spec["edit"])
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("title: ", "title: 고친 제목 ", 1), encoding="utf-8")
    before = len(incremental.CACHE.timings)
    second = one_build()
    generator = incremental.CACHE.timings[before:]
    cache = incremental.CACHE
    return {
        "first_wall": first[0],
        "wall": second[0],
        "cpu": second[1],
        "generator_wall": sum(t[1] for t in generator),
        "generator_cpu": sum(t[2] for t in generator),
        "parsed": cache.last_parsed,
        "units": [list(u) for u in cache.last_units],
        "pages": sum(len(cache.rendered.units[u]) for u in cache.last_units) if cache.rendered else 0,
        "written": len(cache.last_written),
    }


WORKERS = {"craftbook": worker_craftbook, "plain": worker_plain, "rebuild": worker_rebuild}


@dataclass
class Run:
    figures: dict[str, Any]
    wall: float  # seen from outside, process start-up included
    cpu: float  # user + system of the child
    peak_mb: float


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
    return Run(figures, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


# --------------------------------------------------------------------- set-up


def inherit_config(folder: Path, **settings: Any) -> Path:
    """A config in `folder` that is the project's mkdocs.yml with a few keys replaced.

    MkDocs resolves relative paths against the config's own folder, so the ones the
    project's config holds are given again as absolute paths.
    """
    import yaml

    config = {
        "INHERIT": str(CONFIG),
        "docs_dir": str(ROOT / "docs"),
        **settings,
    }
    path = folder / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def plain_project(playbooks: Path, folder: Path) -> tuple[Path, int]:
    """The Markdown Craftbook generates for `playbooks`, as a plain MkDocs project whose
    nav lists every page flat (no hook: MkDocs only reads Markdown)."""
    import logging

    from craftbook.pipeline import GenerateOptions, generate

    logging.getLogger("craftbook").setLevel(logging.ERROR)  # the empty site_url warning
    docs = folder / "docs"
    generate(GenerateOptions(playbooks=playbooks, out=docs))
    shutil.copytree(PAGES, docs, dirs_exist_ok=True)  # the shipped 작성 가이드 and 구독, after generate filled it
    pages = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md"))
    nav = ["index.md", *(p for p in pages if p != "index.md")]
    return inherit_config(folder, docs_dir=str(docs), plugins=[{"search": {"lang": "en"}}], nav=nav), len(pages)


def document_pages(site: Path, size: int) -> list[Path]:
    plan = Plan.of(size)
    return [site / KIND_DIR[kind] / doc_id / "index.html" for kind, ids in plan.ids.items() for doc_id in ids]


def median_kb(pages: list[Path]) -> float:
    return statistics.median(p.stat().st_size for p in pages) / 1024


def tree_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / MB


# --------------------------------------------------------------------- report


@dataclass
class Row:
    size: int
    craftbook: Run
    page_kb: float
    site_mb: float
    plain: Run | None = None
    plain_pages: int = 0
    plain_page_kb: float = 0.0
    plain_site_mb: float = 0.0

    @property
    def ms_per_doc(self) -> float:
        return self.craftbook.cpu * 1000 / self.size

    @property
    def generator_share(self) -> float:
        return self.craftbook.figures["generator_cpu"] / self.craftbook.cpu


def measure(size: int, work: Path, with_plain: bool) -> Row:
    folder = work / f"n{size}"
    playbooks = write_library(folder / "playbooks", size)
    site = folder / "site"
    print(f"· {size:,} documents: Craftbook build …", flush=True)
    run = run_worker("craftbook", {"playbooks": str(playbooks), "site": str(site)}, work)
    row = Row(size, run, median_kb(document_pages(site, size)), tree_mb(site))
    shutil.rmtree(site)
    if with_plain:
        print(f"· {size:,} documents: plain Material, flat nav …", flush=True)
        config, count = plain_project(playbooks, folder / "plain")
        plain_site = folder / "plain-site"
        row.plain = run_worker("plain", {"config": str(config), "site": str(plain_site)}, work)
        row.plain_pages = count
        row.plain_page_kb = median_kb(document_pages(plain_site, size))
        row.plain_site_mb = tree_mb(plain_site)
        shutil.rmtree(plain_site)
        shutil.rmtree(folder / "plain")
    return row


def measure_rebuild(size: int, work: Path) -> Run:
    folder = work / f"serve{size}"
    playbooks = write_library(folder / "playbooks", size)
    config = inherit_config(folder, extra={"craftbook": {"playbooks": str(playbooks)}})
    plan = Plan.of(size)
    # A resource that other documents cite: its title shows on their pages too.
    edit = playbooks / FOLDER["resource"] / f"{plan.ids['resource'][0]}.yaml"
    print(f"· {size:,} documents: serve, one YAML edit, rebuild …", flush=True)
    spec = {"config": str(config), "site": str(folder / "site"), "edit": str(edit)}
    return run_worker("rebuild", spec, work)


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    lines = [" | ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)


def report(rows: list[Row], rebuild: tuple[int, Run] | None) -> int:
    print("\nCraftbook (craftbook.build.build; CPU = user+system seconds of the build process)\n")
    print(
        table(
            [
                "docs",
                "wall s",
                "CPU s",
                "ms/doc",
                "generator s (parse + render)",
                "generator %",
                "peak MB",
                "doc page KB",
                "site MB",
            ],
            [
                [
                    f"{r.size:,}",
                    f"{r.craftbook.wall:.1f}",
                    f"{r.craftbook.cpu:.1f}",
                    f"{r.ms_per_doc:.1f}",
                    f"{r.craftbook.figures['generator_cpu']:.2f} ({r.craftbook.figures['parse_cpu']:.2f} + "
                    f"{r.craftbook.figures['render_cpu']:.2f})",
                    f"{100 * r.generator_share:.1f}",
                    f"{r.craftbook.peak_mb:.0f}",
                    f"{r.page_kb:.1f}",
                    f"{r.site_mb:.1f}",
                ]
                for r in rows
            ],
        )
    )
    plain = [r for r in rows if r.plain]
    if plain:
        print("\nPlain Material, same pages, flat nav listing every page\n")
        print(
            table(
                [
                    "docs",
                    "pages",
                    "wall s",
                    "CPU s",
                    "ms/page",
                    "peak MB",
                    "doc page KB",
                    "site MB",
                    "Craftbook ÷ plain",
                ],
                [
                    [
                        f"{r.size:,}",
                        f"{r.plain_pages:,}",
                        f"{r.plain.wall:.1f}",
                        f"{r.plain.cpu:.1f}",
                        f"{r.plain.cpu * 1000 / r.plain_pages:.1f}",
                        f"{r.plain.peak_mb:.0f}",
                        f"{r.plain_page_kb:.1f}",
                        f"{r.plain_site_mb:.1f}",
                        f"{r.craftbook.cpu / r.plain.cpu:.2f}",
                    ]
                    for r in plain
                    if r.plain
                ],
            )
        )
    if rebuild:
        size, run = rebuild
        f = run.figures
        print(f"\nServe: one YAML edit at {size:,} documents (a cited resource's title)\n")
        print(f"  first build              {f['first_wall']:.1f} s wall")
        print(f"  files parsed again       {len(f['parsed'])} ({', '.join(f['parsed'])})")
        print(f"  pages rendered again     {f['pages']} in {len(f['units'])} units; {f['written']} files written")
        print(f"  generator step           {f['generator_wall']:.2f} s wall, {f['generator_cpu']:.2f} s CPU")
        print(f"  whole MkDocs rebuild     {f['wall']:.1f} s wall, {f['cpu']:.1f} s CPU")
    return check(rows)


def check(rows: list[Row]) -> int:
    results: list[tuple[str, bool | None, str]] = []
    small, large = rows[0], rows[-1]
    if len(rows) > 1:
        ratio = large.ms_per_doc / small.ms_per_doc
        results.append(
            (
                f"ms/doc at {large.size:,} within 1.5x of {small.size:,}",
                ratio <= 1.5,
                f"{large.ms_per_doc:.1f} vs {small.ms_per_doc:.1f} ms/doc = {ratio:.2f}x",
            )
        )
        ratio = large.page_kb / small.page_kb
        results.append(
            (
                f"doc page size at {large.size:,} within 1.5x of {small.size:,}",
                ratio <= 1.5,
                f"{large.page_kb:.1f} vs {small.page_kb:.1f} KB = {ratio:.2f}x",
            )
        )
    at_5000 = next((r for r in rows if r.size == 5000), None)
    if at_5000:
        results.append(("5,000-document site < 500 MB", at_5000.site_mb < 500, f"{at_5000.site_mb:.0f} MB"))
    else:
        projected = large.site_mb * 5000 / large.size
        results.append(("5,000-document site < 500 MB", None, f"not built; {projected:.0f} MB projected linearly"))
    at_1000 = next((r for r in rows if r.size == 1000 and r.plain), None)
    if at_1000 and at_1000.plain:
        ratio = at_1000.craftbook.cpu / at_1000.plain.cpu
        results.append(
            (
                "Craftbook 1,000 ≤ half of plain Material flat 1,000",
                ratio <= 0.5,
                f"{at_1000.craftbook.cpu:.1f} vs {at_1000.plain.cpu:.1f} CPU s = {ratio:.2f}x",
            )
        )
    else:
        results.append(("Craftbook 1,000 ≤ half of plain Material flat 1,000", None, "1,000 not measured"))
    worst = max(rows, key=lambda r: r.generator_share)
    results.append(
        (
            "generator step < 10% of the build",
            worst.generator_share < 0.10,
            f"at most {100 * worst.generator_share:.1f}% (at {worst.size:,} documents)",
        )
    )
    print("\nTargets (issue 3)\n")
    failed = 0
    for name, ok, detail in results:
        verdict = "n/a " if ok is None else "PASS" if ok else "FAIL"
        failed += ok is False
        print(f"  {verdict}  {name}: {detail}")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,5000", help="comma-separated library sizes")
    parser.add_argument(
        "--plain-max",
        type=int,
        default=1000,
        help="build plain Material only up to this size (its flat nav makes it quadratic: "
        "about 50 CPU minutes and 17 GB at 5,000, extrapolated from 1,000)",
    )
    parser.add_argument("--rebuild-size", type=int, default=1000, help="size for the serve rebuild; 0 skips it")
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
        rows = [measure(size, work, with_plain=size <= args.plain_max) for size in sizes]
        rebuild = (args.rebuild_size, measure_rebuild(args.rebuild_size, work)) if args.rebuild_size else None
        return report(rows, rebuild)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
