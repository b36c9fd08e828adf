"""An organisation's look, from one section of mkdocs.yml: `plugins: craftbook: brand`.

    extra:
      craftbook:
        brand:
          name: 한빛 컨택센터          # who publishes the site: footer, logo text, author
          logo: assets/logo.svg       # a file in docs/ (never a remote image)
          primary: "#1e3a8a"          # header and links; white text sits on it
          accent: "#f97316"           # hover and highlights
          footer: © 2026 한빛 컨택센터 교육팀

The theme partials (`generator/theme/partials/craftbook-brand.html`, `logo.html`,
`copyright.html`) lay these out. Colours land inside a `<style>` element, where HTML
escaping protects nothing, so they are checked here against the CSS colour syntaxes and
the build stops on anything else; the partial also refuses characters that could leave
a declaration, as a second guard.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .diagnose import did_you_mean
from .errors import BuildError

KEYS = ("name", "logo", "primary", "accent", "footer")


def is_colour(value: str) -> bool:
    """A CSS Color Level 4 value: a named colour, #hex, rgb(), hsl(), hwb(), lab(), lch(),
    oklab() or oklch(), with the right number of components (tinycss2's parser). Not
    `currentcolor` (it means the text colour, not a brand colour) and nothing else."""
    from tinycss2.color4 import Color, parse_color

    return isinstance(parse_color(value), Color)


_NAMED_COLOURS = (
    "black",
    "silver",
    "gray",
    "grey",
    "white",
    "maroon",
    "red",
    "purple",
    "fuchsia",
    "green",
    "lime",
    "olive",
    "yellow",
    "navy",
    "blue",
    "teal",
    "aqua",
    "orange",
    "indigo",
    "crimson",
    "darkblue",
    "darkgreen",
    "darkred",
    "royalblue",
    "steelblue",
    "slateblue",
    "midnightblue",
    "darkslateblue",
    "teal",
    "tomato",
    "coral",
    "gold",
)  # a few common names for the did-you-mean; every CSS name is accepted


def check_brand(brand: Any, docs_dir: Path) -> None:
    """Raise BuildError naming every problem in `plugins: craftbook: brand`; None is fine."""
    if brand is None:
        return
    where = "mkdocs.yml: plugins.craftbook.brand"
    if not isinstance(brand, Mapping):
        raise BuildError(f"{where}: expected a mapping of {', '.join(KEYS)}, got {type(brand).__name__}")
    problems = []
    expected = ", ".join(KEYS)
    for key in brand:
        if key not in KEYS:
            problems.append(f"{where}: unknown key {key!r}{did_you_mean(key, KEYS)}; expected one of: {expected}")
    for key in ("name", "footer", "logo", "primary", "accent"):
        value = brand.get(key)
        if value is not None and not isinstance(value, str):
            problems.append(f"{where}.{key}: expected text, got {value!r}")
    for key in ("primary", "accent"):
        value = brand.get(key)
        if key in brand and value is None:
            # `primary: #1e3a8a` unquoted: YAML reads '#' as the start of a comment.
            problems.append(
                f"{where}.{key}: expected a CSS colour, got nothing; a '#' starts a comment in YAML, "
                f'so quote the colour: {key}: "#1e3a8a"'
            )
        elif isinstance(value, str) and value and not is_colour(value):
            hint = did_you_mean(value.lower(), _NAMED_COLOURS) if value.isalpha() else ""
            problems.append(
                f"{where}.{key}: expected a CSS colour such as '#1e3a8a', 'rgb(30 58 138)' or 'navy', "
                f"got {value!r}{hint}"
            )
    logo = brand.get("logo")
    if isinstance(logo, str) and logo:
        problems += _check_logo(logo, docs_dir, f"{where}.logo")
    if problems:
        raise BuildError("\n".join(problems))


def _check_logo(logo: str, docs_dir: Path, where: str) -> list[str]:
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//", logo):
        return [f"{where}: expected a file in {docs_dir.name}/, got {logo!r}; the site loads nothing from other hosts"]
    docs = docs_dir.resolve()
    path = (docs / logo.lstrip("/")).resolve()
    if docs not in path.parents:
        return [f"{where}: {logo!r} is outside {docs_dir.name}/; put the logo in {docs_dir.name}/assets/"]
    if not path.is_file():
        return [f"{where}: no file {logo!r} in {docs_dir.name}/"]
    return []


def site_name_problem(name: str) -> str | None:
    """Why a site name cannot be used, or None. Material prints site_name into HTML
    attributes without escaping, so `<`, `>` and `"` would break the page's header."""
    if not name.strip():
        return "the site's name is empty; give it a name, e.g. --name '한빛 컨택센터'"
    if any(ch in name for ch in '<>"') or any(ch in name for ch in "\n\r\t"):
        return "the site's name cannot hold <, >, \" or line breaks (Material prints it into the page as is)"
    return None
