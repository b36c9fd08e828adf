"""Which files a library is made of, and what it leaves out, said out loud.

A library is every `.yaml`/`.yml` file (the suffix in any case: `NEW.YAML` too) under its
folder. Nothing is left out silently: `craftbook check` ends with what it read and what
it skipped and why (editor backups, hidden files, other files), and a name that looks
meant for the library but is not read (`a.yaml.txt`, `a.ymal`) is a warning.

Symbolic links are followed, files and folders alike, while their target stays inside
the project (the folder holding mkdocs.yml) or the library itself: a library grows
through pull requests, and a link to `/etc/…` or `~/.ssh/…` must not publish a file of
the machine that builds it. A link that leads outside, a broken link, a loop and a
folder that cannot be read are located errors. A file reached twice (a link to a file
that is read anyway) is an error too: each document is read once.
"""

from __future__ import annotations

import os
import re
import stat
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Diagnostic

YAML_SUFFIXES = (".yaml", ".yml")
# What editors and people leave beside a file they edit: never a document.
_BACKUP = re.compile(r"(~|\.(swp|swo|swn|swx|bak|orig|old|tmp|backup))$|^\.?#", re.I)
# A name meant for the library that the suffix rule does not read: `.yaml` followed by
# more (`a.yaml.txt`, `a.yaml ` with a trailing space) or a typo of the suffix.
_LOOKS_YAML = re.compile(r"\.(ya?ml|yam|ymal|yalm|ylm|ymla)(?![a-z])", re.I)

# Skip reasons, in the order the summary lists them.
BACKUPS = "editor backups"
HIDDEN = "hidden"
OTHER = "not YAML"
NOT_READ = "misnamed"
SPECIAL = "not regular files"
_REASONS = (BACKUPS, HIDDEN, OTHER, NOT_READ, SPECIAL)


def display_name(name: str) -> str:
    """A file name as a message can print it: bytes that are not UTF-8 as `\\xff`, control
    and invisible characters as escapes, so a name cannot break the FILE:LINE:COL line or
    the terminal (and printing it cannot fail)."""
    text = os.fsencode(name).decode("utf-8", "backslashreplace")
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def is_yaml_name(name: str) -> bool:
    return name.lower().endswith(YAML_SUFFIXES)


@dataclass
class Discovery:
    """The files of one library and what was left out.

    `files`: (path, name relative to the root with forward slashes, as messages print
    it), sorted by name. `problems`: located errors and warnings about files and
    folders. `skipped`: reason → names (folders end in '/').
    """

    root: Path
    files: list[tuple[Path, str]] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)
    skipped: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def summary(self) -> str:
        """`31 files read; skipped: 2 — editor backups: a.yaml~, b.yaml.swp`."""
        count = len(self.files)
        line = f"{count} file{'s' if count != 1 else ''} read"
        skipped = [(reason, self.skipped[reason]) for reason in _REASONS if self.skipped.get(reason)]
        if not skipped:
            return line
        total = sum(len(names) for _, names in skipped)
        parts = []
        for reason, names in skipped:
            shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
            parts.append(f"{reason}: {shown}")
        return f"{line}; skipped: {total} — {'; '.join(parts)}"


def _inside(path: str, folders: Iterable[str]) -> bool:
    return any(path == folder or path.startswith(folder.rstrip(os.sep) + os.sep) for folder in folders)


class _Walk:
    def __init__(self, root: Path, within: list[str], boundary_label: str) -> None:
        self.found = Discovery(root)
        self.within = within
        self.boundary_label = boundary_label
        self.read_dirs: dict[str, str] = {}  # real path → name of a folder already read
        self.real_files: dict[str, list[tuple[Path, str, bool]]] = defaultdict(list)
        # Linked folders wait until every real folder is read: the folder itself, not a
        # link to it, is the one read, wherever the two stand in the tree.
        self.linked: list[tuple[os.DirEntry[str], str, tuple[str, ...]]] = []

    def problem(self, name: str, message: str, severity: str = "error") -> None:
        self.found.problems.append(Diagnostic(name, 1, 1, message, severity))

    def folder(self, path: Path, rel: str, real: str, ancestors: tuple[str, ...], via_link: bool) -> None:
        self.read_dirs[real] = rel.rstrip("/") or "."
        try:
            with os.scandir(path) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError as exc:
            self.problem(
                display_name(rel) or ".",
                f"cannot read this folder ({exc.strerror or exc}), so its files are not checked or published; "
                "give read access to it, or move it out of the library",
            )
            return
        for entry in entries:
            self.entry(entry, rel, (*ancestors, real), via_link)

    def entry(self, entry: os.DirEntry[str], rel: str, ancestors: tuple[str, ...], via_link: bool) -> None:
        name = entry.name
        relname = f"{rel}{name}"
        shown = display_name(relname)
        try:
            is_link = entry.is_symlink()
            is_dir = entry.is_dir()  # follows a link
        except OSError:
            is_link, is_dir = False, False
        if _BACKUP.search(name):
            self.found.skipped[BACKUPS].append(shown)
            return
        if name.startswith("."):
            self.found.skipped[HIDDEN].append(shown + ("/" if is_dir else ""))
            return
        if not is_dir and not is_yaml_name(name):
            self.misnamed(shown, name)
            return
        real = os.path.realpath(entry.path)
        if is_link:
            if not os.path.exists(real):
                target = os.readlink(entry.path)
                self.problem(shown, f"broken symbolic link to {display_name(target)}; fix the link or remove it")
                return
            if not _inside(real, self.within):
                self.problem(
                    shown + ("/" if is_dir else ""),
                    f"symbolic link to {display_name(real)}, outside {self.boundary_label}; a library reads only "
                    "files of its project, so that a pull request cannot publish a file of the machine that "
                    "builds the site: copy the file into the library instead of linking to it",
                )
                return
        if is_dir and is_link and not via_link:
            self.linked.append((entry, rel, ancestors))
            return
        if is_dir:
            if real in ancestors:
                self.problem(
                    shown + "/",
                    f"symbolic link loop: this folder leads back to {display_name(self.read_dirs[real])}/, which "
                    "holds it, so reading it would never end; remove the link",
                )
                return
            if real in self.read_dirs:
                self.problem(
                    shown + "/",
                    f"links to the folder {display_name(self.read_dirs[real])}/, which is read already; "
                    "remove the link (each document is read once)",
                )
                return
            self.folder(Path(entry.path), relname + "/", real, ancestors, via_link or is_link)
            return
        try:
            mode = os.stat(entry.path).st_mode
        except OSError:
            mode = stat.S_IFREG  # unreadable: load_file says why, located
        if not stat.S_ISREG(mode):
            self.found.skipped[SPECIAL].append(shown)
            self.problem(
                shown,
                "not a regular file (a pipe, socket or device), so it is not read; "
                "replace it with a plain file or remove it",
                "warning",
            )
            return
        self.real_files[real].append((Path(entry.path), shown, via_link or is_link))

    def misnamed(self, shown: str, name: str) -> None:
        if not _LOOKS_YAML.search(name):
            self.found.skipped[OTHER].append(shown)
            return
        self.found.skipped[NOT_READ].append(shown)
        if name != name.rstrip() and is_yaml_name(name.rstrip()):
            why = "its name ends in a space after the suffix"
        else:
            why = "only names that end in .yaml or .yml are read"
        self.problem(
            shown,
            f"looks like a library file but is not read: {why}; rename it to end in .yaml "
            "(or move it out of the library if it is not a document)",
            "warning",
        )

    def follow_links(self) -> None:
        while self.linked:
            entry, rel, ancestors = self.linked.pop(0)
            self.entry(entry, rel, ancestors, True)

    def finish(self) -> Discovery:
        self.follow_links()
        for sightings in self.real_files.values():
            # The file itself (not through a link) is the one read; otherwise the first name.
            kept = min(sightings, key=lambda s: (s[2], s[1]))
            self.found.files.append((kept[0], kept[1]))
            for _, shown, _ in sightings:
                if shown != kept[1]:
                    self.problem(
                        shown,
                        f"is the same file as {kept[1]} (through a symbolic link), which is read already; "
                        "remove the link (each document is read once)",
                    )
        self.found.files.sort(key=lambda f: f[1])
        return self.found


def discover(root: Path, *, within: Iterable[Path] = ()) -> Discovery:
    """The files under `root` (or `root` itself, a file named on the command line).

    Symbolic links are followed while their target stays inside `root` or one of the
    `within` folders (the project): see the module's docstring.
    """
    root = Path(root)
    if not root.is_dir():
        found = Discovery(root)
        if root.exists() and not root.is_file():
            found.problems.append(
                Diagnostic(display_name(root.name), 1, 1, "not a regular file (a pipe, socket or device); name a file")
            )
        else:
            found.files.append((root, display_name(root.name)))
        return found
    real_root = os.path.realpath(root)
    folders = [real_root, *(os.path.realpath(p) for p in within)]
    if len(folders) == 1:
        label = f"the library ({real_root})"
    elif _inside(real_root, folders[1:]):
        label = f"the project ({folders[1]})"
    else:
        label = f"the project ({folders[1]}) and the library ({real_root})"
    walk = _Walk(root, folders, label)
    walk.folder(root, "", real_root, (), False)
    return walk.finish()


def project_of(library: Path) -> Path | None:
    """The project a library belongs to: the nearest folder holding mkdocs.yml, from the
    library's own folder up; None for a bare folder."""
    start = Path(os.path.realpath(library))
    if not start.is_dir():
        start = start.parent
    for folder in (start, *start.parents):
        if (folder / "mkdocs.yml").is_file():
            return folder
    return None


__all__ = ["Discovery", "discover", "display_name", "is_yaml_name", "project_of"]
