"""Heavy files are made by the command line in a child process (explorer/ui/offload.py)."""

from __future__ import annotations

import os

import pytest

from explorer.ui import offload


def test_a_png_is_made_in_a_child_process():
    before = os.getpid()
    data = offload.run_cli(
        "export",
        ["--format", "png", "--layers", "borders", "--date", "2026-01-01", "--bbox", "14,49,24,55"],
        suffix=".png",
    )
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    assert os.getpid() == before


def test_a_failure_gives_the_commands_one_line_message():
    with pytest.raises(offload.OffloadError, match="date"):
        offload.run_cli("export", ["--format", "png", "--date", "not-a-date"], suffix=".png")
