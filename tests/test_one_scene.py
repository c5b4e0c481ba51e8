"""One scene, five renderers: they agree on what a view shows (issue 15).

For random views (a date 1997–2028, a box, a set of layers, a language, a treaty), the feature
ids, states, lengths and source ids are the same in:

- what the browser is given and looks the date up in (:mod:`explorer.web.bundle`, as map.js does),
- the static map's drawn features and its sources line (:mod:`explorer.printmap`),
- the GeoJSON and CSV exports (:mod:`explorer.export`),
- the text summary's counts (:mod:`explorer.summary`),

all compared with the scene (:mod:`explorer.scene`) and with one another. 25 views, fixed seed.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
import random
import re

import pandas as pd
import pytest
from shapely.geometry import box

from explorer import config, export, layers, scene, summary, table, text
from explorer.printmap import layout, map_crs
from explorer.view import View
from explorer.web import bundle

pytestmark = pytest.mark.slow

SEED = 15
N_VIEWS = 25
#: Points on or near each border (lon, lat): the views' boxes are drawn around them.
ANCHORS = [
    (21.0, 54.4),
    (23.6, 52.6),
    (23.8, 51.0),
    (29.5, 62.5),
    (28.0, 58.8),
    (28.0, 56.7),
    (27.0, 55.8),
    (25.8, 54.6),
    (21.8, 55.1),
    (23.2, 54.1),
    (30.2, 69.4),
    (25.0, 60.0),
]


def _random_views(n: int, seed: int) -> list[View]:
    rng = random.Random(seed)
    span = (config.DATE_MAX - config.DATE_MIN).days
    views = []
    for _ in range(n):
        day = config.DATE_MIN + dt.timedelta(days=rng.randrange(span + 1))
        if rng.random() < 0.6:  # most views near the changes of 2022-2027
            day = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(6 * 365))
        lon, lat = rng.choice(ANCHORS)  # a box around some border, of random size and offset
        half_w, half_h = rng.uniform(0.5, 6.0), rng.uniform(0.3, 3.5)
        lon, lat = lon + rng.uniform(-half_w, half_w) / 2, lat + rng.uniform(-half_h, half_h) / 2
        bbox = (lon - half_w, max(45.0, lat - half_h), lon + half_w, min(72.0, lat + half_h))
        chosen = [i for i in layers.DATA_LAYERS if rng.random() < 0.6] or ["borders"]
        views.append(
            View(
                layers=tuple(chosen),
                date=day,
                bbox=bbox,
                lang=rng.choice(config.LANGUAGES),
                treaty=rng.choice(config.TREATIES),
            )
        )
    return views


VIEWS = _random_views(N_VIEWS, SEED)


def _id(view: View) -> str:
    return f"{view.date}-{'+'.join(view.layers)}-{view.lang}-{view.treaty}"


@functools.cache
def _document(layer: str, lang: str, treaty: str, ds_id: int) -> dict:
    return bundle.layer_document(_DS[ds_id], layer, lang=lang, treaty=treaty)


_DS: dict[int, object] = {}


def _look_up(doc: dict, day: dt.date) -> dict[str, dict]:
    """Feature id -> its look on ``day``, as map.js ``lookAt`` picks it."""
    iso = day.isoformat()
    out = {}
    for feat in doc["features"]:
        for start, end, look in feat["properties"]["iv"]:
            if (start is None or start <= iso) and (end is None or iso < end):
                out[feat["id"]] = doc["looks"][look]
    return out


def _sources(cell: object) -> set[str]:
    return {s.strip() for s in str(cell or "").split(";") if s.strip()}


def _summary_counts(lines: list[str], view: View) -> dict[str, int]:
    """Layer id -> the number the summary's count line gives for it."""
    from explorer.style import layer_title

    counts = {}
    for layer in view.layers:
        title = layer_title(layer, view.lang)
        line = next(x for x in lines if x.startswith(f"- {title}"))
        counts[layer] = int(re.search(r"(\d+)", line.removeprefix(f"- {title}")).group(1))
    return counts


@pytest.mark.parametrize("view", VIEWS, ids=_id)
def test_every_renderer_shows_the_same_features(dataset, view):
    _DS[id(dataset)] = dataset
    sc = scene.make_scene(dataset, view)
    drawn = sc.drawn()
    want = {rec["id"]: rec for rec in drawn.to_dict("records")}
    area = box(*view.bbox)

    # --- The data exports: GeoJSON and CSV --------------------------------------------------
    flat = table.features_table(dataset, sc)
    geo = json.loads(export.to_geojson_bytes(flat, title="t", date=view.date))
    csv = pd.read_csv(io.BytesIO(export.to_csv_bytes(flat)), keep_default_na=False)
    assert {f["properties"]["id"] for f in geo["features"]} == set(want)
    assert set(csv["id"]) == set(want)
    for feat in geo["features"]:
        props, rec = feat["properties"], want[feat["properties"]["id"]]
        assert props["state"] == rec["state"]
        assert _sources(props["sources"]) == set(rec["sources"])
        if not text.is_missing(rec["measured_km"]):
            assert props["measured_km"] == pytest.approx(round(rec["measured_km"], 2))
    for row in csv.to_dict("records"):
        rec = want[row["id"]]
        assert (row["state"] or None) == rec["state"]
        assert _sources(row["sources"]) == set(rec["sources"])

    # --- What the browser is given and looks up -----------------------------------------------
    # The browser gets every feature of a layer once, with its intervals, and picks the look of
    # the date itself: on the date it has exactly the scene's features (the box is the view's
    # business, not the document's), with the same states, lengths and sources.
    for layer in view.layers:
        doc = _document(layer, view.lang, view.treaty, id(dataset))
        looks = _look_up(doc, view.date)
        whole = scene.layer_frame(dataset, layer, view.date, view.treaty).set_index("id")
        assert set(looks) == set(whole.index), (layer, set(looks) ^ set(whole.index))
        for fid, look in looks.items():
            rec = whole.loc[fid]
            if rec["family"] != "border":
                assert look["state"][0] == rec["state"], (layer, fid)
            popup = look["popup"]
            if rec["family"] == "border":
                assert text.fmt_km(rec["measured_km"], view.lang) in popup, (layer, fid)
            for ref in text.source_refs(dataset, rec["sources"]):
                assert text.html_text(ref.publisher or ref.id) in popup, (layer, fid, ref.id)
        assert set(want) & set(whole.index) == {f for f in want if want[f]["layer"] == layer}

    # --- The static map: what it draws, and the sources it cites ---------------------------------
    crs = map_crs(view.bbox)
    data = layout._layer_frames(
        dataset, layers=view.layers, date=view.date, lang=view.lang, treaty=view.treaty,
        crs=crs, visible=area,
    )  # fmt: skip
    printed = {rec["id"]: rec for frame in data.frames.values() for rec in frame.to_dict("records")}
    assert set(want) <= set(printed)
    for fid, rec in want.items():
        assert printed[fid]["state"] == rec["state"]
        assert printed[fid]["sources"] == rec["sources"]
    assert set(data.sources) == {s for rec in want.values() for s in rec["sources"]}
    assert set(data.sources) == {s for cell in csv["sources"] for s in _sources(cell)}

    # --- The summary's counts ----------------------------------------------------------------
    lines = summary.summary_lines(
        dataset, layers=view.layers, date=view.date, bbox=view.bbox, lang=view.lang,
        treaty=view.treaty,
    )  # fmt: skip
    counts = _summary_counts(lines, view)
    for layer in view.layers:
        rows = flat[flat["layer"] == layer]
        match layers.family(layer):
            case "border":
                expected = len({s for cell in rows["segment_ids"] for s in _sources(cell)})
            case "treaty":
                expected = rows["country"].nunique()
            case _:
                expected = rows["id"].nunique()
        assert counts[layer] == expected, (layer, lines)
