"""Recall@5 and MRR of Craftbook's Korean search against Material's default, side by side.

    .venv/bin/python -m bench.search_recall [--playbooks playbooks] [--queries FILE] [-v]

One build of the library; Material's own index is captured as it is written, before
`craftbook.search` augments it. Both engines then run in the same Chromium on the same
site: "craftbook" is the site as shipped (augmented index, and the worker search-ko.js
puts around Material's), "material" is the same site with Material's index and no
search-ko.js (swapped in by request routing). Each query goes to that engine's worker
exactly as the search box sends it, and the first five result pages are compared with
the expected documents. Prints figures; this is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import json
import socketserver
import statistics
import tempfile
import threading
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml
from craftbook import search
from craftbook.build import BuildOptions, build

ROOT = Path(__file__).resolve().parent.parent
QUERIES = Path(__file__).with_name("search_queries.yaml")
CHROMIUM = "/usr/bin/chromium"
ENGINES = ("craftbook", "material")


@dataclass
class Built:
    site: Path
    material_index: dict[str, Any]  # Material's own search_index.json, before augmentation

    @property
    def index(self) -> dict[str, Any]:
        return json.loads((self.site / search.INDEX_PATH).read_text(encoding="utf-8"))


def build_site(playbooks: Path, out: Path) -> Built:
    """Build once with the project's mkdocs.yml, keeping Material's index as written."""
    captured: dict[str, Any] = {}
    original = search.augment_index

    def capture(index: dict[str, Any], *args: Any, **kwargs: Any) -> dict[str, Any]:
        captured["index"] = json.loads(json.dumps(index))
        return original(index, *args, **kwargs)

    search.augment_index = capture  # type: ignore[assignment]
    try:
        site = build(BuildOptions(config_file=ROOT / "mkdocs.yml", out=out, playbooks=playbooks))
    finally:
        search.augment_index = original  # type: ignore[assignment]
    return Built(site, captured["index"])


def material_bytes(index: dict[str, Any]) -> bytes:
    """Byte for byte what Material's plugin writes (json.dumps, ASCII, compact)."""
    return json.dumps(index, separators=(",", ":"), default=str).encode()


def sizes(built: Built) -> dict[str, dict[str, int]]:
    ours = (built.site / search.INDEX_PATH).read_bytes()
    theirs = material_bytes(built.material_index)
    return {
        "material": {"bytes": len(theirs), "gzip": len(gzip.compress(theirs, 9))},
        "craftbook": {"bytes": len(ours), "gzip": len(gzip.compress(ours, 9))},
    }


# ----------------------------------------------------------------------- browser


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def served(folder: Path) -> Iterator[str]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            yield browser
        finally:
            browser.close()


def open_engine(browser: Any, base: str, engine: str, built: Built, init_script: str = "") -> Any:
    """A page of the site searching with `engine` (the Material one gets its own index)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    if init_script:
        context.add_init_script(init_script)
    if engine == "material":
        body = material_bytes(built.material_index)
        json_type, js_type = "application/json", "text/javascript"
        context.route("**/search/search_index.json", lambda route: route.fulfill(body=body, content_type=json_type))
        context.route("**/assets/search-ko.js", lambda route: route.fulfill(body="", content_type=js_type))
    page = context.new_page()
    page.goto(base)
    return page


def worker_url(site: Path) -> str:
    """Material's search worker, relative to the site root."""
    (worker,) = sorted((site / "assets/javascripts/workers").glob("search.*.min.js"))
    return worker.relative_to(site).as_posix()


def engine_worker(base: str, site: Path, engine: str) -> str:
    """The worker the search box ends up talking to: ours wraps Material's (search-ko.js)."""
    material = base + worker_url(site)
    return material if engine == "material" else f"{base}assets/search-ko.js?material={quote(material, safe='')}"


# Before any page script, keep the browser's own postMessage (search-ko.js patches it).
RAW_POST = "window.__rawPost = Worker.prototype.postMessage;"

# Before any page script: note the last keyup, which query each answer of the search
# worker is for (answers come in order) and the frame after the page has shown it
# (Material renders results in its message handler): window.__answered is the last
# query answered, window.__marks.answered[query] the time of that frame.
TRACK_ANSWERS = """
window.__asked = []; window.__answered = null;
window.__marks = {key: 0, answered: {}};
document.addEventListener("keyup", () => { window.__marks.key = performance.now(); }, true);
const send = Worker.prototype.postMessage;
Worker.prototype.postMessage = function (message) {
  if (message && message.type === 2) window.__asked.push(message.data);
  return send.apply(this, arguments);
};
const NativeWorker = window.Worker;
window.Worker = class extends NativeWorker {
  constructor(...args) {
    super(...args);
    this.addEventListener("message", (event) => {
      // isTrusted: a worker's own answer, not the copy search-ko.js hands to Material's
      if (event.isTrusted && event.data && event.data.type === 3) {
        const query = window.__asked.shift();
        setTimeout(() => requestAnimationFrame(() => {
          window.__answered = query;
          window.__marks.answered[query] = performance.now();
        }));
      }
    });
  }
};
"""

# Runs in the page: the engine's worker, sent exactly what the search box sends.
_RUN_QUERIES = """
async ([workerUrl, queries]) => {
  const index = await (await fetch("search/search_index.json")).json();
  const worker = new Worker(workerUrl);
  const send = (message) => window.__rawPost.call(worker, message);
  const reply = (type) => new Promise(resolve => {
    const on = (e) => { if (e.data.type === type) { worker.removeEventListener("message", on); resolve(e.data); } };
    worker.addEventListener("message", on);
  });
  let ready = reply(1);
  send({type: 0, data: {config: index.config, docs: index.docs, options: {suggest: false}}});
  await ready;
  const out = [];
  for (const q of queries) {
    const started = performance.now();
    const done = reply(3);
    send({type: 2, data: q});
    const {data} = await done;
    const pages = data.items.map(group => group[0].location.split("#")[0]);
    out.push({pages, ms: performance.now() - started});
  }
  worker.terminate();
  return out;
}
"""


def run_queries(page: Any, base: str, site: Path, engine: str, queries: list[str]) -> list[dict[str, Any]]:
    return page.evaluate(_RUN_QUERIES, [engine_worker(base, site, engine), queries])


# ----------------------------------------------------------------------- recall


def load_queries(path: Path) -> list[dict[str, Any]]:
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    for item in items:
        expect = item["expect"]
        item["expect"] = [expect] if isinstance(expect, str) else list(expect)
    return items


def page_urls(index: dict[str, Any]) -> dict[str, str]:
    """Document id → its page URL, from the index (a page URL is `<kinddir>/<id>/`)."""
    urls = {}
    for doc in index["docs"]:
        parts = doc["location"].split("#")[0].strip("/").split("/")
        if len(parts) == 2:
            urls.setdefault(parts[1], doc["location"].split("#")[0])
    return urls


def rank(pages: list[str], wanted: set[str]) -> int | None:
    for position, url in enumerate(pages, start=1):
        if url in wanted:
            return position
    return None


def evaluate(built: Built, queries: list[dict[str, Any]]) -> dict[str, Any]:
    urls = page_urls(built.material_index)
    usable = [q for q in queries if any(e in urls for e in q["expect"])]
    missing = [q["q"] for q in queries if q not in usable]
    texts = [q["q"] for q in usable]
    results: dict[str, list[dict[str, Any]]] = {}
    with served(built.site) as base, chromium() as browser:
        for engine in ENGINES:
            page = open_engine(browser, base, engine, built, RAW_POST)
            results[engine] = run_queries(page, base, built.site, engine, texts)
            page.context.close()
    rows = []
    for i, query in enumerate(usable):
        wanted = {urls[e] for e in query["expect"] if e in urls}
        rows.append(
            {
                "q": query["q"],
                "kind": query["kind"],
                **{engine: rank(results[engine][i]["pages"], wanted) for engine in ENGINES},
                **{f"{engine}_top": results[engine][i]["pages"][:5] for engine in ENGINES},
                **{f"{engine}_ms": results[engine][i]["ms"] for engine in ENGINES},
            }
        )
    return {"rows": rows, "missing": missing}


def recall(rows: list[dict[str, Any]], engine: str, k: int = 5) -> float:
    return sum(1 for r in rows if r[engine] is not None and r[engine] <= k) / len(rows) if rows else 0.0


def mrr(rows: list[dict[str, Any]], engine: str) -> float:
    """Mean reciprocal rank of the first expected document (0 when it is not found)."""
    return statistics.fmean(1 / r[engine] if r[engine] else 0 for r in rows) if rows else 0.0


def report(built: Built, outcome: dict[str, Any], verbose: bool) -> str:
    rows = outcome["rows"]
    lines = [f"queries: {len(rows)} (skipped, document not in library: {outcome['missing'] or 'none'})", ""]
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_kind[row["kind"]].append(row)
    head = f"{'kind':<12}{'n':>4}{'craftbook@5':>14}{'material@5':>13}{'craftbook MRR':>16}{'material MRR':>15}"
    lines.append(head)
    for kind, group in [*by_kind.items(), ("all", rows)]:
        lines.append(
            f"{kind:<12}{len(group):>4}{recall(group, 'craftbook'):>14.2f}{recall(group, 'material'):>13.2f}"
            f"{mrr(group, 'craftbook'):>16.2f}{mrr(group, 'material'):>15.2f}"
        )
    for engine in ENGINES:
        times = sorted(r[f"{engine}_ms"] for r in rows)
        median = statistics.median(times)
        lines.append(f"worker round trip per query, {engine}: median {median:.1f} ms, max {times[-1]:.1f} ms")
    size = sizes(built)
    m, c = size["material"], size["craftbook"]
    lines.append(
        f"index: material {m['bytes']:,} B ({m['gzip']:,} gzip), craftbook {c['bytes']:,} B ({c['gzip']:,} gzip)"
        f" = {c['bytes'] / m['bytes']:.2f}x bytes, {c['gzip'] / m['gzip']:.2f}x gzip"
    )
    misses = [r for r in rows if r["craftbook"] is None or r["craftbook"] > 5]
    lines.append("")
    lines.append("craftbook misses: " + (", ".join(f"{r['q']} ({r['kind']})" for r in misses) or "none"))
    if verbose:
        lines.append("")
        for r in rows:
            lines.append(f"{r['q']:<14} craftbook={r['craftbook']} material={r['material']}  {r['craftbook_top']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--playbooks", type=Path, default=ROOT / "playbooks")
    parser.add_argument("--queries", type=Path, default=QUERIES)
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="craftbook-search-bench-") as tmp:
        built = build_site(args.playbooks, Path(tmp) / "site")
        outcome = evaluate(built, load_queries(args.queries))
        print(report(built, outcome, args.verbose))


if __name__ == "__main__":
    main()
