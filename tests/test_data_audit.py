"""Issue 14: draw no more than the sources support, status dates, sources on every treaty row,
and ``validate`` rejecting a broken copy of any file in ``geodata/`` by name."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from cli_runner import run_in_process
from shapely.geometry import LineString, MultiLineString

from explorer import config, geometry, schema, timeline

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
