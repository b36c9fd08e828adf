"""Craftbook as an organisation gets it: the wheel, installed (not editable) in a fresh venv.

What a site built from an installed Craftbook needs must be inside the wheel; a file
that exists only in this checkout would be missing there. The new virtual environment
borrows the project venv's dependencies through a path file, which Python reads after
the venv's own site-packages: `craftbook` itself can only come from the wheel.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import sysconfig
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: int = 600) -> str:
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)
    assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built from a copy of what the wheel is made of, as a clean clone has it: a build in
    the checkout would leave build/ and *.egg-info there, and reuse stale ones."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    for name in ("generator", "playbooks"):
        shutil.copytree(ROOT / name, source / name, ignore=ignore)
    out = tmp_path_factory.mktemp("wheel")
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(source)], cwd=out)
    (built,) = out.glob("craftbook-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed; the dependencies come from this venv."""
    folder = tmp_path_factory.mktemp("venv") / "venv"
    run([sys.executable, "-m", "venv", str(folder)], cwd=folder.parent)
    python = folder / "bin" / "python"
    run([str(python), "-m", "pip", "install", "-q", "--no-deps", str(wheel)], cwd=folder.parent)
    purelib = run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=folder.parent)
    ours = [p for p in site.getsitepackages() if Path(p).is_dir()] or [sysconfig.get_paths()["purelib"]]
    Path(purelib.strip(), "zz-project-deps.pth").write_text("\n".join(ours) + "\n", encoding="utf-8")
    return folder


def environment(venv: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return env


def test_the_wheel_carries_what_a_site_needs_and_no_generator_module(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert not [n for n in names if n.startswith("generator/") or n == "generator.py"]
    for needed in (
        "craftbook/assets/clipboard.js",
        "craftbook/assets/consult.js",
        "craftbook/assets/search-ko.js",
        "craftbook/assets/craftbook.css",
        "craftbook/assets/vendor/mermaid/mermaid.min.js",
        "craftbook/theme/main.html",
        "craftbook/templates/script.md.j2",
        "craftbook/schema.json",
        "craftbook/pages/guide.md",
        "craftbook/starter/project/mkdocs.yml",
        "craftbook/starter/project/dot-github/workflows/pages.yml",
        "craftbook/starter/playbooks/scripts/script-cancellation-price.yaml",
    ):
        assert needed in names, needed
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "[mkdocs.plugins]\ncraftbook = craftbook.plugin:CraftbookPlugin" in text


@pytest.fixture(scope="module")
def installed_site(venv: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """`craftbook init` in an empty folder outside the checkout, then `craftbook build`."""
    root = tmp_path_factory.mktemp("org") / "한빛-센터"
    env = environment(venv)
    where = run([str(venv / "bin" / "python"), "-c", "import craftbook; print(craftbook.__file__)"], root.parent, env)
    assert where.startswith(str(venv)), where  # not this checkout
    assert (
        run([str(venv / "bin" / "craftbook"), "--version"], root.parent, env).strip().startswith("craftbook, version")
    )
    run([str(venv / "bin" / "craftbook"), "init", str(root), "--starter"], root.parent, env)
    run([str(venv / "bin" / "craftbook"), "check"], root, env)
    run([str(venv / "bin" / "craftbook"), "build"], root, env)
    plain = root.parent / "plain"
    run([str(venv / "bin" / "python"), "-m", "mkdocs", "build", "-q", "-d", str(plain)], root, env)
    assert (plain / "scripts" / "script-cancellation-price" / "index.html").is_file()
    assert (plain / "assets" / "search-ko.js").is_file()
    yield root / "site"


@pytest.mark.browser
def test_consult_mode_and_korean_search_work_on_the_installed_site(
    installed_site: Path, serve: Callable[[Path], str], browser: Any
) -> None:
    base = serve(installed_site)
    context = browser.new_context(viewport={"width": 400, "height": 800}, locale="ko-KR")
    page = context.new_page()
    try:
        page.goto(f"{base}scripts/script-cancellation-price/")
        page.wait_for_selector("[data-step-id]:not([hidden])")
        assert page.locator("[data-step-id]:not([hidden])").count() == 1  # consult.js runs
        page.goto(base)
        page.locator("label.md-search__icon, .md-header__button[for=__search]").first.click()
        box = page.locator("input.md-search__input")
        box.focus()
        page.keyboard.insert_text("평가표")  # a compound part: only Korean search finds 상담품질평가표
        page.keyboard.press("End")
        page.wait_for_selector("li.md-search-result__item", timeout=30_000)
        titles = page.locator("li.md-search-result__item h1, li.md-search-result__item h2").all_text_contents()
        assert any("평가표" in t for t in titles), titles
        assert page.evaluate("typeof window.craftbookSearch") == "object"
    finally:
        context.close()
