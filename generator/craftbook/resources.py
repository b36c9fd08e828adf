"""Files shipped inside the package that every built site needs, found by path.

Nothing here lives in an organisation's `docs/`: the theme overrides, the consult and
search scripts, the stylesheets, vendored Mermaid, the page templates and the JSON
schema all come with `pip install craftbook` and are upgraded with it.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ASSETS = PACKAGE / "assets"  # served under the site's assets/ (URLs below are contracts)
THEME = PACKAGE / "theme"  # Material overrides, after the organisation's custom_dir
TEMPLATES = PACKAGE / "templates"  # Jinja templates of the generated Markdown pages
SCHEMA = PACKAGE / "schema.json"  # the combined JSON Schema; `craftbook schema` prints it
PAGES = PACKAGE / "pages"  # hand-written pages every site has (작성 가이드, 구독)
STARTER = PACKAGE / "starter"  # what `craftbook init` writes: project/ is the skeleton


def starter_library() -> Path:
    """The starter library (36 documents) that `craftbook init --starter` copies.

    An installed package carries it as craftbook/starter/playbooks (pyproject.toml maps the
    repository's playbooks/ there); a source checkout reads the repository's own folder.
    """
    inside = STARTER / "playbooks"
    return inside if inside.is_dir() else PACKAGE.parent.parent / "playbooks"


EXTRA_CSS = ("assets/craftbook.css", "assets/consult.css", "assets/scorecard.css", "assets/print.css")
EXTRA_JAVASCRIPT = (
    "assets/clipboard.js",
    "assets/consult.js",
    "assets/search-ko.js",
    "assets/scorecard.js",
    "assets/print.js",
)
