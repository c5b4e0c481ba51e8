"""Heavy files (static maps, the handout, animations) made by the command line in a child process.

One Streamlit process runs every session's script under one GIL: a PNG or the handout (seconds of
matplotlib) made inside it would stall every student's clicks meanwhile. Here the app asks
``python -m explorer export|handout|animate`` to write the file in a child process and reads it
back, one job at a time per server (more would only compete for the same cores). A job that
reports progress (``animate --progress``: one line per frame) can hand its lines to the page.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
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


def run_cli(
    command: str,
    args: Sequence[str],
    *,
    suffix: str,
    progress: Callable[[str], None] | None = None,
) -> bytes:
    """Run ``python -m explorer COMMAND --out TMP ARGS`` in a child process; return the file.

    Parameters
    ----------
    command : {"export", "handout", "animate"}
        The CLI command.
    args : sequence of str
        Its other arguments (never a shell string: no quoting issues, no injection).
    suffix : str
        The output file's extension (``.png``, ``.pdf``, ``.gif``, ...), which sets the format.
    progress : callable, optional
        Called with each line the command prints while it runs (in this thread).

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
        env = {**os.environ, "MPLBACKEND": "Agg"}
        if progress is None:
            try:
                done = subprocess.run(
                    cmd,
                    cwd=config.ROOT,
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=TIMEOUT_S,
                    check=False,
                )
            except subprocess.TimeoutExpired as exc:
                raise OffloadError(f"{command} took longer than {TIMEOUT_S:g} s") from exc
            code, stdout, stderr = done.returncode, done.stdout, done.stderr
        else:
            code, stdout, stderr = _run_reporting(cmd, env, progress, command)
        if code != 0 or not out.is_file():
            lines = (stderr or stdout or "").strip().splitlines()
            raise OffloadError(lines[-1] if lines else f"{command} failed ({code})")
        return out.read_bytes()


def _run_reporting(
    cmd: list[str], env: dict[str, str], progress: Callable[[str], None], command: str
) -> tuple[int, str, str]:
    """Run ``cmd``, handing each line it prints to ``progress``; return status, stdout, stderr."""
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as err:
        # stderr to a file: a pipe read only at the end could fill and stall the child.
        proc = subprocess.Popen(
            cmd, cwd=config.ROOT, env=env, stdout=subprocess.PIPE, stderr=err, text=True
        )
        expired = threading.Event()

        def stop() -> None:
            expired.set()
            proc.kill()

        timer = threading.Timer(TIMEOUT_S, stop)
        timer.start()
        lines = []
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                lines.append(line)
                progress(line.strip())
            code = proc.wait()
        finally:
            timer.cancel()
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            if proc.stdout is not None:
                proc.stdout.close()
        if expired.is_set():
            raise OffloadError(f"{command} took longer than {TIMEOUT_S:g} s")
        err.seek(0)
        return code, "".join(lines), err.read()
