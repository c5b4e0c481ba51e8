"""Map features as data: state on a date, display geometry, escaped popups with sources."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
import shapely
from shapely.geometry import LineString, MultiLineString, shape

from explorer import config, display, style, summary, text
from explorer.web import popups

AS_OF = dt.date.fromisoformat(config.DATA_AS_OF)


def test_collections_follow_the_visible_layers(dataset):
    fcs = popups.layer_collections(dataset, date=AS_OF, visible=["treaty", "borders", "basemap"])
    assert list(fcs) == ["borders", "treaty"]
    for layer, fc in fcs.items():
        assert fc["type"] == "FeatureCollection" and fc["features"]
        assert {f["properties"]["layer"] for f in fc["features"]} == {layer}
        assert len({f["id"] for f in fc["features"]}) == len(fc["features"])


def test_collections_refuse_unknown_values(dataset):
    with pytest.raises(ValueError, match="roads"):
        popups.layer_collections(dataset, date=AS_OF, visible={"roads"})
    with pytest.raises(ValueError, match="language"):
        popups.layer_collections(dataset, date=AS_OF, visible={"borders"}, lang="de")
    with pytest.raises(ValueError, match="treaty"):
        popups.layer_collections(dataset, date=AS_OF, visible=["treaty"], treaty="NPT")["treaty"]
    with pytest.raises(ValueError, match="moat"):
        popups.layer_collections(dataset, date=AS_OF, visible=["moat"])["moat"]


def test_display_geometry_is_rounded(dataset):
    fcs = popups.layer_collections(dataset, date=AS_OF, visible=style.DATA_LAYERS)
    for layer, fc in fcs.items():
        decimals = display.SHADING_DECIMALS if layer == "treaty" else display.DISPLAY_DECIMALS
        for feat in fc["features"]:
            coords = shapely.get_coordinates(shape(feat["geometry"]))
            assert (abs(coords * 10**decimals - (coords * 10**decimals).round()) < 1e-6).all()


def test_fortification_bands_are_continuous(dataset):
    # The OSM land border comes in dozens of pieces; a dashed band drawn over them would restart
    # its dash on every piece and vanish, so display lines are chained across small gaps.
    fc = popups.layer_collections(dataset, date=AS_OF, visible=["pl-by-barrier"])["pl-by-barrier"]
    for feat in fc["features"]:
        parts = shapely.get_parts(shape(feat["geometry"]))
        assert len(parts) <= 3, (feat["id"], len(parts))


def test_chain_lines_bridges_small_gaps_only():
    gap = 0.01  # about 1 km at 54°N
    line = MultiLineString(
        [[(20, 54), (20.5, 54)], [(20.5 + gap, 54), (21, 54)], [(22, 54), (23, 54)]]
    )
    chained = display._chain_lines(line, max_gap_m=2000, min_part_m=300)
    assert len(shapely.get_parts(chained)) == 2  # the 1 km gap is bridged, the 65 km one is not
    single = LineString([(0, 0), (1, 0)])
    assert display._chain_lines(single, max_gap_m=2000, min_part_m=300).equals(single)


def test_fortification_state_on_a_date(dataset):
    # announced 2024-05-18, works started 2024-10-31 (fortifications.geojson)
    def state(date):
        fc = popups.layer_collections(dataset, date=date, visible=["east-shield"])["east-shield"]
        return {f["id"]: f["properties"]["state"] for f in fc["features"]}.get("pl-east-shield")

    assert state(dt.date(2024, 5, 17)) is None
    assert state(dt.date(2024, 6, 1)) == "announced"
    assert state(dt.date(2024, 11, 1)) == "under-construction"


def test_border_popups_explain_official_and_measured_lengths(dataset):
    fc = popups.layer_collections(dataset, date=dt.date(2026, 1, 1), visible=["borders"])["borders"]
    by_id = {f["id"]: f for f in fc["features"]}
    popup = by_id["POL-BLR-osm-land"]["properties"]["popup"]
    assert "418.0 km" in popup  # official, preferred figure
    measured = dataset.segments.set_index("id").loc["POL-BLR", "measured_km"]
    assert f"{measured:.1f} km" in popup.replace("\u202f", ",").replace(",", "")
    assert "Why they differ" in popup and "WGS84" in popup
    assert '<a href="https://' in popup and 'rel="noopener noreferrer"' in popup
    priorities = {f["properties"]["priority"] for f in fc["features"]}
    assert priorities == {"required", "expected"}
    # the three required segments are drawn last (on top)
    tail = [f["properties"]["priority"] for f in fc["features"]][-3:]
    assert tail == ["required"] * 3


def test_fortification_popup_has_dates_lengths_precision_and_sources(dataset):
    fc = popups.layer_collections(dataset, date=AS_OF, visible=["border-fence"])["border-fence"]
    feature = next(f for f in fc["features"] if f["id"] == "lv-ru-fence")
    popup = feature["properties"]["popup"]
    for word in ("Programme", "Type", "Completed", "Official length", "Measured length",
                 "Precision", "Confidence", "Sources", "approximate"):  # fmt: skip
        assert word in popup, word
    assert feature["properties"]["state"] == "complete"
    assert "Status as of 2025-12-30 (menafn-1110538889)" in popup


def test_dates_and_treaty_sources_in_treaty_popup(dataset):
    fc = popups.layer_collections(dataset, date=dt.date(2026, 2, 20), visible=["treaty"])["treaty"]
    pol = next(f for f in fc["features"] if f["properties"]["iso3"] == "POL")
    assert "2026-02-20" in pol["properties"]["popup"]
    assert "withdrawn" in pol["properties"]["tooltip"]
    assert "<li>" in pol["properties"]["popup"]


def test_polish_names(dataset):
    fc = popups.layer_collections(
        dataset, date=dt.date(2026, 1, 1), visible=["borders"], lang="pl"
    )["borders"]
    assert any("Polska–Białoruś" in f["properties"]["tooltip"] for f in fc["features"])


def test_only_http_links(dataset):
    assert text.safe_url("https://example.org/a?b=1") == "https://example.org/a?b=1"
    for bad in ("javascript:alert(1)", "data:text/html,x", "//evil.example", "", None, 3.0):
        assert text.safe_url(bad) is None


@pytest.mark.parametrize("lang", ["en", "pl"])
def test_popup_and_summary_write_a_length_alike(dataset, lang):
    """Regression (issue 15): a popup wrote ``1 340.0 km``, the summary ``1,340.0 km``."""
    fc = popups.layer_collections(dataset, date=AS_OF, visible=["borders"], lang=lang)["borders"]
    popup = next(f for f in fc["features"] if f["id"].startswith("FIN-RUS"))["properties"]["popup"]
    lines = summary.summary_lines(dataset, layers=["borders"], date=AS_OF, bbox=None, lang=lang)
    official = text.fmt_km(1340, lang)
    assert official == ("1,340.0 km" if lang == "en" else "1\u00a0340,0 km")
    assert official in popup
    assert any(official in line for line in lines)
    assert "\u202f" not in popup  # the thin space of the old popup formatter


def test_a_missing_length_reads_the_same_everywhere(dataset):
    """Regression (issue 15): a missing value was ``—`` in popups, ``not recorded`` elsewhere."""
    segments = dataset.segments.copy()
    segments.loc[segments["id"] == "NOR-RUS", "official_km"] = None
    ds = dataclasses.replace(dataset, segments=segments)
    fc = popups.layer_collections(ds, date=AS_OF, visible=["borders"])["borders"]
    popup = next(f for f in fc["features"] if f["id"].startswith("NOR-RUS"))["properties"]
    lines = summary.summary_lines(ds, layers=["borders"], date=AS_OF, bbox=None)
    line = next(x for x in lines if "Norway" in x)
    assert "not recorded" in popup["popup"] and "not recorded" in popup["tooltip"]
    assert "not recorded" in line
    assert "—" not in popup["popup"] and "—" not in popup["tooltip"]
