"""Reading and writing one cache file under `.craftbook/cache`, the same way for every cache.

A cache file outlives the process that wrote it, and a CI cache is restored from storage
this build did not write, so (issue 17):

- it is plain JSON, never pickle or marshal, and bounded in size when read; the caller
  checks its whole shape before using any of it, and ignores a bad file as if absent;
- it is written to a temporary file beside it and renamed over it (`os.replace`), so a
  killed build or two builds at once leave either the old file or a whole new one; a
  temporary file a killed build left is removed by a later write;
- failing to write costs time, not the build: the caller logs it (INFO) and goes on.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
import time
from pathlib import Path
from typing import Any

_TEMP_SUFFIX = ".tmp"
STALE_TEMP_SECONDS = 3600  # older temporary files are a killed build's, not a running one's


class BadCache(ValueError):
    """The file is not a cache this build can use (the message says why)."""


def read_json(path: Path, max_bytes: int) -> Any:
    """The file's JSON value. Raises FileNotFoundError, OSError, UnicodeDecodeError,
    ValueError (not JSON) or BadCache (not a regular file, or larger than `max_bytes`)."""
    # Opened without waiting and checked before reading: a FIFO or device in its place
    # would block the build for ever, or feed it without end.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise BadCache("not a regular file")
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise BadCache(f"larger than {max_bytes} bytes")
    return json.loads(data.decode("utf-8"))


def encode_json(value: Any) -> bytes:
    """Compact UTF-8 JSON: Hangul as itself takes half the bytes of an ASCII escape."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def write_atomically(path: Path, data: bytes, temp_prefix: str) -> None:
    """Replace `path` with `data` in one step (readable by all, as any file a build
    writes), through a temporary file `<temp_prefix>….tmp` beside it. Raises OSError;
    nothing is left half-written."""
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(folder, temp_prefix)
    fd, temp = tempfile.mkstemp(prefix=temp_prefix, suffix=_TEMP_SUFFIX, dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(temp, 0o644)  # not mkstemp's 0600
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _remove_stale_temps(folder: Path, temp_prefix: str) -> None:
    now = time.time()
    for temp in folder.glob(f"{temp_prefix}*{_TEMP_SUFFIX}"):
        with contextlib.suppress(OSError):
            if now - temp.stat().st_mtime > STALE_TEMP_SECONDS:
                temp.unlink()
