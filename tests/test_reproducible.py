"""Same inputs and SOURCE_DATE_EPOCH → byte-identical sites.

The two builds differ in everything that must not matter: the library's folder and file
times, the output folder, the working directory, the hash seed (set and dict order) and
the time zone. Every file is compared, the gzipped sitemap and the search index included.
"""

from __future__ import annotations

import gzip
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT

pytestmark = pytest.mark.slow

EPOCH = 1_767_225_600  # 2026-01-01T00:00:00Z
CRAFTBOOK = Path(sys.executable).with_name("craftbook")


def _build(playbooks: Path, out: Path, cwd: Path, *, seed: str, tz: str) -> Path:
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(EPOCH), "PYTHONHASHSEED": seed, "TZ": tz}
    env["CRAFTBOOK_SITE_URL"] = "https://example.org/craftbook/"  # as published: sitemap filled in
    command = [str(CRAFTBOOK), "build", "--config", str(ROOT / "mkdocs.yml"), "--playbooks", str(playbooks)]
    result = subprocess.run([*command, "--out", str(out)], cwd=cwd, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return out


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, bytes], dict[str, bytes]]:
    first_lib = tmp_path_factory.mktemp("library-a") / "playbooks"
    second_lib = tmp_path_factory.mktemp("library-b") / "elsewhere"
    shutil.copytree(FIXTURES / "minimal", first_lib)
    shutil.copytree(FIXTURES / "minimal", second_lib)
    for i, path in enumerate(sorted(second_lib.iterdir())):
        os.utime(path, (1_000_000_000 + i, 1_000_000_000 + i))  # same text, other file times
    a = _build(first_lib, tmp_path_factory.mktemp("a") / "site", ROOT, seed="1", tz="UTC")
    b = _build(second_lib, tmp_path_factory.mktemp("b") / "public", second_lib.parent, seed="2", tz="Asia/Seoul")
    return _files(a), _files(b)


def test_two_builds_are_byte_identical(two_builds: tuple[dict[str, bytes], dict[str, bytes]]) -> None:
    a, b = two_builds
    assert sorted(a) == sorted(b)
    assert [path for path in a if a[path] != b[path]] == []


def test_the_comparison_covers_the_files_that_usually_differ(
    two_builds: tuple[dict[str, bytes], dict[str, bytes]],
) -> None:
    a, _ = two_builds
    for path in ("sitemap.xml", "sitemap.xml.gz", "search/search_index.json", "index.html"):
        assert path in a, path
    # gzip stores a modification time (bytes 4-8): it must be the epoch, not the clock.
    assert struct.unpack("<I", a["sitemap.xml.gz"][4:8])[0] == EPOCH
    assert gzip.decompress(a["sitemap.xml.gz"]) == a["sitemap.xml"]
    assert b"<lastmod>2026-01-01</lastmod>" in a["sitemap.xml"]
