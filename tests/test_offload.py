"""Heavy files are made by the command line in a child process (explorer/ui/offload.py)."""

from __future__ import annotations

import os
from unittest import mock

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


def test_a_job_reports_its_progress_line_by_line():
    lines = []
    data = offload.run_cli(
        "animate",
        ["--from", "2025-01-01", "--to", "2026-01-01", "--step", "year", "--layers", "treaty",
         "--size", "128x72", "--fps", "1", "--progress"],
        suffix=".mp4",
        progress=lines.append,
    )  # fmt: skip
    assert data[4:8] == b"ftyp"
    assert lines[:3] == ["1/5", "2/5", "3/5"] and lines[-1].startswith("Wrote ")


def test_a_box_west_of_greenwich_reaches_the_command():
    """The app's default view starts west of 0°: ``--bbox=-14.5,...`` (not a separate word)."""
    import datetime as dt

    from explorer.ui import export_panel

    bbox = (-14.5, 45.0, 64.5, 71.0)
    maker = export_panel._maker(None, "png", ("borders",), dt.date(2026, 1, 1), bbox, "en")
    with (
        mock.patch.object(offload, "run_cli", wraps=offload.run_cli) as run,
        mock.patch("explorer.export.export_bytes", side_effect=AssertionError("in process")),
    ):
        assert maker()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "--bbox=-14.5000,45.0000,64.5000,71.0000" in run.call_args.args[1]
