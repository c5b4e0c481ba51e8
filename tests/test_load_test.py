"""The load test's smoke mode against a real server: no errors, every session answered."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_smoke_load_test_has_no_errors_and_every_session_gets_answers(tmp_path):
    out = tmp_path / "load.json"
    result = subprocess.run(
        [
            sys.executable,
            "benchmarks/load_test.py",
            "--sessions",
            "3",
            "--duration",
            "10",
            "--ramp",
            "1",
            "--out",
            str(out),
            "--log",
            str(tmp_path / "server.log"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["errors"] == 0 and report["error_messages"] == []
    # Each session opened the page and then got at least one interaction answered.
    assert len(report["responses_per_session"]) == 3
    assert all(n >= 2 for n in report["responses_per_session"]), report["responses_per_session"]
    assert report["response_time"]["open page"]["count"] == 3
    assert report["interactions"] >= 3 and report["throughput_per_s"] > 0
    # The teacher opened the link before the class (the data loaded then): timed apart.
    assert report["settings"]["teacher_first_open_s"] > 0
    assert report["server_rss_mb"]["end"] > 0 and report["server_rss_mb"]["start"] > 100
    assert report["response_time_by_10s"] and report["response_time_by_10s"][0]["from_s"] == 0
    assert "all interactions" in result.stdout  # the table was printed
