"""The bundled geodata: provenance manifest, measured vs official lengths, sourcing rules."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json

import geopandas as gpd
import pytest
import shapely

from explorer import config, lengths
from explorer.web import popups

MANIFEST = json.loads((config.GEODATA_DIR / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(MANIFEST["files"]))
def test_generated_file_matches_manifest(name):
    entry = MANIFEST["files"][name]
    raw = (config.GEODATA_DIR / name).read_bytes()
    assert hashlib.sha256(raw).hexdigest() == entry["sha256"], (
        "rebuild with scripts/build_geodata.py"
    )
    assert len(json.loads(raw)["features"]) == entry["features"]


def test_manifest_records_upstream_licences_and_attribution():
    upstream = MANIFEST["upstream"]
    assert upstream["osm"]["licence"].startswith("ODbL")
    assert "OpenStreetMap contributors" in upstream["osm"]["attribution"]
    assert "Natural Earth" in upstream["ne"]["attribution"]
    for pkg in upstream.values():
        assert pkg["version"] and pkg["integrity"].startswith("sha512-")


@pytest.mark.parametrize(
    ("segment", "official"), [("POL-RUS", 210), ("POL-BLR", 418), ("FIN-RUS", 1340)]
)
def test_required_segments_measure_within_12_percent(dataset, segment, official):
    seg = dataset.segments.set_index("id").loc[segment]
    assert seg["official_km"] == official
    assert seg["priority"] == "required"
    assert abs(seg["measured_km"] - official) / official <= 0.12


def test_every_expected_segment_is_present_with_both_lengths(dataset):
    expected = {
        "POL-RUS", "POL-BLR", "FIN-RUS", "EST-RUS", "LVA-RUS", "LVA-BLR", "LTU-BLR",
        "LTU-RUS", "POL-LTU", "POL-UKR", "NOR-RUS",
    }  # fmt: skip
    segs = dataset.segments.set_index("id")
    assert expected <= set(segs.index)
    for seg_id in expected:
        row = segs.loc[seg_id]
        assert row["measured_km"] > 50, seg_id
        assert row["official_km"] > 50, seg_id
        assert row["official_sources"], seg_id
        assert lengths.difference_pct(row["official_km"], row["measured_km"]) is not None


def test_measured_length_is_computed_not_stored():
    raw = (config.GEODATA_DIR / "border_lines.geojson").read_text(encoding="utf-8")
    assert "measured" not in raw and "length" not in raw


def test_border_pieces_mark_gap_fill_as_approximate(dataset):
    lines = dataset.border_lines
    assert set(lines.loc[lines["basis"] == "osm-land", "precision"]) == {"exact"}
    assert set(lines.loc[lines["basis"] == "ne-gap-fill", "precision"]) == {"approximate"}
    # Lake Peipus is not land: the Estonia–Russia line needs a Natural Earth stretch there.
    est = lines[(lines["segment_id"] == "EST-RUS") & (lines["basis"] == "ne-gap-fill")]
    assert est["measured_km"].sum() > 50


def test_only_sourced_coordinates_are_stored(dataset):
    forts = json.loads((config.GEODATA_DIR / "fortifications.geojson").read_text(encoding="utf-8"))
    stored = [f for f in forts["features"] if f["geometry"] is not None]
    assert [f["properties"]["id"] for f in stored] == ["pl-east-shield-dabrowka"]
    assert stored[0]["geometry"]["coordinates"] == pytest.approx([21.88222, 54.32528], abs=1e-4)
    assert stored[0]["properties"]["precision"] == "approximate"


def test_derived_fortifications_have_geometry_and_honest_precision(dataset):
    forts = dataset.fortifications
    drawn = forts[forts["derive_method"] != "not-drawn"]
    assert not drawn.geometry.is_empty.any()
    assert drawn.geometry.notna().all()
    # Works the sources give no sections for are not drawn at all (issue 14).
    assert forts.loc[forts["derive_method"] == "not-drawn"].geometry.isna().all()
    corridors = forts[forts["derive_method"] == "corridor"]
    assert set(corridors.geometry.geom_type) <= {"Polygon", "MultiPolygon"}
    assert set(corridors["precision"]) == {"corridor"}
    along = forts[forts["derive_method"] == "segment"]
    assert set(along["precision"]) <= {"approximate"}


def test_required_programmes_are_covered(dataset):
    forts = dataset.fortifications
    assert {"east-shield", "pl-by-barrier", "baltic-defence-line", "border-fence"} <= set(
        forts["programme"]
    )
    assert {"POL", "FIN", "LTU", "LVA", "EST"} <= set(forts["country"])
    assert "mine-capability" in set(forts["element"])
    assert "bunkers" in set(forts.loc[forts["country"] == "EST", "element"])


def test_every_source_id_resolves_and_every_source_has_a_url(dataset):
    assert dataset.sources["url"].str.match(r"^https?://").all()
    cited = set()
    for col in (
        dataset.fortifications["sources"],
        dataset.treaty_events["sources"],
        dataset.border_lengths["sources"],
    ):
        for ids in col:
            cited.update(ids)
    assert cited <= set(dataset.sources.index)


def test_treaty_events_cover_required_countries(dataset):
    countries = set(dataset.treaty_events["country"])
    assert {"POL", "LTU", "LVA", "EST", "FIN", "UKR", "BLR", "NOR", "SWE", "DEU"} <= countries
    assert {"RUS", "USA"} <= set(dataset.countries.index)
    ukr = dataset.treaty_events[dataset.treaty_events["country"] == "UKR"]
    assert "suspension-notified" in set(ukr["event"])
    assert "withdrawal-effective" not in set(ukr["event"])
    ccm = dataset.treaty_events[dataset.treaty_events["treaty"] == "CCM"]
    assert "withdrawal-effective" in set(ccm.loc[ccm["country"] == "LTU", "event"])


# --- Country shapes share their borders (no overlaps, Crimea once) ------------------------------

#: Most overlap allowed between two country shapes, in km² (rounding noise only).
MAX_OVERLAP_KM2 = 0.01
#: A point in Crimea (near Simferopol): Ukraine's (UN General Assembly resolution 68/262).
CRIMEA = shapely.Point(34.1, 45.0)


def _overlaps(names, geoms, crs) -> dict[tuple[str, str], float]:
    """Overlap in km² of every pair of shapes, measured in an equal-area projection."""
    projected = gpd.GeoSeries(list(geoms), crs=crs).to_crs(config.METRIC_CRS)
    return {
        (a, b): ga.intersection(gb).area / 1e6
        for (a, ga), (b, gb) in itertools.combinations(zip(names, projected, strict=True), 2)
        if ga is not None and gb is not None and ga.intersects(gb)
    }


def _assert_no_overlap(overlaps: dict[tuple[str, str], float]) -> None:
    worst = {pair: round(km2, 3) for pair, km2 in overlaps.items() if km2 >= MAX_OVERLAP_KM2}
    assert not worst, worst


def test_country_shapes_file_has_no_overlaps_and_crimea_once(dataset):
    shapes = dataset.country_shapes
    _assert_no_overlap(_overlaps(shapes["iso3"], shapes.geometry, shapes.crs))
    holders = set(shapes.loc[shapes.geometry.contains(CRIMEA), "iso3"])
    assert holders == {"UKR"}


def test_treaty_shading_as_shipped_to_the_browser_shares_borders(dataset):
    fc = popups.layer_collections(dataset, date=dt.date(2026, 2, 20), visible=["treaty"])["treaty"]
    gdf = gpd.GeoDataFrame.from_features(fc["features"], crs=config.DISPLAY_CRS)
    assert len(gdf) >= 10
    _assert_no_overlap(_overlaps(gdf["iso3"], gdf.geometry, gdf.crs))
    assert set(gdf.loc[gdf.geometry.contains(CRIMEA), "iso3"]) == {"UKR"}
    # shared borders stay shared: Poland and Belarus touch along hundreds of km
    pol, blr = (gdf.set_index("iso3").geometry[i] for i in ("POL", "BLR"))
    shared = gpd.GeoSeries([pol.boundary.intersection(blr.boundary)], crs=gdf.crs)
    assert shared.to_crs(config.METRIC_CRS).length.iloc[0] > 300_000


def test_treaty_shading_as_printed_shares_borders(dataset):
    from explorer import printmap, scene
    from explorer.printmap import layout

    bbox = (20.0, 44.0, 40.0, 62.0)
    crs = printmap.map_crs(bbox)  # equal-area: areas in m²
    frame = layout._frame(dataset, scene.layer_frame(dataset, "treaty", dt.date(2026, 2, 20)), crs)
    overlaps = {
        (a, b): ga.intersection(gb).area / 1e6
        for (a, ga), (b, gb) in itertools.combinations(
            zip(frame["record"], frame.geometry, strict=True), 2
        )
    }
    _assert_no_overlap(overlaps)


def test_basemap_countries_share_borders():
    basemap = gpd.read_file(config.GEODATA_DIR / "basemap_countries.geojson")
    _assert_no_overlap(_overlaps(basemap["name"], basemap.geometry, basemap.crs))
    ukraine = basemap.loc[basemap["name"] == "Ukraine"].geometry.iloc[0]
    assert ukraine.contains(CRIMEA)
