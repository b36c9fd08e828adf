"""The plugin's options in mkdocs.yml, typed and validated like documents.

    plugins:
      - search
      - craftbook:
          playbooks: playbooks        # the library folder, relative to mkdocs.yml
          audience: public            # public | members (members-only documents included)
          drafts: false               # true: documents with status: draft are built too
          templates: []               # folders whose templates override the shipped ones
          max_file_bytes: 1048576     # a YAML file bigger than this is refused (SECURITY.md)
          brand: {name: …, logo: …, primary: …, accent: …, footer: …}

An unknown key or a value outside its choices is an error naming the key, with the
nearest known word (`audience: memebers` → did you mean 'members'?), as an unknown
field of a document is: MkDocs itself only warns about unknown keys.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c

from .brand import KEYS as BRAND_KEYS
from .brand import check_brand, site_name_problem
from .diagnose import did_you_mean
from .errors import BuildError
from .load import DEFAULT_MAX_BYTES
from .pipeline import GENERATED_DIR, GenerateOptions

AUDIENCES = ("public", "members")


class _Choice(c.Choice):
    """MkDocs' Choice, with the nearest choice suggested."""

    def run_validation(self, value: object) -> Any:
        if value not in self.choices:
            choices = ", ".join(map(repr, self.choices))
            raise base.ValidationError(f"expected one of {choices}, got {value!r}{did_you_mean(value, self.choices)}")
        return value


class _Typed(c.Type):
    """MkDocs' Type, saying what to write instead of naming Python classes."""

    def __init__(self, kind: type, expected: str, default: Any) -> None:
        super().__init__(kind, default=default)
        self.expected = expected

    def run_validation(self, value: object) -> Any:
        if not isinstance(value, self._type) or (self._type is int and isinstance(value, bool)):
            raise base.ValidationError(f"expected {self.expected}, got {value!r}")
        return value


class _Templates(c.ListOfItems):
    def run_validation(self, value: object) -> Any:
        if not isinstance(value, list):
            raise base.ValidationError(f"expected a list of folders, e.g. templates: [overrides], got {value!r}")
        return super().run_validation(value)


class _TemplateDir(c.Dir):
    """A folder of template overrides that must exist: a typo would silently use the defaults."""

    def __init__(self) -> None:
        super().__init__(exists=True)

    def run_validation(self, value: object) -> str:
        try:
            return super().run_validation(value)
        except base.ValidationError as exc:
            raise base.ValidationError(f"{str(exc).rstrip('.')}; create it, or remove it from templates") from exc


class _Brand(c.BaseConfigOption[dict]):
    """The organisation's look; checked by craftbook.brand (colours reach a <style>)."""

    def __init__(self) -> None:
        super().__init__()
        self.default = {}

    def run_validation(self, value: object) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise base.ValidationError(f"expected a mapping of {', '.join(BRAND_KEYS)}, got {type(value).__name__}")
        return value


class CraftbookConfig(base.Config):
    playbooks = _Typed(str, "a folder name, e.g. playbooks", default="playbooks")
    """The library folder, relative to mkdocs.yml."""
    audience = _Choice(AUDIENCES, default="public")
    """`public` leaves out every `access: members` document; `members` builds them too."""
    drafts = _Typed(bool, "true or false", default=False)
    """Build documents with `status: draft` too."""
    templates = _Templates(_TemplateDir(), default=[])
    """Folders of templates that take the place of shipped ones of the same name."""
    max_file_bytes = _Typed(int, "a whole number of bytes, e.g. 1048576", default=DEFAULT_MAX_BYTES)
    """A YAML file bigger than this is refused, not read."""
    brand = _Brand()
    """Name, logo, colours and footer of the organisation (README: Branding)."""

    def validate(self) -> tuple[list[tuple[str, Exception]], list[tuple[str, str]]]:
        errors, warnings = super().validate()
        known = [name for name, _ in self._schema]
        kept = []
        for key, message in warnings:
            if message.startswith("Unrecognised configuration name"):
                hint = did_you_mean(key, known)
                errors.append((key, base.ValidationError(f"unknown key{hint}; expected one of: {', '.join(known)}")))
            else:
                kept.append((key, message))
        limit = self.get("max_file_bytes")
        if isinstance(limit, int) and limit < 1:
            errors.append(("max_file_bytes", base.ValidationError(f"expected a number of bytes ≥ 1, got {limit}")))
        return errors, kept


PLUGIN_NAME = "craftbook"


@dataclass(frozen=True)
class Overrides:
    """What `craftbook build` / `craftbook serve` set on the command line for this run."""

    playbooks: Path | None = None
    drafts: bool | None = None
    audience: str | None = None
    generated_dir: Path | None = None
    max_file_bytes: int | None = None


_ACTIVE: Overrides | None = None


@contextlib.contextmanager
def overridden(overrides: Overrides) -> Iterator[None]:
    """Command-line options take the place of the plugin's for MkDocs runs inside this block."""
    global _ACTIVE
    previous, _ACTIVE = _ACTIVE, overrides
    try:
        yield
    finally:
        _ACTIVE = previous


def plugin_config(config: Any) -> CraftbookConfig:
    """The craftbook plugin's validated options; a BuildError when mkdocs.yml does not list it."""
    plugins = config.get("plugins") or {}
    plugin = plugins.get(PLUGIN_NAME) if hasattr(plugins, "get") else None
    if plugin is None:
        moved = (
            " (and move the options of extra.craftbook under it)" if "craftbook" in (config.get("extra") or {}) else ""
        )
        raise BuildError(
            f"{config.get('config_file_path') or 'mkdocs.yml'}: plugins: the craftbook plugin is not listed; "
            f"add it after search{moved}:\n  plugins:\n    - search\n    - craftbook"
        )
    return plugin.config


def options_from_mkdocs(config: Any) -> GenerateOptions:
    """Generator options for a build MkDocs is running (plain `mkdocs build/serve` too)."""
    settings = plugin_config(config)
    extra = config.get("extra") or {}
    if "craftbook" in extra:
        raise BuildError(
            "mkdocs.yml: extra.craftbook: these options moved to the plugin; write them under "
            "plugins: - craftbook: (playbooks, brand, max_file_bytes, …) and remove extra.craftbook"
        )
    project = Path(config["config_file_path"]).resolve().parent
    docs_dir = Path(config["docs_dir"])
    if problem := site_name_problem(str(config.get("site_name") or "")):
        raise BuildError(f"mkdocs.yml: site_name: {problem}")
    check_brand(settings.brand or None, docs_dir)
    active = _ACTIVE or Overrides()
    playbooks = active.playbooks or project / settings.playbooks
    configured = (project / settings.playbooks).resolve()
    if not active.playbooks and configured != project and project not in configured.parents:
        # A symbolic link committed as the library would let a pull request publish any
        # folder of the build machine; files are refused the same way (craftbook.discover).
        raise BuildError(
            f"mkdocs.yml: plugins.craftbook.playbooks: {settings.playbooks!r} leads outside the project "
            f"(to {configured}); keep the library inside the folder of mkdocs.yml"
        )
    check_folders(
        project,
        Path(playbooks),
        docs_dir,
        Path(config["site_dir"]),
        where="--playbooks" if active.playbooks else f"plugins.craftbook.playbooks: {settings.playbooks!r}",
    )
    return GenerateOptions(
        playbooks=playbooks,
        out=active.generated_dir or project / GENERATED_DIR,
        drafts=settings.drafts if active.drafts is None else active.drafts,
        audience=active.audience or settings.audience,
        site_url=config.get("site_url") or "",
        site_name=str(config.get("site_name") or "Craftbook"),
        docs_dir=docs_dir,
        templates=tuple(Path(t) for t in settings.templates),
        max_file_bytes=active.max_file_bytes or settings.max_file_bytes,
        project=project,
    )


def check_folders(project: Path, library: Path, docs_dir: Path, site_dir: Path, *, where: str) -> None:
    """Raise BuildError unless the library is a folder apart from the project, docs and site.

    A library inside docs/ would be published as raw YAML (members-only documents too);
    a site folder that is, holds or lies in the library would be written over it by
    `mkdocs build`, which empties its site folder first.
    """
    project, library = project.resolve(), library.resolve()
    docs_dir, site_dir = docs_dir.resolve(), site_dir.resolve()
    if not library.is_dir():
        siblings = [p.name for p in library.parent.iterdir() if p.is_dir()] if library.parent.is_dir() else []
        hint = did_you_mean(library.name, siblings)
        problem = "is a file, not a folder" if library.exists() else "is not an existing folder"
        raise BuildError(
            f"mkdocs.yml: {where}: {library} {problem}{hint}; create the library folder or correct the path"
        )
    if library == project or library in project.parents:
        raise BuildError(
            f"mkdocs.yml: {where}: the library cannot be the project folder; use a folder such as playbooks"
        )
    if library == docs_dir or docs_dir in library.parents or library in docs_dir.parents:
        raise BuildError(
            f"mkdocs.yml: {where}: the library and docs_dir overlap ({library}, {docs_dir}); MkDocs would publish "
            "the YAML files as they are, members-only documents too: keep the library outside docs/"
        )
    if site_dir == library or library in site_dir.parents or site_dir in library.parents:
        raise BuildError(
            f"mkdocs.yml: site_dir {site_dir} and the library {library} overlap; a build empties its site folder "
            "first and would delete the library: choose a site_dir outside it, e.g. site"
        )
