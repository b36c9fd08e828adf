"""Branding from `extra.craftbook.brand`: applied to every page, and never a way in.

Colours end up inside <style>, where HTML escaping protects nothing, so a colour that is
not CSS colour syntax stops the build (generator/brand.py) and is dropped by the
partial as well; names and footer text are escaped; the logo is a local file.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import jinja2
import pytest
import yaml
from craftbook.brand import check_brand
from craftbook.build import BuildOptions, build
from craftbook.errors import BuildError

from tests.conftest import FIXTURES, ROOT

THEME = ROOT / "generator" / "craftbook" / "theme"
WHERE = "mkdocs.yml: plugins.craftbook.brand"
BRAND = {
    "name": '한빛 <센터> & "교육팀"',
    "logo": "assets/brand/logo.svg",
    "primary": "#1e3a8a",
    "accent": "rgb(249 115 22)",
    "footer": "© 2026 한빛 컨택센터 <b>교육팀</b>",
}
LOGO = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>\n'


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    docs = Path(shutil.copytree(ROOT / "docs", tmp_path_factory.mktemp("project") / "docs"))
    (docs / "assets" / "brand").mkdir(parents=True)
    (docs / "assets" / "brand" / "logo.svg").write_text(LOGO, encoding="utf-8")
    return docs


def branded_config(docs: Path, brand: dict[str, Any]) -> Path:
    """A project config that inherits the repository's and changes only the brand."""
    config = {
        "INHERIT": str(ROOT / "mkdocs.yml"),
        "docs_dir": str(docs),
        "plugins": [{"search": {"lang": "en"}}, {"craftbook": {"brand": brand}}],
    }
    path = docs.parent / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def branded_site(docs: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("branded") / "site"
    return build(BuildOptions(config_file=branded_config(docs, BRAND), out=out, playbooks=FIXTURES / "minimal"))


# ---------------------------------------------------------------- the check


@pytest.mark.parametrize(
    "colour", ["#1e3a8a", "#fff", "#1e3a8a80", "navy", "rgb(30 58 138)", "rgba(30, 58, 138, .5)", "oklch(45% .2 264)"]
)
def test_css_colours_are_accepted(colour: str, docs: Path) -> None:
    check_brand({"primary": colour, "accent": colour}, docs)


@pytest.mark.parametrize(
    "colour",
    [
        "red; background: url(//evil.example/x.png)",
        "red}</style><script>alert(1)</script>",
        '"red"',
        "url(x.png)",
        "var(--x)",
        "inherit",
        "#12345",
        "expression(alert(1))",
    ],
)
def test_anything_else_stops_the_build_with_its_name(colour: str, docs: Path) -> None:
    with pytest.raises(BuildError) as caught:
        check_brand({"primary": colour}, docs)
    assert caught.value.message == (
        f"{WHERE}.primary: expected a CSS colour such as '#1e3a8a', 'rgb(30 58 138)' or 'navy', got {colour!r}"
    )


def test_every_problem_is_reported_at_once(docs: Path) -> None:
    with pytest.raises(BuildError) as caught:
        check_brand({"colour": "red", "accent": "x;y", "logo": "https://cdn.example/logo.png", "name": 3}, docs)
    assert caught.value.message.splitlines() == [
        f"{WHERE}: unknown key 'colour'; expected one of: name, logo, primary, accent, footer",
        f"{WHERE}.name: expected text, got 3",
        f"{WHERE}.accent: expected a CSS colour such as '#1e3a8a', 'rgb(30 58 138)' or 'navy', got 'x;y'",
        f"{WHERE}.logo: expected a file in docs/, got 'https://cdn.example/logo.png'; "
        "the site loads nothing from other hosts",
    ]


@pytest.mark.parametrize(
    ("logo", "message"),
    [
        ("../mkdocs.yml", "'../mkdocs.yml' is outside docs/; put the logo in docs/assets/"),
        ("assets/brand/missing.svg", "no file 'assets/brand/missing.svg' in docs/"),
        ("//cdn.example/logo.png", "expected a file in docs/, got '//cdn.example/logo.png'"),
    ],
)
def test_logo_must_be_a_file_in_docs(logo: str, message: str, docs: Path) -> None:
    with pytest.raises(BuildError) as caught:
        check_brand({"logo": logo}, docs)
    assert caught.value.message.startswith(f"{WHERE}.logo: {message}")


def test_no_brand_section_is_fine(docs: Path) -> None:
    check_brand(None, docs)
    check_brand({}, docs)


# ---------------------------------------------------------------- the partial's own guard


def test_partial_drops_a_colour_that_could_leave_its_declaration() -> None:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(THEME)))
    hostile = "red}</style><script>alert(1)</script>"
    brand = {"primary": hostile, "accent": "#f97316", "name": "<b>x</b>"}
    config = {"plugins": {"craftbook": {"config": {"brand": brand}}}}
    html = env.get_template("partials/craftbook-brand.html").render(config=config)
    assert "<script>" not in html and "alert" not in html
    assert "--md-accent-fg-color: #f97316;" in html
    assert "--md-primary-fg-color" not in html
    assert '<meta name="author" content="&lt;b&gt;x&lt;/b&gt;">' in html


def test_partials_work_without_a_brand_section() -> None:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(THEME)))
    html = env.get_template("partials/craftbook-brand.html").render(config={"plugins": {}})
    assert html.strip() == ""


# ---------------------------------------------------------------- a real build


@pytest.mark.slow
def test_brand_reaches_every_page(branded_site: Path) -> None:
    # Theme pages only: other producers write standalone HTML (e-mail digests).
    pages = [p for p in sorted(branded_site.rglob("*.html")) if "data-md-color-primary" in p.read_text("utf-8")]
    assert len(pages) > 10
    for page in pages:
        html = page.read_text(encoding="utf-8")
        rel = page.relative_to(branded_site)
        assert "--md-primary-fg-color: #1e3a8a;" in html, rel
        assert "--md-accent-fg-color: rgb(249 115 22);" in html, rel
        assert '<meta name="author" content="한빛 &lt;센터&gt; &amp; &#34;교육팀&#34;">' in html, rel
        assert "© 2026 한빛 컨택센터 &lt;b&gt;교육팀&lt;/b&gt;" in html, rel
        assert "<b>교육팀</b>" not in html, rel


@pytest.mark.slow
def test_logo_is_the_organisations_and_relative_to_each_page(branded_site: Path) -> None:
    html = (branded_site / "lessons" / "lesson-diagnosis" / "index.html").read_text(encoding="utf-8")
    assert '<img src="../../assets/brand/logo.svg" alt="한빛 &lt;센터&gt; &amp; &#34;교육팀&#34;">' in html
    assert (branded_site / "assets" / "brand" / "logo.svg").read_text(encoding="utf-8") == LOGO


@pytest.mark.slow
def test_a_bad_colour_fails_the_build_and_keeps_the_old_site(docs: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("previous site", encoding="utf-8")
    config = branded_config(docs, {**BRAND, "primary": "red; background: url(//evil.example/x)"})
    with pytest.raises(BuildError) as caught:
        build(BuildOptions(config_file=config, out=out, playbooks=FIXTURES / "minimal"))
    assert f"{WHERE}.primary: expected a CSS colour" in caught.value.message
    assert (out / "index.html").read_text(encoding="utf-8") == "previous site"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("nvay", "got 'nvay' (did you mean 'navy'?)"),
        ("rgb(1,2)", "got 'rgb(1,2)'"),  # a colour function needs three components
        ("currentcolor", "got 'currentcolor'"),
        (None, """got nothing; a '#' starts a comment in YAML, so quote the colour: primary: "#1e3a8a\""""),
    ],
)
def test_colours_are_parsed_as_css_not_guessed(value: str | None, message: str, docs: Path) -> None:
    with pytest.raises(BuildError) as caught:
        check_brand({"primary": value}, docs)
    assert caught.value.message.startswith(f"{WHERE}.primary: expected a CSS colour")
    assert caught.value.message.endswith(message)
