"""The brand colours win Material's palette in the browser, in light and dark schemes."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from craftbook.build import BuildOptions, build

from tests.conftest import FIXTURES, ROOT
from tests.test_brand import BRAND, LOGO, branded_config

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory, serve: Callable[[Path], str]) -> str:
    docs = Path(shutil.copytree(ROOT / "docs", tmp_path_factory.mktemp("project") / "docs"))
    (docs / "assets" / "brand").mkdir(parents=True)
    (docs / "assets" / "brand" / "logo.svg").write_text(LOGO, encoding="utf-8")
    out = tmp_path_factory.mktemp("branded") / "site"
    build(BuildOptions(config_file=branded_config(docs, BRAND), out=out, playbooks=FIXTURES / "minimal"))
    return serve(out)


def _colours(page) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return page.evaluate(
        """() => ({
          header: getComputedStyle(document.querySelector('.md-header')).backgroundColor,
          accent: getComputedStyle(document.body).getPropertyValue('--md-accent-fg-color').trim(),
          logo: document.querySelector('.md-header .md-logo img').naturalWidth > 0,
        })"""
    )


def test_header_takes_the_brand_primary_and_accent(page, site_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(site_url + "lessons/lesson-diagnosis/")
    assert _colours(page) == {"header": "rgb(30, 58, 138)", "accent": "rgb(249 115 22)", "logo": True}


def test_dark_scheme_keeps_the_brand_primary(page, site_url: str) -> None:  # type: ignore[no-untyped-def]
    page.emulate_media(color_scheme="dark")
    page.goto(site_url + "lessons/lesson-diagnosis/")
    assert page.evaluate("() => document.body.dataset.mdColorScheme") == "slate"
    assert _colours(page)["header"] == "rgb(30, 58, 138)"
