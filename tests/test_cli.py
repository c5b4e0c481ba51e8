"""The command line, run as analysts run it: ``python -m explorer ...`` in a subprocess."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from cli_runner import run, run_in_process

import explorer
from explorer import config, schema
from explorer.commands.tables import format_table


def test_validate_ok_is_one_line():
    proc = run("validate")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("\n") == 1
    assert proc.stdout.startswith(f"OK: {len(schema.TABLES)} files")


def test_validate_lists_every_problem_with_its_file(data_copy):
    fort = data_copy / "fortifications.geojson"
    fort.write_text(
        fort.read_text(encoding="utf-8").replace(
            '"programme": "east-shield"', '"programme": "moat"', 1
        ),
        encoding="utf-8",
    )
    events = data_copy / "treaty_events.csv"
    events.write_text(
        events.read_text(encoding="utf-8").replace("2026-02-20", "2026-02-31"), encoding="utf-8"
    )
    proc = run("validate", "--data", str(data_copy))
    assert proc.returncode == 1
    assert "fortifications.geojson: pl-east-shield: programme" in proc.stderr
    assert "treaty_events.csv: POL-APMBC-withdrawal-effective: date" in proc.stderr


def test_segments_json_has_the_documented_fields():
    proc = run("segments", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    by_id = {r["id"]: r for r in rows}
    pb = by_id["POL-BLR"]
    assert pb["countries"] == ["POL", "BLR"]
    assert pb["official_km"] == 418
    assert 367 < pb["measured_km"] < 469
    assert pb["sources"] and isinstance(pb["name"], str)
    for row in rows:
        assert {"id", "countries", "name", "official_km", "measured_km", "sources"} <= set(row)


def test_segments_geojson_is_a_feature_collection_with_the_same_properties():
    proc = run("segments", "--format", "geojson")
    assert proc.returncode == 0, proc.stderr
    fc = json.loads(proc.stdout)
    assert fc["type"] == "FeatureCollection"
    props = fc["features"][0]["properties"]
    assert {"id", "countries", "name", "official_km", "measured_km", "sources"} <= set(props)
    assert fc["features"][0]["geometry"]["type"] == "MultiLineString"


def test_segments_table_shows_both_lengths_and_why():
    proc = run("segments")
    assert proc.returncode == 0
    assert "official_km" in proc.stdout and "measured_km" in proc.stdout
    assert "POL-BLR" in proc.stdout and "418.0" in proc.stdout
    assert "Official figures" in proc.stdout


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-02-19", "withdrawal-pending"),
        ("2026-02-20", "withdrawn"),
        ("1997-01-01", "non-party"),
    ],
)
def test_treaty_json_on_poland_withdrawal(day, expected):
    proc = run("treaty", "--date", day, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    rows = {r["country"]: r for r in json.loads(proc.stdout)}
    assert rows["POL"]["status"] == expected
    assert rows["POL"]["treaty"] == "APMBC"
    assert set(rows) >= {
        "POL",
        "LTU",
        "LVA",
        "EST",
        "FIN",
        "UKR",
        "BLR",
        "RUS",
        "NOR",
        "SWE",
        "DEU",
        "USA",
    }
    for row in rows.values():
        assert set(row) == {"country", "treaty", "status", "since", "sources"}


def test_treaty_ccm_table():
    proc = run("treaty", "--date", "2025-03-06", "--treaty", "CCM")
    assert proc.returncode == 0
    ltu = next(line for line in proc.stdout.splitlines() if line.startswith("LTU"))
    assert "withdrawn" in ltu and "2025-03-06" in ltu


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("treaty", "--date", "2025-02-30"), "invalid date '2025-02-30'"),
        (("treaty", "--date", "yesterday"), "invalid date"),
        (("treaty",), "--date"),
        (("treaty", "--date", "2025-01-01", "--treaty", "NPT"), "invalid choice"),
        (("segments", "--format", "xml"), "invalid choice"),
        (("validate", "--data", "/no/such/folder"), "data folder not found"),
        (("segments", "--data", "/no/such/folder"), "data folder not found"),
        (("app", "--port", "99999"), "invalid port"),
        (("fly",), "invalid choice"),
        ((), "required"),
    ],
)
def test_bad_arguments_print_one_line_and_exit_2(args, needle):
    proc = run(*args)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert needle in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("command", [[], ["validate"], ["segments"], ["treaty"], ["app"]])
def test_help_everywhere(command):
    proc = run(*command, "--help")
    assert proc.returncode == 0
    assert "usage: python -m explorer" in proc.stdout


def test_invalid_data_gives_exit_1_for_data_commands(data_copy):
    (data_copy / "sources.csv").unlink()
    proc = run("segments", "--data", str(data_copy))
    assert proc.returncode == 1
    assert "sources.csv: -: -: file is missing" in proc.stderr


def test_version_prints_the_package_version(capsys):
    code, out, _ = run_in_process(capsys, "--version")
    assert code == 0
    assert out == f"python -m explorer {explorer.__version__}\n"


def test_format_table_aligns_columns():
    text = format_table([{"a": "x", "b": 1.234}, {"a": "long", "b": None}], ["a", "b"])
    assert text.splitlines() == ["a     b", "----  ---", "x     1.2", "long  -"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_app(port: int) -> subprocess.Popen:
    """Start ``python -m explorer app`` in its own process group; wait until it is healthy."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "explorer", "app", "--port", str(port)],
        cwd=config.ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    body = b""
    while time.monotonic() < deadline and body != b"ok":
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                body = r.read()
        except OSError:
            time.sleep(0.5)
    if body != b"ok":
        _kill_group(proc)
        pytest.fail("the app did not become healthy in 60 s")
    return proc


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _kill_group(proc: subprocess.Popen) -> None:
    """Kill whatever is left of the process group the test started (its own session)."""
    if _group_alive(proc.pid):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=20)


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_app_command_serves_on_the_given_port():
    proc = _start_app(_free_port())
    try:
        assert proc.poll() is None
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
        _kill_group(proc)


def test_sigterm_to_the_app_command_stops_streamlit_too():
    """SIGTERM to the process the user started (not its group) frees the port, leaves nothing."""
    port = _free_port()
    proc = _start_app(port)
    try:
        os.kill(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and (_group_alive(proc.pid) or _port_open(port)):
            time.sleep(0.2)
        assert not _port_open(port), "the port is still listening after SIGTERM"
        assert not _group_alive(proc.pid), "a child process outlived the app command"
    finally:
        _kill_group(proc)


@pytest.mark.parametrize(("env", "port"), [({"PORT": "8642"}, "8642"), ({}, "8501")])
def test_run_sh_prints_the_port_it_serves_on(tmp_path, env, port):
    """scripts/run.sh with its setup and the venv's python stubbed: what it says and starts."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(config.ROOT / "scripts" / "run.sh", tmp_path / "scripts" / "run.sh")
    (tmp_path / "scripts" / "setup.sh").write_text("true\n")
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text('#!/bin/sh\necho "python $*"\n')
    python.chmod(0o755)
    clean = {k: v for k, v in os.environ.items() if k != "PORT"}
    proc = subprocess.run(
        ["bash", str(tmp_path / "scripts" / "run.sh")],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 0, proc.stderr
    said, started = proc.stdout.splitlines()
    assert f"http://localhost:{port} " in said
    assert started == f"python -m explorer app --port {port}"
