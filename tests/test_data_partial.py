"""A broken file turns off only the layers that need it (``load_dataset(..., partial=True)``)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from cli_runner import run

from explorer import config, data, schema, style
from explorer.web import popups

PROGRAMME_LAYERS = sorted(schema.PROGRAMMES)


def _digest(folder: Path) -> dict[str, str]:
    """Content hash of every file under ``folder`` (to show nothing was written)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _set_csv(path: Path, row_id: str, field: str, value: str) -> None:
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        names, rows = reader.fieldnames, list(reader)
    hit = next(r for r in rows if r["id"] == row_id)
    hit[field] = value
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=names)
        writer.writeheader()
        writer.writerows(rows)


def _set_property(path: Path, feature_id: str, key: str, value: object) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    next(f for f in doc["features"] if f["properties"]["id"] == feature_id)["properties"][key] = (
        value
    )
    path.write_text(json.dumps(doc), encoding="utf-8")


def _truncate(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 2], encoding="utf-8")


def test_every_layer_has_its_dependencies_listed():
    assert set(schema.LAYER_TABLES) == set(style.LAYER_IDS)
    needed = {t for tables in schema.LAYER_TABLES.values() for t in tables}
    assert needed | set(schema.CORE_TABLES) <= set(schema.TABLES_BY_NAME)
    assert not needed & set(schema.CORE_TABLES)


def test_bundled_data_loads_whole(dataset):
    ds = data.load_dataset(config.GEODATA_DIR, partial=True)
    assert ds.problems == () and ds.unavailable_layers == {} and ds.broken_tables == frozenset()
    assert len(ds.fortifications) == len(dataset.fortifications)


def test_typo_in_fortifications_turns_off_only_the_programme_layers(data_copy):
    _set_property(data_copy / "fortifications.geojson", "pl-east-shield", "status", "finsihed")
    before = _digest(data_copy)
    ds = data.load_dataset(data_copy, partial=True)
    assert _digest(data_copy) == before, "loading never writes into the data folder"
    assert sorted(ds.unavailable_layers) == PROGRAMME_LAYERS
    assert all(v == ("fortifications.geojson",) for v in ds.unavailable_layers.values())
    problem = ds.problems_in("fortifications.geojson")[0]
    assert (problem.record, problem.field) == ("pl-east-shield", "status")
    assert "finsihed" in problem.message
    # Nothing from the broken file is shown; everything else is whole.
    assert ds.fortifications.empty and "programme" in ds.fortifications.columns
    assert len(ds.treaty_events) > 50 and len(ds.country_shapes) > 5
    got = popups.layer_collections(
        ds, date=dt.date(2026, 2, 20), visible=["borders", "treaty"], lang="en"
    )
    assert got["borders"]["features"] and got["treaty"]["features"]


def test_unknown_event_in_treaty_events_turns_off_only_the_treaty_layer(data_copy):
    _set_csv(data_copy / "treaty_events.csv", "POL-APMBC-signature", "event", "signed")
    ds = data.load_dataset(data_copy, partial=True)
    assert ds.unavailable_layers == {"treaty": ("treaty_events.csv",)}
    assert ds.broken_tables == {"treaty_events"}
    assert [(p.record, p.field) for p in ds.problems] == [("POL-APMBC-signature", "event")]
    assert ds.treaty_events.empty
    got = popups.layer_collections(
        ds, date=dt.date(2025, 6, 1), visible=PROGRAMME_LAYERS, lang="en"
    )
    # pl-by-barrier's works are not drawn (sections not public): pl-ru-barrier is drawn.
    assert all(got[p]["features"] for p in ("east-shield", "pl-ru-barrier", "border-fence"))


def test_truncated_country_shapes_turns_off_treaty_and_corridor_programmes(data_copy):
    _truncate(data_copy / "country_shapes.geojson")
    ds = data.load_dataset(data_copy, partial=True)
    assert "invalid JSON" in ds.problems_in("country_shapes.geojson")[0].message
    # A corridor lies on one country's side: programmes drawn as corridors need the shapes.
    corridor = {"east-shield", "baltic-defence-line"}
    assert set(ds.unavailable_layers) == {"treaty", *corridor}
    assert ds.unavailable_layers["treaty"] == ("country_shapes.geojson",)
    # Programmes drawn along the border line itself still work.
    got = popups.layer_collections(
        ds, date=dt.date(2025, 6, 1), visible=["pl-ru-barrier", "border-fence", "borders"]
    )
    assert all(got[layer]["features"] for layer in got)
    # Corridor features keep their facts (for the panels) but have no geometry.
    forts = ds.fortifications.set_index("id")
    assert forts.loc["pl-east-shield", "geometry"] is None
    assert forts.loc["pl-ru-concertina", "geometry"] is not None


def test_bad_border_length_turns_off_the_borders_layer(data_copy):
    _set_csv(data_copy / "border_lengths.csv", "POL-RUS-total-210", "km", "two hundred")
    ds = data.load_dataset(data_copy, partial=True)
    assert ds.unavailable_layers == {"borders": ("border_lengths.csv",)}
    assert ds.segments["official_km"].isna().all()  # no figure from a broken file
    assert ds.segments["measured_km"].gt(0).all()


def test_several_broken_files_are_all_reported(data_copy):
    _set_property(data_copy / "fortifications.geojson", "fi-ru-fence", "programme", "moat")
    _set_csv(data_copy / "treaty_events.csv", "POL-APMBC-signature", "date", "1997-13-04")
    ds = data.load_dataset(data_copy, partial=True)
    assert {p.file for p in ds.problems} == {"fortifications.geojson", "treaty_events.csv"}
    assert set(ds.unavailable_layers) == {*PROGRAMME_LAYERS, "treaty"}
    assert "borders" not in ds.unavailable_layers


@pytest.mark.parametrize(
    "filename", ["sources.csv", "countries.csv", "segments.csv", "border_lines.geojson"]
)
def test_a_broken_core_file_still_stops_with_every_problem(data_copy, filename):
    path = data_copy / filename
    if path.suffix == ".csv":  # a renamed column
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("id,", "ident,", 1).replace("iso3,", "iso,", 1))
    else:
        _truncate(path)
    with pytest.raises(data.DataError) as err:
        data.load_dataset(data_copy, partial=True)
    assert any(p.file == filename for p in err.value.problems)
    assert filename in str(err.value)


def test_without_partial_any_problem_raises(data_copy):
    _set_csv(data_copy / "treaty_events.csv", "POL-APMBC-signature", "event", "signed")
    with pytest.raises(data.DataError, match=r"treaty_events\.csv: POL-APMBC-signature: event"):
        data.load_dataset(data_copy)


def test_validate_names_each_problem_of_a_partial_load(data_copy):
    _set_property(data_copy / "fortifications.geojson", "pl-east-shield", "status", "finsihed")
    _set_csv(data_copy / "treaty_events.csv", "POL-APMBC-signature", "event", "signed")
    result = run("validate", "--data", str(data_copy))
    assert result.returncode == 1
    assert "fortifications.geojson: pl-east-shield: status:" in result.stdout + result.stderr
    assert "treaty_events.csv: POL-APMBC-signature: event:" in result.stdout + result.stderr


def test_the_app_can_be_pointed_at_another_folder(monkeypatch, tmp_path):
    monkeypatch.setenv(config.GEODATA_DIR_ENV, str(tmp_path))
    assert config.geodata_dir() == tmp_path
    monkeypatch.setenv(config.GEODATA_DIR_ENV, "  ")
    assert config.geodata_dir() == config.GEODATA_DIR
