"""`craftbook serve` rebuilds the page when a YAML file changes (a real server, a real edit)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def _wait_for(url: str, needle: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if needle in _fetch(url):
            return True
        time.sleep(0.3)
    return False


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's site config with its own small library."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"(?m)^site_url: .*$", 'site_url: ""', config)
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    shutil.copytree(FIXTURES / "minimal", tmp_path / "playbooks")
    return tmp_path


def test_serve_rebuilds_when_yaml_changes(project: Path) -> None:
    port = _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    log = (project / "serve.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "craftbook.cli", "serve", "-f", str(project / "mkdocs.yml"), "-a", f"127.0.0.1:{port}"],
        cwd=project,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/resources/res-article/"
        assert _wait_for(url, "포상하기 대신 인정하기", 90), "server never served the page"
        source = project / "playbooks" / "resource.yaml"
        source.write_text(
            source.read_text(encoding="utf-8").replace("title: 포상하기 대신 인정하기", "title: 고친 제목 인정하기"),
            encoding="utf-8",
        )
        assert _wait_for(url, "고친 제목 인정하기", 60), "page did not change after the YAML edit"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
