"""The output folder: what may be replaced, and replacing it without a gap.

`craftbook build` and `craftbook generate` replace a whole folder. Before they do, the
folder must be one they made (a marker file inside says so) or empty: an `--out` that
names the library, `docs/`, the project or anything holding them would otherwise be
deleted. The new folder is prepared beside the old one and exchanged with it in one
atomic step where the OS can (Linux `renameat2(RENAME_EXCHANGE)`), so a reader, or a
build killed at any instant, finds either the old folder or the new one, never none.
Staging folders are locked while a run uses them; one left by a killed run is removed
by the next run, and Ctrl+C or SIGTERM remove their own on the way out.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from .errors import OutputRefused

try:
    import fcntl
except ImportError:  # Windows: no flock; stale folders are told by their age
    fcntl = None  # type: ignore[assignment]

SITE_MARKER = ".craftbook-site"  # in every folder `craftbook build` writes
GENERATED_MARKER = ".craftbook-generated"  # in every folder `craftbook generate` writes
_STAGING = ".{name}.craftbook-staging-"


def guard(out: Path, *, marker: str, protected: Iterable[tuple[str, Path | None]]) -> None:
    """Raise OutputRefused unless `out` may be replaced by a new build.

    `protected` names the folders the build reads (`("the library", path)`, …): `out` may
    be none of them, hold none of them and lie inside none of them. A folder holding
    `mkdocs.yml` or `.git` is a project, never an output. A non-empty folder must carry
    `marker`, written by an earlier build.
    """
    out = out.resolve()
    for what, folder in protected:
        if folder is None:
            continue
        folder = folder.resolve()
        if out == folder:
            raise OutputRefused(f"--out {out}: that is {what}; building there would delete it. Choose e.g. site/")
        if out in folder.parents:
            raise OutputRefused(f"--out {out}: it contains {what} ({folder}); building there would delete it")
        if folder in out.parents and what != "the project":
            raise OutputRefused(f"--out {out}: it lies inside {what} ({folder}); choose a folder outside it")
    if not out.exists():
        return
    if not out.is_dir():
        raise OutputRefused(f"--out {out}: a file of that name exists; choose a folder")
    for name in ("mkdocs.yml", ".git"):
        if (out / name).exists():
            raise OutputRefused(f"--out {out}: it holds {name}, so it is a project, not a build; choose another folder")
    if (out / marker).is_file():
        return
    if any(out.iterdir()):
        raise OutputRefused(
            f"--out {out}: the folder is not empty and was not written by Craftbook (no {marker} inside); "
            "choose an empty or new folder, or empty this one yourself"
        )


def _hold(folder: Path) -> int | None:
    """Lock `folder` for as long as this process lives (or until released): a lock held
    on the folder itself, so it ends with the process however the process ends (SIGKILL
    too), and the next run can tell a stale folder from one another build is using."""
    if fcntl is None:
        return None
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise
    return fd


def _release(fd: int | None) -> None:
    if fd is not None:
        os.close(fd)  # closing the last descriptor drops the lock


# Without flock (not Linux or macOS), a folder younger than this counts as in use.
_UNLOCKED_STALE_SECONDS = 24 * 3600


def _stale(folder: Path) -> bool:
    """A folder this module made whose run has ended (killed, or crashed before cleaning)."""
    if folder.is_symlink() or not folder.is_dir():
        return False
    if fcntl is None:
        return time.time() - folder.stat().st_mtime > _UNLOCKED_STALE_SECONDS
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False  # another run holds it
    finally:
        os.close(fd)
    return True


def clean_stale(parent: Path, prefix: str) -> None:
    """Remove the folders named `prefix…` in `parent` that no running build holds."""
    with contextlib.suppress(OSError):
        for path in parent.iterdir():
            if path.name.startswith(prefix) and _stale(path):
                shutil.rmtree(path, ignore_errors=True)


def recover(out: Path, marker: str) -> None:
    """Put the previous site back where a run killed inside the two-rename swap (file
    systems without an atomic exchange) left none: it waits under `…-old` beside it."""
    if out.exists() or out.is_symlink():
        return
    prefix = _STAGING.format(name=out.name)
    with contextlib.suppress(OSError):
        old = [
            p
            for p in out.parent.iterdir()
            if p.name.startswith(prefix) and p.name.endswith("-old") and (p / marker).is_file() and _stale(p)
        ]
        if old:
            max(old, key=lambda p: p.stat().st_mtime).rename(out)


def clean_stale_staging(out: Path) -> None:
    """Remove staging folders of `out` left by a killed run (only ones this module made)."""
    clean_stale(out.parent, _STAGING.format(name=out.name))


@contextlib.contextmanager
def scratch(parent: Path, prefix: str) -> Iterator[Path]:
    """A private working folder `parent/prefix…`, removed on the way out (an exception,
    Ctrl+C, SIGTERM through the CLI's handler) and, if the process was killed outright,
    by the next run: stale ones are cleaned first."""
    parent.mkdir(parents=True, exist_ok=True)
    clean_stale(parent, prefix)
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    lock = _hold(folder)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        _release(lock)


@contextlib.contextmanager
def staging(out: Path, marker: str) -> Iterator[Path]:
    """A fresh folder beside `out` to build into; removed unless it was swapped in.

    Beside, not in the temp directory: the final rename must not cross file systems.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    recover(out, marker)
    with scratch(out.parent, _STAGING.format(name=out.name)) as folder:
        # after a swap `folder` holds the old site, removed with it
        (folder / marker).write_text("Written by Craftbook; the next build replaces this folder whole.\n")
        yield folder


def swap_in(staging: Path, out: Path) -> None:
    """Put `staging` where `out` is, atomically; the old content ends up in `staging`.

    Permissions: the new folder gets the old one's mode, or the umask's default for a new
    folder (mkdtemp made it 0700, which a web server running as another user cannot read).
    """
    if out.exists():
        staging.chmod(out.stat().st_mode & 0o7777)
    else:
        umask = os.umask(0)
        os.umask(umask)
        staging.chmod(0o777 & ~umask)
    if not out.exists():
        staging.rename(out)
        return
    if _exchange(staging, out):
        return
    # No atomic exchange on this file system: two renames, the old folder restored on
    # failure, and by the next run (`recover`) if this one is killed between them.
    old = staging.with_name(staging.name + "-old")
    out.rename(old)
    lock = _hold(old)
    try:
        try:
            staging.rename(out)
        except OSError:
            old.rename(out)
            raise
        old.rename(staging)
    finally:
        _release(lock)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2); False where the OS cannot."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result != 0:
        errno = ctypes.get_errno()
        if errno in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: the file system cannot
            return False
        raise OSError(errno, os.strerror(errno), str(b))
    return True
