"""Run ``python -m explorer`` as analysts do, in a subprocess from the repository root."""

from __future__ import annotations

import subprocess
import sys

from explorer import config


def run(*args: str) -> subprocess.CompletedProcess:
    """Run the command line with ``args``; capture text output; never hang past 120 s."""
    return subprocess.run(
        [sys.executable, "-m", "explorer", *args],
        cwd=config.ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def run_in_process(capsys, *args: str) -> tuple[int, str, str]:
    """Run the CLI in this process (fast): exit status, stdout, stderr."""
    from explorer import cli

    try:
        code = cli.main(list(args))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err
