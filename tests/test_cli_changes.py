"""``python -m explorer changes``, run as analysts run it (issue 16)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from cli_runner import run

from explorer import config
from explorer.changes import CHANGE_COLUMNS

LEAVERS = {"POL", "FIN", "LTU", "LVA", "EST"}
PERIOD = ("--from", "2025-01-01", "--to", "2026-03-01")


def test_json_lists_the_five_withdrawals_with_their_days_and_sources():
    proc = run("changes", *PERIOD, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert all(list(r) == list(CHANGE_COLUMNS) for r in rows)
    left = {r["country"]: r for r in rows if r["kind"] == "treaty" and r["to_state"] == "withdrawn"}
    assert set(left) == LEAVERS
    assert left["POL"]["date"] == "2026-02-20" and left["LTU"]["date"] == "2025-12-27"
    assert left["FIN"]["what"] == "withdrawal-pending → withdrawn"
    assert all(r["sources"] and isinstance(r["sources"], list) for r in rows)
    done = {r["id"]: r for r in rows if r["kind"] == "work" and r["what"] == "completed"}
    assert done["lv-ru-fence"]["km"] == 280.0 and done["lv-ru-fence"]["date"] == "2025-12"
    assert done["lv-ru-fence"]["precision"] == "month" and done["lv-ru-fence"]["km_about"] is True
    events = [r for r in rows if r["kind"] == "event"]
    assert any(r["what"] == "withdrawal-recommended" for r in events)


def test_csv_has_the_language_neutral_columns():
    proc = run("changes", *PERIOD, "--format", "csv", "--lang", "pl")
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert list(rows[0]) == list(CHANGE_COLUMNS)
    pol = next(r for r in rows if r["id"] == "POL-APMBC-withdrawal-effective")
    assert pol["what"] == "withdrawal-pending → withdrawn"  # not translated: --lang is for people
    sources = pol["sources"].split(config.LIST_SEPARATOR)
    assert sources == ["dzu-2025-1514", "dziennik-pl-2026-02-20"]
    assert pol["km"] == "" and pol["km_about"] == "false"
    rutka = next(r for r in rows if r["id"] == "pl-east-shield-rutka")
    assert (rutka["date"], rutka["precision"], rutka["inside"]) == ("2025", "year", "start")


def test_table_is_readable_in_english():
    proc = run("changes", *PERIOD)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split()[:2] == ["Kind", "Country"]
    pol = next(line for line in lines if "POL-APMBC-withdrawal-effective" in line)
    assert "Poland" in pol and "withdrawal pending → withdrawn" in pol and "2026-02-20" in pol
    river = next(line for line in lines if "pl-by-river-electronic-barrier" in line)
    assert "about 47.0 km" in river and "Poland–Belarus" in river
    assert "2025 (A falls inside 2025)" in proc.stdout
    assert lines[-1].startswith("Changes after 2025-01-01 up to and including 2026-03-01")


def test_markdown_in_polish():
    proc = run("changes", *PERIOD, "--format", "md", "--lang", "pl")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Zmiany po 2025-01-01 do 2026-03-01 włącznie")
    lines = proc.stdout.splitlines()
    header = next(line for line in lines if line.startswith("| Rodzaj |"))
    assert header.count("|") == 11
    pol = next(line for line in lines if "POL-APMBC-withdrawal-effective" in line)
    assert "| Polska |" in pol and "wystąpienie w toku → wystąpiło" in pol
    assert "około 280,0 km" in proc.stdout and "ukończono" in proc.stdout


def test_the_other_treaty_and_an_empty_period():
    proc = run("changes", "--from", "2025-01-01", "--to", "2025-12-31", "--treaty", "CCM",
               "--format", "json")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    treaty = [r for r in json.loads(proc.stdout) if r["kind"] == "treaty"]
    assert [(r["country"], r["date"], r["to_state"]) for r in treaty] == [
        ("LTU", "2025-03-06", "withdrawn")
    ]
    proc = run("changes", "--from", "2026-02-21", "--to", "2026-02-21")
    assert proc.returncode == 0, proc.stderr
    assert "No sourced change between these dates." in proc.stdout


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--from", "2026-03-01", "--to", "2025-01-01"), "--from 2026-03-01 is after --to"),
        (("--from", "2025-02-30", "--to", "2026-01-01"), "invalid date '2025-02-30'"),
        (("--from", "yesterday", "--to", "2026-01-01"), "invalid date"),
        (("--from", "1990-01-01", "--to", "2026-01-01"), "outside the map's range"),
        (("--from", "2025-01-01",), "--to"),
        (("--from", "2025-01-01", "--to", "2026-01-01", "--format", "xml"), "invalid choice"),
        (("--from", "2025-01-01", "--to", "2026-01-01", "--lang", "de"), "invalid choice"),
    ],
)  # fmt: skip
def test_bad_or_reversed_dates_print_one_line_and_exit_2(args, needle):
    proc = run("changes", *args)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert needle in proc.stderr and "Traceback" not in proc.stderr


def test_invalid_data_exits_1(data_copy):
    (data_copy / "sources.csv").unlink()
    proc = run("changes", *PERIOD, "--data", str(data_copy))
    assert proc.returncode == 1
    assert "sources.csv: -: -: file is missing" in proc.stderr


def test_help():
    proc = run("changes", "--help")
    assert proc.returncode == 0 and "--from A" in proc.stdout and "(A, B]" in proc.stdout
