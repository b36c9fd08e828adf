"""Index size and keystroke-to-results time on a synthetic 1,000-document library.

    .venv/bin/python -m bench.search_speed [--size 1000] [--repeat 3]

Writes a valid synthetic library (bench/synth.py, mixed kinds), builds it once (Material's
own index is kept as written, see bench/search_recall.py), then in Chromium types each
query into Material's search box the way a person does (text, then a key) and measures
from that keyup to the moment the result list changes, for the shipped site and for the
same site with Material's default index. Also reports the build time our augmentation
adds and how long the worker takes to load each index. Prints figures; not a test.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from craftbook import search

from bench.search_recall import (
    ENGINES,
    TRACK_ANSWERS,
    build_site,
    chromium,
    open_engine,
    served,
    sizes,
    worker_url,
)
from bench.synth import write_library

QUERIES = [
    "해지방어",
    "방어",
    "감정노동",
    "노동",
    "상담사에게",
    "요금제를",
    "코칭",
    "원콜해결",
    "해결",
    "QA",
    "VOC",
    "챗봇이",
    "공감 표현",
    "재문의",
    "비교표",
    "되짚었는가",
    "인정하는",
    "온보딩",
    "리텐션",
    "어르신 고객",
]

_LOAD_INDEX = """
async (workerUrl) => {
  const started = performance.now();
  const index = await (await fetch("search/search_index.json")).json();
  const parsed = performance.now();
  const worker = new Worker(workerUrl);
  const ready = new Promise(resolve => worker.addEventListener("message", e => resolve(e.data), {once: true}));
  worker.postMessage({type: 0, data: {config: index.config, docs: index.docs, options: {suggest: true}}});
  await ready;
  worker.terminate();
  return {fetch: parsed - started, build: performance.now() - parsed};
}
"""


def type_query(page: Any, query: str, timeout: float = 10_000) -> float:
    """Type `query` into the search box; ms from the last keyup to the frame with its results."""
    box = page.locator("input.md-search__input")
    box.fill("")
    box.focus()
    page.keyboard.insert_text(query)  # key-by-key Hangul does not reach the box in headless Chromium
    page.evaluate("(q) => { delete window.__marks.answered[q]; }", query)
    page.keyboard.press("End")  # Material searches on keyup
    page.wait_for_function("(q) => window.__marks.answered[q] > window.__marks.key", arg=query, timeout=timeout)
    return float(page.evaluate("(q) => window.__marks.answered[q] - window.__marks.key", query))


def measure(page: Any, queries: list[str], repeat: int) -> list[float]:
    # The first search waits for the worker to build its index; wait that out once.
    type_query(page, "준비", timeout=120_000)
    times = []
    for _ in range(repeat):
        for query in queries:
            times.append(type_query(page, query))
    return times


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="craftbook-search-speed-") as tmp:
        library = write_library(Path(tmp) / "library", args.size)
        spent: list[float] = []
        caches: list[Any] = []
        original = search.augment_index

        def timed(*a: Any, **k: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*a, **k)
            finally:
                spent.append(time.perf_counter() - started)
                caches.append(k.get("cache"))

        search.augment_index = timed  # type: ignore[assignment]
        started = time.perf_counter()
        try:
            built = build_site(library, Path(tmp) / "site")
        finally:
            search.augment_index = original  # type: ignore[assignment]
        total = time.perf_counter() - started
        entries = len(built.material_index["docs"])
        print(f"library: {args.size} documents, {entries:,} index entries")
        # The project's .craftbook/cache may hold an earlier run's analysis of this very
        # library (it is deterministic): say how much came from it.
        hits = sum(c.hits for c in caches if c is not None)
        analysed = sum(c.misses for c in caches if c is not None)
        how = f"{hits:,} entries from .craftbook/cache, {analysed:,} analysed" if hits else "Kiwi load included"
        print(f"build: {total:.1f} s, of which search augmentation {sum(spent):.1f} s ({how})")
        size = sizes(built)
        m, c = size["material"], size["craftbook"]
        print(
            f"index: material {m['bytes']:,} B ({m['gzip']:,} gzip), craftbook {c['bytes']:,} B ({c['gzip']:,} gzip)"
            f" = {c['bytes'] / m['bytes']:.2f}x bytes, {c['gzip'] / m['gzip']:.2f}x gzip"
        )
        with served(built.site) as base, chromium() as browser:
            for engine in ENGINES:
                page = open_engine(browser, base, engine, built, TRACK_ANSWERS)
                times = sorted(measure(page, QUERIES, args.repeat))
                # After the searches: a worker started before Material has sent its own
                # index could be taken by search-ko.js for Material's (a race of this
                # measurement only, never of a real page).
                load = page.evaluate(_LOAD_INDEX, worker_url(built.site))
                p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
                ours = page.evaluate("() => Boolean(window.craftbookSearch && window.craftbookSearch.relayed)")
                print(
                    f"{engine:<10} ({'search-ko.js worker' if ours else 'Material worker'})"
                    f" index fetch+parse {load['fetch']:.0f} ms, worker index build {load['build']:.0f} ms;"
                    f" keyup→results over {len(times)} searches: median {statistics.median(times):.1f} ms,"
                    f" p95 {p95:.1f} ms, max {times[-1]:.1f} ms"
                )
                page.context.close()


if __name__ == "__main__":
    main()
