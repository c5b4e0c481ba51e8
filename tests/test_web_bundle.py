"""Layer files for the map component: deterministic, complete, and the same as the app's rules.

A layer document (explorer.web.bundle) must give, for any date, exactly the features and popups
that :func:`explorer.features.layer_collections` gives for that date: the browser only looks the
date up in each feature's ``iv`` rows.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
import re
from pathlib import Path

import pytest

from explorer import style
from explorer.basemap import load_basemap
from explorer.web import bundle, popups, site

FIRST, LAST = dt.date(1997, 1, 1), dt.date(2028, 12, 31)
#: The layer files of one language's default view, sent once per data version (measured
#: ~0.53 MB when written; the st_folium map sent ~0.8 MB on every change). A regression guard.
DEFAULT_VIEW_BUDGET_BYTES = 800_000


@pytest.fixture(scope="module")
def basemap():
    return load_basemap()


@pytest.fixture(scope="module")
def documents(dataset):
    return {
        (layer, lang): bundle.layer_document(dataset, layer, lang=lang)
        for layer in style.DATA_LAYERS
        for lang in ("en", "pl")
    }


def look_up(doc: dict, day: dt.date) -> dict[str, dict]:
    """What the browser does (map.js lookAt): feature id -> its look on ``day``."""
    iso = day.isoformat()
    out = {}
    for feat in doc["features"]:
        held = [
            row[2]
            for row in feat["properties"]["iv"]
            if (row[0] is None or row[0] <= iso) and (row[1] is None or iso < row[1])
        ]
        assert len(held) <= 1, (feat["id"], iso)
        if held:
            out[feat["id"]] = doc["looks"][held[0]]
    return out


@pytest.mark.parametrize("layer", style.DATA_LAYERS)
def test_layer_document_is_byte_deterministic(dataset, documents, layer):
    again = bundle.layer_document(dataset, layer, lang="en")
    assert bundle.dumps(again) == bundle.dumps(documents[layer, "en"])
    assert bundle.dumps(documents[layer, "en"]) == bundle.dumps(documents[layer, "en"])
    assert bundle.dumps(documents[layer, "en"]) != bundle.dumps(documents[layer, "pl"])


@pytest.mark.parametrize("layer", style.DATA_LAYERS)
def test_every_interval_refers_to_an_existing_look_in_order(documents, layer):
    for lang in ("en", "pl"):
        doc = documents[layer, lang]
        assert doc["layer"] == layer and doc["features"] and doc["looks"]
        used = set()
        for feat in doc["features"]:
            rows = feat["properties"]["iv"]
            assert rows, feat["id"]
            for start, end, look in rows:
                assert isinstance(look, int) and 0 <= look < len(doc["looks"]), (feat["id"], look)
                assert start is None or end is None or start < end
                used.add(look)
            for before, after in itertools.pairwise(rows):
                assert before[1] is not None and after[0] is not None and before[1] <= after[0]
            assert feat["geometry"]["coordinates"]
            assert feat["properties"]["pane"] in bundle.PANES
        assert used == set(range(len(doc["looks"])))  # no look is written for nothing
        for look in doc["looks"]:
            assert {"style", "tooltip", "popup"} <= set(look)
            assert f"bfe-layer-{layer}" in look["style"]["className"]


def _dates(dataset, layer: str) -> list[dt.date]:
    rng = random.Random(f"bundle-{layer}")
    days = [FIRST + dt.timedelta(days=rng.randrange((LAST - FIRST).days + 1)) for _ in range(20)]
    # ... and the day of and before a few status changes (the edges a lookup gets wrong).
    if layer != "borders":
        from explorer import intervals

        changes = intervals.change_dates(dataset, layer)
        for day in rng.sample(changes, min(4, len(changes))):
            days += [day, day - dt.timedelta(days=1)]
    return sorted(set(days))


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "pl"])
@pytest.mark.parametrize("layer", style.DATA_LAYERS)
def test_a_date_lookup_reproduces_layer_collections(dataset, documents, layer, lang):
    doc = documents[layer, lang]
    for day in _dates(dataset, layer):
        fc = popups.layer_collections(dataset, date=day, visible=[layer], lang=lang)[layer]
        expected = {str(f["id"]): f for f in fc["features"]}
        if layer in style.PROGRAMME_COLOURS:  # works not drawn: their marks
            marks = popups.partial_features(dataset, layer, date=day, lang=lang)
            expected.update({str(f["id"]): f for f in marks["features"]})
        got = look_up(doc, day)
        assert set(got) == set(expected), (layer, day)
        for fid, feat in expected.items():
            props = feat["properties"]
            assert got[fid]["popup"] == props["popup"], (layer, fid, day)
            assert got[fid]["tooltip"] == props["tooltip"], (layer, fid, day)


def test_treaty_document_shades_poland_by_date(documents):
    doc = documents["treaty", "en"]
    colour = style.TREATY_STATUS_COLOURS
    before = look_up(doc, dt.date(2026, 2, 19))["APMBC-POL"]["style"]["fillColor"]
    after = look_up(doc, dt.date(2026, 2, 20))["APMBC-POL"]["style"]["fillColor"]
    assert (before, after) == (colour["withdrawal-pending"], colour["withdrawn"])


def test_east_shield_is_hidden_before_its_announcement(documents):
    doc = documents["east-shield", "en"]
    assert "pl-east-shield" not in look_up(doc, dt.date(2023, 1, 1))
    assert "pl-east-shield" in look_up(doc, dt.date(2025, 1, 1))


# --- The site folder ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(dataset, basemap, tmp_path_factory):
    root = tmp_path_factory.mktemp("bfe-cache")
    package = Path(site.__file__).resolve().parent.parent
    before = {p for p in package.rglob("*") if "__pycache__" not in p.parts}
    the_site = site.build_site(dataset, basemap, root=root)
    after = {p for p in package.rglob("*") if "__pycache__" not in p.parts}
    return root, the_site, before, after


def test_build_site_names_files_by_the_hash_of_their_bytes(built):
    root, the_site, _, _ = built
    assert the_site.path == root / "web"
    assert set(the_site.files) == set(style.DATA_LAYERS) | {"basemap"}
    for layer, by_lang in the_site.files.items():
        assert set(by_lang) == {"en", "pl"}
        for lang, rel in by_lang.items():
            match = re.fullmatch(r"layers/([a-z-]+)(?:\.([a-z]{2}))?\.([0-9a-f]{12})\.json", rel)
            assert match, rel
            assert match[1] == layer and match[2] == (None if layer == "basemap" else lang)
            payload = (the_site.path / rel).read_bytes()
            assert bundle.version_of(payload) == match[3], rel
            assert the_site.sizes[rel] == len(payload)
            assert json.loads(payload)["layer"] == layer
    written = {
        p.relative_to(the_site.path).as_posix() for p in (the_site.path / "layers").iterdir()
    }
    assert written == {rel for by_lang in the_site.files.values() for rel in by_lang.values()}
    for name in ("index.html", "map.js", "map.css", "overlay_canvas.js"):
        assert (the_site.path / name).is_file(), name
    assert (the_site.path / "vendor" / "leaflet" / "leaflet.js").is_file()


def test_build_site_writes_nothing_into_the_package(built):
    _, the_site, before, after = built
    assert after == before
    package = Path(site.__file__).resolve().parent.parent
    assert not the_site.path.resolve().is_relative_to(package)
    assert not (package / "web" / "layers").exists()


def test_build_site_again_gives_the_same_names(built, dataset, basemap, tmp_path):
    _, the_site, _, _ = built
    again = site.build_site(dataset, basemap, root=tmp_path)
    assert again.files == the_site.files and again.window == the_site.window


def test_default_view_layer_files_are_small(built):
    _, the_site, _, _ = built
    total = sum(
        the_site.sizes[the_site.files[layer]["en"]]
        for layer in style.DEFAULT_LAYERS
        if layer in the_site.files
    )
    print(f"default view layer files (en): {total:,} B")
    assert total < DEFAULT_VIEW_BUDGET_BYTES
