"""Issue 14: draw no more than the sources support, status dates, sources on every treaty row,
and ``validate`` rejecting a broken copy of any file in ``geodata/`` by name."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from cli_runner import run_in_process
from shapely.geometry import LineString, MultiLineString

from explorer import config, geometry, schema, timeline, validation

GEODATA_FILES = sorted(
    p.relative_to(config.GEODATA_DIR).as_posix()
    for p in config.GEODATA_DIR.rglob("*")
    if p.is_file() and not p.name.startswith(".")
)

SAMPLE_DATES = [
    dt.date(1997, 1, 1),
    dt.date(1999, 3, 1),
    dt.date(2005, 1, 1),
    dt.date(2013, 6, 1),
    dt.date(2020, 1, 1),
    dt.date(2025, 3, 18),
    dt.date(2025, 12, 27),
    dt.date(2026, 2, 20),
    dt.date(2026, 12, 6),
]


def test_every_line_work_is_drawn_no_longer_than_its_sourced_length(dataset):
    lines = dataset.fortifications[
        dataset.fortifications.geometry.map(lambda g: isinstance(g, LineString | MultiLineString))
    ]
    assert len(lines) > 0
    for rec in lines.to_dict("records"):
        assert rec["length_km"] and rec["length_km"] > 0, f"{rec['id']}: line without length_km"
        drawn = geometry.geodesic_length_m(rec["geometry"]) / 1000.0
        limit = rec["length_km"] * schema.MAX_DRAWN_LENGTH_FACTOR
        assert drawn <= limit, f"{rec['id']}: drawn {drawn:.1f} km > {limit:.1f} km"


def test_works_without_public_sections_are_not_drawn_along_the_whole_border(dataset):
    forts = dataset.fortifications.set_index("id")
    for fid in ("fi-ru-fence", "ee-ru-fence", "lt-ru-fence", "pl-by-river-electronic-barrier"):
        assert forts.loc[fid, "derive_method"] == "not-drawn"
        assert forts.loc[fid, "geometry"] is None
        assert forts.loc[fid, "length_km"] > 0 and forts.loc[fid, "derive_segments"]


def test_every_work_has_a_dated_status_from_one_of_its_sources(dataset):
    sources = dataset.sources
    for rec in dataset.fortifications.to_dict("records"):
        assert rec["status_source"] in rec["sources"], rec["id"]
        assert rec["status_as_of"] == sources.loc[rec["status_source"], "date"], rec["id"]


def test_audited_statuses(dataset):
    forts = dataset.fortifications.set_index("id")
    assert forts.loc["pl-by-electronic-barrier", "status"] == "complete"
    assert forts.loc["pl-by-electronic-barrier", "status_as_of"] == "2023-06-15"
    assert forts.loc["lv-by-fence", "status"] == "complete"
    events = dataset.treaty_events.set_index("id")
    assert "recommend" in events.loc["POL-APMBC-withdrawal-recommended", "label_en"]
    assert events.loc["POL-APMBC-milestone-alt", "date"] == dt.date(2016, 11, 28)


@pytest.mark.parametrize("treaty", sorted(schema.TREATIES))
@pytest.mark.parametrize("day", SAMPLE_DATES, ids=str)
def test_every_treaty_row_has_sources(dataset, treaty, day):
    rows = timeline.statuses_on(dataset.treaty_events, list(dataset.countries.index), treaty, day)
    missing = rows.loc[rows["sources"].map(len) == 0, "country"].tolist()
    assert missing == []
    assert set(rows["sources"].explode()) <= set(dataset.sources.index)


def test_treaty_cli_prints_sources_for_non_parties(capsys):
    code, out, _err = run_in_process(capsys, "treaty", "--date", "2026-12-06", "--format", "json")
    assert code == 0
    rows = {r["country"]: r for r in json.loads(out)}
    for iso3 in ("RUS", "USA"):
        assert rows[iso3]["status"] == "non-party"
        assert rows[iso3]["sources"]


def _validate(capsys, data_dir: Path) -> tuple[int, str]:
    code, _out, err = run_in_process(capsys, "validate", "--data", str(data_dir))
    return code, err


def test_bundled_data_validates_every_file(capsys):
    code, out, err = run_in_process(capsys, "validate")
    assert code == 0, err
    assert f"{len(GEODATA_FILES) - len(schema.TABLES)} other files checked" in out


@pytest.mark.parametrize("name", GEODATA_FILES)
def test_truncated_copy_of_each_file_is_rejected_by_name(capsys, data_copy, name):
    path = data_copy / name
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])
    code, err = _validate(capsys, data_copy)
    assert code == 1
    assert name in err
    assert "Traceback" not in err


def _duplicate_first_record(path: Path) -> None:
    if path.suffix == ".geojson":
        doc = json.loads(path.read_text(encoding="utf-8"))
        doc["features"].append(doc["features"][0])
        path.write_text(json.dumps(doc), encoding="utf-8")
    else:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text("".join([*lines, lines[1]]), encoding="utf-8")


@pytest.mark.parametrize(
    "name",
    [
        n
        for n in GEODATA_FILES
        if (n.endswith((".geojson", ".csv")) and "/" not in n) or n.startswith("i18n/")
    ],
)
def test_copy_with_a_duplicated_record_is_rejected_by_name(capsys, data_copy, name):
    _duplicate_first_record(data_copy / name)
    code, err = _validate(capsys, data_copy)
    assert code == 1
    assert name in err
    assert "Traceback" not in err


def test_unknown_file_is_reported(capsys, data_copy):
    (data_copy / "notes.txt").write_text("x\n", encoding="utf-8")
    code, err = _validate(capsys, data_copy)
    assert code == 1 and "notes.txt" in err


# --- Audit dates (``verified``) and the audit table -------------------------------------------

AUDIT_MD = config.GEODATA_DIR / "AUDIT.md"


def audit_rows(text: str) -> dict[tuple[str, str], list[dict[str, object]]]:
    """Return the rows of ``AUDIT.md``'s per-file tables, by (file name, record id).

    A section starts with a heading "## `<file>`"; a row's first cell is the record id in
    backticks, then the verified date (or "—"), the claim, the source ids (in backticks) and the
    passage.

    Parameters
    ----------
    text : str
        The Markdown text of the audit table.

    Returns
    -------
    dict
        ``(file, record) -> [{"verified": str, "sources": [ids], "passage": str}, ...]``.
    """
    rows: dict[tuple[str, str], list[dict[str, object]]] = {}
    section = None
    for line in text.splitlines():
        if line.startswith("## "):
            names = re.findall(r"`([^`]+)`", line)
            section = names[0] if names else None
            continue
        if section is None or not line.startswith("| `"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        record = cells[0].strip("`")
        rows.setdefault((section, record), []).append(
            {
                "verified": cells[1],
                "sources": re.findall(r"`([^`]+)`", cells[3]),
                "passage": cells[4] if len(cells) > 4 else "",
            }
        )
    return rows


def _verified_records() -> list[tuple[str, str, str, list[str]]]:
    """(file, id, verified date, sources) of every record with ``verified`` in the bundled data."""
    tables, problems = validation.validate_dir(config.GEODATA_DIR)
    assert problems == []
    out = []
    for spec in schema.VERIFIED_TABLES:
        for rec in tables[spec.name]:
            value = rec.get(schema.VERIFIED_FIELD.name)
            if value is not None:
                assert isinstance(value, dt.date), f"{spec.filename}: {rec['id']}: {value!r}"
                out.append((spec.filename, rec["id"], value.isoformat(), rec.get("sources") or []))
    return out


def test_the_audit_table_parser_finds_rows_and_sources():
    text = "## `story.csv`\n\n| record | v |\n|---|---|\n"
    text += "| `a` | 2026-01-01 | c | `s1`, `s2` | p |\n"
    assert audit_rows(text) == {
        ("story.csv", "a"): [{"verified": "2026-01-01", "sources": ["s1", "s2"], "passage": "p"}]
    }


def test_every_verified_record_is_in_the_audit_table_with_sources_that_resolve(dataset):
    rows = audit_rows(AUDIT_MD.read_text(encoding="utf-8"))
    known = set(dataset.sources.index)
    verified = _verified_records()
    assert verified, "no record is verified"
    for file, rid, day, sources in verified:
        found = rows.get((file, rid))
        assert found, f"{file}: {rid} is verified but has no row in AUDIT.md"
        for row in found:
            assert row["verified"] == day, f"{file}: {rid}: AUDIT.md says {row['verified']}"
            assert row["sources"], f"{file}: {rid}: an AUDIT.md row names no source id"
            assert set(row["sources"]) <= known, f"{file}: {rid}: unknown {row['sources']}"
            assert row["passage"], f"{file}: {rid}: no passage"
        assert set(sources) <= known, f"{file}: {rid}: its own sources do not resolve"


def test_verified_dates_are_valid_and_not_in_the_future():
    today = dt.date.today()
    for file, rid, day, _sources in _verified_records():
        parsed = dt.date.fromisoformat(day)
        assert parsed <= today, f"{file}: {rid}: verified {day} is in the future"


@pytest.mark.parametrize("name", [spec.filename for spec in schema.VERIFIED_TABLES])
def test_every_table_with_audit_dates_has_the_column(name):
    path = config.GEODATA_DIR / name
    if path.suffix == ".csv":
        header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
        assert schema.VERIFIED_FIELD.name in header
    else:
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert all(schema.VERIFIED_FIELD.name in f["properties"] for f in doc["features"])


def test_a_future_or_malformed_audit_date_is_rejected(capsys, data_copy):
    path = data_copy / "treaty_events.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].rstrip("\n").rsplit(",", 1)[0] + ",2999-01-01\n"
    lines[2] = lines[2].rstrip("\n").rsplit(",", 1)[0] + ",06/12/2026\n"
    path.write_text("".join(lines), encoding="utf-8")
    code, err = _validate(capsys, data_copy)
    assert code == 1
    assert "treaty_events.csv" in err and "is in the future" in err
    assert "unparseable date '06/12/2026'" in err
