"""The path for builders that run no MkDocs plugins: `craftbook generate`, then any
builder, then `craftbook search-index` — complete, not a subset of `craftbook build`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml
from click.testing import CliRunner
from craftbook import search
from craftbook.cli import main

from tests.conftest import FIXTURES


def test_generate_then_a_plain_build_then_search_index(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "docs").mkdir(parents=True)
    (project / "library").mkdir()
    for source in (FIXTURES / "minimal").glob("*.yaml"):
        (project / "library" / source.name).write_bytes(source.read_bytes())
    (project / "mkdocs.yml").write_text(
        "site_name: x\ntheme: material\nsite_url: https://example.org/cb/\n"
        "plugins:\n  - search\n  - craftbook:\n      playbooks: library\n",
        encoding="utf-8",
    )
    generated = tmp_path / "generated"
    runner = CliRunner()
    result = runner.invoke(main, ["generate", "-f", str(project / "mkdocs.yml"), "--out", str(generated)])
    assert result.exit_code == 0, result.output
    # The plugin's options were read: the library folder and site_url (absolute feed links).
    assert (generated / "resources" / "res-article.md").is_file()
    # A whole docs folder: what the plugin would add too (pages, scripts, styles).
    for shipped in ("guide.md", "subscribe.md", "assets/consult.js", "assets/search-ko.js", "assets/craftbook.css"):
        assert (generated / shipped).is_file(), shipped
    # It can be generated again into the same folder (it is marked as ours).
    again = runner.invoke(main, ["generate", "-f", str(project / "mkdocs.yml"), "--out", str(generated)])
    assert again.exit_code == 0, again.output
    assert "https://example.org/cb/resources/res-article/" in (generated / "feed.xml").read_text(encoding="utf-8")

    # Any builder: here MkDocs without the craftbook plugin, reading only the Markdown.
    plain = tmp_path / "plain.yml"
    plain.write_text(
        yaml.safe_dump({"site_name": "x", "theme": "material", "docs_dir": str(generated), "plugins": ["search"]}),
        encoding="utf-8",
    )
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(plain), "-d", str(site)], check=True)
    index_file = site / search.INDEX_PATH
    before = json.loads(index_file.read_text(encoding="utf-8"))
    assert search.TITLE_FIELD not in before["config"]["fields"]

    result = runner.invoke(main, ["search-index", str(site), "--generated", str(generated)])
    assert result.exit_code == 0, result.output
    after = json.loads(index_file.read_text(encoding="utf-8"))
    assert search.TITLE_FIELD in after["config"]["fields"]
    page = next(d for d in after["docs"] if d["location"] == "resources/res-article/")
    assert page["tags"][0] == "추천 자료"  # the document's kind, as the plugin's build shows it
    again = runner.invoke(main, ["search-index", str(site), "--generated", str(generated)])
    assert again.exit_code == 0
    assert json.loads(index_file.read_text(encoding="utf-8")) == after  # a second run changes nothing


def test_search_index_on_a_site_without_search_says_so(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["search-index", str(tmp_path)])
    assert result.exit_code == 1
    assert "no search/search_index.json in" in result.output


def test_the_sites_name_is_the_organisations_not_the_tools(tmp_path: Path) -> None:
    """mkdocs.yml's site_name titles the home page, the feeds and the e-mail bodies."""
    import xml.etree.ElementTree as ET

    from craftbook.pipeline import GenerateOptions, generate

    out = tmp_path / "out"
    generate(GenerateOptions(playbooks=FIXTURES / "hub", out=out, site_name="한빛 <센터>", audience="members"))
    home = (out / "index.md").read_text(encoding="utf-8")
    assert "\n# 한빛 &lt;센터&gt;\n" in home
    feed = ET.parse(out / "feed.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert feed.findtext("a:title", namespaces=ns) == "한빛 <센터>"
    assert feed.findtext("a:author/a:name", namespaces=ns) == "한빛 <센터>"
    emails = list(out.glob("editions/*/email.html"))
    assert emails
    for email in emails:
        text = email.read_text(encoding="utf-8")
        assert "한빛 &lt;센터&gt;" in text and "Craftbook 큐레이션" not in text


def test_a_broken_template_override_is_located(tmp_path: Path) -> None:
    """An organisation's template that does not parse, or fails while rendering, names
    its file and line and says what to do, instead of Jinja's bare message."""
    import re

    import pytest
    from craftbook.errors import BuildError
    from craftbook.pipeline import GenerateOptions, generate

    tpl = tmp_path / "tpl"
    tpl.mkdir()
    override = tpl / "resource.md.j2"
    shipped = Path(__file__).resolve().parent.parent / "generator" / "craftbook" / "templates" / override.name
    text = shipped.read_text(encoding="utf-8")
    playbooks = Path(__file__).resolve().parent / "fixtures" / "minimal"

    def broken(line: str) -> str:
        override.write_text(text.replace("{% block body %}\n", "{% block body %}\n" + line + "\n", 1), encoding="utf-8")
        with pytest.raises(BuildError) as failed:
            generate(GenerateOptions(playbooks=playbooks, out=tmp_path / str(len(line)), templates=(tpl,)))
        return str(failed.value)

    assert broken("{% if %}") == (
        f"{override}:3: error: the template does not parse: Expected an expression, got 'end of statement block'; "
        "check the {% … %} and {{ … }} on that line (every block opened must be closed, every expression written out)"
    )
    message = broken("{{ doc.nothing }}")
    start = f"{override}:3: error: the template failed while rendering: "
    end = "; compare it with the shipped template of the same name (a renamed or removed variable is the usual cause)"
    assert re.fullmatch(re.escape(start) + ".*nothing.*" + re.escape(end), message), message
