"""Heavy files (static maps, the handout) made by the command line in a child process.

One Streamlit process runs every session's script under one GIL: a PNG or the handout (seconds of
matplotlib) made inside it would stall every student's clicks meanwhile. Here the app asks
``python -m explorer export|handout`` to write the file in a child process and reads it back,
one job at a time per server (more would only compete for the same cores).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from explorer import config

__all__ = ["OffloadError", "run_cli"]

#: One heavy job at a time per server process.
_SLOTS: Final[threading.BoundedSemaphore] = threading.BoundedSemaphore(1)
#: Longest a job may take, in seconds.
TIMEOUT_S: Final[float] = 300.0


class OffloadError(RuntimeError):
    """The command line could not make the file (its one-line message)."""


def run_cli(command: str, args: Sequence[str], *, suffix: str) -> bytes:
    """Run ``python -m explorer COMMAND --out TMP ARGS`` in a child process; return the file.

    Parameters
    ----------
    command : {"export", "handout"}
        The CLI command.
    args : sequence of str
        Its other arguments (never a shell string: no quoting issues, no injection).
    suffix : str
        The output file's extension (``.png``, ``.pdf``, ...), which sets the format.

    Returns
    -------
    bytes
        The file's content.

    Raises
    ------
    OffloadError
        With the command's own one-line message when it fails or times out.
    """
    with _SLOTS, tempfile.TemporaryDirectory(prefix="bfe-job-") as tmp:
        out = Path(tmp) / f"file{suffix}"
        cmd = [sys.executable, "-m", "explorer", command, "--out", str(out), *args]
        try:
            done = subprocess.run(
                cmd,
                cwd=config.ROOT,
                env={**os.environ, "MPLBACKEND": "Agg"},
                capture_output=True,
                text=True,
                timeout=TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise OffloadError(f"{command} took longer than {TIMEOUT_S:g} s") from exc
        if done.returncode != 0 or not out.is_file():
            lines = (done.stderr or done.stdout or "").strip().splitlines()
            raise OffloadError(lines[-1] if lines else f"{command} failed ({done.returncode})")
        return out.read_bytes()
