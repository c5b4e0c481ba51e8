"""Validation of deliberately broken copies of geodata/: every kind of problem, all at once."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from explorer import config, data, schema, validation


def _problems(path: Path) -> list[validation.Problem]:
    return validation.validate_dir(path)[1]


def _edit_csv(path: Path, row_id: str, field: str, value: str, id_field: str = "id") -> None:
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        fields = reader.fieldnames
        rows = list(reader)
    hits = [r for r in rows if r[id_field] == row_id]
    assert hits, f"{row_id} not in {path.name}"
    hits[0][field] = value
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def _edit_feature(path: Path, feature_id: str, key: str, value, id_field: str = "id") -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    hits = [f for f in doc["features"] if f["properties"][id_field] == feature_id]
    assert hits
    if key == "geometry":
        hits[0]["geometry"] = value
    else:
        hits[0]["properties"][key] = value
    path.write_text(json.dumps(doc), encoding="utf-8")


class _Found:
    """All problems for one (file, record, field); ``message`` joins them for ``in`` checks."""

    def __init__(self, found):
        self.found = found
        self.message = " | ".join(p.message for p in found)


def _only(problems, file, record, field):
    found = [p for p in problems if (p.file, p.record, p.field) == (file, record, field)]
    assert found, f"no problem for {file}/{record}/{field} in {problems}"
    return _Found(found)


def test_bundled_data_is_valid():
    tables, problems = validation.validate_dir(config.GEODATA_DIR)
    assert problems == []
    assert {name: len(rows) > 0 for name, rows in tables.items()} == {
        t.name: True for t in schema.TABLES
    }


FORT = "fortifications.geojson"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("programme", "moat", "is not one of"),
        ("status", None, "required value missing"),
        ("length_km", "long", "expected a number"),
        ("length_km", -5, "must not be negative"),
        ("announced", "2024-13-01", "unparseable date"),
        ("announced", "May 2024", "unparseable date"),
        ("sources", ["no-such-source"], "unknown sources id 'no-such-source'"),
        ("sources", [], "required value missing"),
        ("country", "XXX", "unknown countries id 'XXX'"),
        ("derive_segments", ["POL-XXX"], "unknown segments id"),
        ("confidence", "certain", "is not one of"),
        ("name_en", 42, "expected text"),
    ],
)
def test_fortification_field_rejections(data_copy, key, value, message):
    _edit_feature(data_copy / FORT, "pl-east-shield", key, value)
    field = {"sources": "sources"}.get(key, key)
    problem = _only(_problems(data_copy), FORT, "pl-east-shield", field)
    assert message in problem.message


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},
            "invalid geometry",
        ),
        ({"type": "Point", "coordinates": []}, "empty geometry"),
        ({"type": "Point", "coordinates": [2_500_000, 3_500_000]}, "outside EPSG:4326"),
        ({"type": "Blob", "coordinates": [1, 2]}, "unreadable geometry"),
        ("POINT (1 2)", "expected a GeoJSON geometry object"),
    ],
)
def test_geometry_rejections(data_copy, geometry, message):
    _edit_feature(data_copy / FORT, "pl-east-shield-dabrowka", "geometry", geometry)
    _edit_feature(data_copy / FORT, "pl-east-shield-dabrowka", "derive_method", "none")
    problem = _only(_problems(data_copy), FORT, "pl-east-shield-dabrowka", "geometry")
    assert message in problem.message


def test_projected_crs_is_rejected(data_copy):
    doc = json.loads((data_copy / FORT).read_text(encoding="utf-8"))
    doc["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3035"}}
    (data_copy / FORT).write_text(json.dumps(doc), encoding="utf-8")
    problem = _only(_problems(data_copy), FORT, "-", "crs")
    assert "EPSG:4326" in problem.message


def test_geometry_type_not_allowed(data_copy):
    doc = json.loads((data_copy / "border_lines.geojson").read_text())
    first = doc["features"][0]
    first["geometry"] = {"type": "Point", "coordinates": [20.0, 54.0]}
    (data_copy / "border_lines.geojson").write_text(json.dumps(doc))
    problem = _only(
        _problems(data_copy), "border_lines.geojson", first["properties"]["id"], "geometry"
    )
    assert "Point not allowed" in problem.message


def test_date_order_and_status_consistency(data_copy):
    _edit_feature(data_copy / FORT, "pl-east-shield", "start", "2023-01-01")  # before announced
    _edit_feature(data_copy / FORT, "pl-by-steel-barrier", "completed", None)  # 'complete' w/o date
    problems = _problems(data_copy)
    assert "before announced" in _only(problems, FORT, "pl-east-shield", "start").message
    assert (
        "needs a completed date" in _only(problems, FORT, "pl-by-steel-barrier", "status").message
    )


def test_corridor_needs_width_and_segments(data_copy):
    _edit_feature(data_copy / FORT, "pl-east-shield", "derive_width_km", None)
    _edit_feature(data_copy / FORT, "pl-east-shield", "derive_segments", None)
    problems = _problems(data_copy)
    _only(problems, FORT, "pl-east-shield", "derive_width_km")
    _only(problems, FORT, "pl-east-shield", "derive_segments")


def test_duplicate_ids(data_copy):
    _edit_csv(data_copy / "sources.csv", "ne-world-atlas-2.0.2", "id", "osm-geo-maps-0.6.0")
    problem = _only(_problems(data_copy), "sources.csv", "osm-geo-maps-0.6.0", "id")
    assert "used 2 times" in problem.message


def test_treaty_event_rejections(data_copy):
    path = data_copy / "treaty_events.csv"
    _edit_csv(path, "POL-APMBC-withdrawal-effective", "date", "2026-02-30")
    _edit_csv(path, "FIN-APMBC-entry-into-force", "event", "joined")
    _edit_csv(path, "LTU-APMBC-signature", "preferred", "maybe")
    _edit_csv(path, "EST-APMBC-withdrawal-deposited", "sources", "err-1609713534;nope")
    problems = _problems(data_copy)
    assert (
        "unparseable date"
        in _only(problems, "treaty_events.csv", "POL-APMBC-withdrawal-effective", "date").message
    )
    assert (
        "is not one of"
        in _only(problems, "treaty_events.csv", "FIN-APMBC-entry-into-force", "event").message
    )
    assert (
        "true or false"
        in _only(problems, "treaty_events.csv", "LTU-APMBC-signature", "preferred").message
    )
    assert (
        "'nope'"
        in _only(problems, "treaty_events.csv", "EST-APMBC-withdrawal-deposited", "sources").message
    )


def test_status_steps_out_of_order(data_copy):
    _edit_csv(
        data_copy / "treaty_events.csv", "POL-APMBC-withdrawal-effective", "date", "2025-01-01"
    )
    problem = _only(
        _problems(data_copy), "treaty_events.csv", "POL-APMBC-withdrawal-effective", "date"
    )
    assert "before withdrawal-deposited" in problem.message


def test_two_preferred_versions_of_one_step(data_copy):
    _edit_csv(data_copy / "treaty_events.csv", "SWE-APMBC-ratification-alt", "preferred", "true")
    problems = [p for p in _problems(data_copy) if p.field == "preferred"]
    assert any("SWE APMBC ratification: 2 preferred rows" in p.message for p in problems)


def test_two_preferred_official_lengths(data_copy):
    _edit_csv(data_copy / "border_lengths.csv", "POL-RUS-total-232", "preferred", "true")
    problem = _only(_problems(data_copy), "border_lengths.csv", "POL-RUS", "preferred")
    assert "2 preferred lengths" in problem.message


def test_missing_column(data_copy):
    path = data_copy / "sources.csv"
    text = path.read_text(encoding="utf-8").replace("publisher,", "", 1)
    path.write_text(text, encoding="utf-8")
    assert any(
        p.field == "publisher" and "column is missing" in p.message for p in _problems(data_copy)
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "invalid JSON"),
        (b'{"type": "Feature"}', "not a GeoJSON FeatureCollection"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
    ],
)
def test_unreadable_geojson(data_copy, content, message):
    (data_copy / FORT).write_bytes(content)
    problems = [p for p in _problems(data_copy) if p.file == FORT]
    assert any(message in p.message for p in problems)


def test_missing_and_empty_files(data_copy):
    (data_copy / "countries.csv").unlink()
    (data_copy / "segments.csv").write_text("", encoding="utf-8")
    problems = _problems(data_copy)
    assert any(p.file == "countries.csv" and p.message == "file is missing" for p in problems)
    assert any(p.file == "segments.csv" and "empty file" in p.message for p in problems)


def test_every_problem_is_reported_at_once(data_copy):
    _edit_feature(data_copy / FORT, "pl-east-shield", "status", "finished")
    _edit_csv(data_copy / "treaty_events.csv", "POL-APMBC-signature", "country", "ZZZ")
    _edit_csv(data_copy / "border_lengths.csv", "POL-RUS-total-210", "km", "two hundred")
    problems = _problems(data_copy)
    files = {p.file for p in problems}
    assert {FORT, "treaty_events.csv", "border_lengths.csv"} <= files
    with pytest.raises(validation.DataError) as info:
        data.load_dataset(data_copy)
    text = str(info.value)
    for needle in (
        "pl-east-shield: status",
        "POL-APMBC-signature: country",
        "POL-RUS-total-210: km",
    ):
        assert needle in text


def test_load_refuses_invalid_data_and_leaves_files_untouched(data_copy):
    _edit_feature(data_copy / FORT, "pl-east-shield", "precision", "rough")

    def snapshot():
        return {str(p): p.read_bytes() for p in sorted(data_copy.rglob("*")) if p.is_file()}

    before = snapshot()
    with pytest.raises(validation.DataError):
        data.load_dataset(data_copy)
    assert snapshot() == before
