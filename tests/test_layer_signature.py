"""A layer's signature tells exactly when its features change: equal signature, equal GeoJSON."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from explorer import features, style

LAYERS = list(style.DATA_LAYERS)


def _event_days(ds):
    days = {d for d in ds.treaty_events["date"] if isinstance(d, dt.date)}
    for col in ("announced_date", "start_date", "completed_date"):
        days |= {d for d in ds.fortifications[col] if isinstance(d, dt.date)}
    return sorted(days)


def _sample_days(ds, n=25, seed=7):
    rng = random.Random(seed)
    days = _event_days(ds)
    picked = rng.sample(days, min(n, len(days)))
    return sorted({d + dt.timedelta(days=k) for d in picked for k in (-1, 0, 1)})


@pytest.mark.parametrize("layer", LAYERS)
@pytest.mark.parametrize("lang", ["en", "pl"])
def test_same_signature_same_features(dataset, layer, lang):
    seen: dict[tuple, dict] = {}
    for day in _sample_days(dataset):
        sig = features.layer_signature(dataset, layer, date=day)
        fc = features.layer_collections(dataset, date=day, visible=[layer], lang=lang)[layer]
        if sig in seen:
            assert fc == seen[sig], f"{layer} differs on {day} with an unchanged signature"
        seen[sig] = fc


@pytest.mark.parametrize("layer", ["treaty", "east-shield", "border-fence"])
def test_signature_changes_when_the_map_does(dataset, layer):
    days = _sample_days(dataset)
    sigs = {features.layer_signature(dataset, layer, date=d) for d in days}
    maps = {repr(features.layer_collections(dataset, date=d, visible=[layer])[layer]) for d in days}
    assert len(sigs) > 1
    assert len(sigs) == len(maps)


def test_treaty_signature_on_poland_withdrawal(dataset):
    before = {
        iso: st
        for iso, st, _ in features.layer_signature(dataset, "treaty", date=dt.date(2026, 2, 19))
    }
    after = {
        iso: st
        for iso, st, _ in features.layer_signature(dataset, "treaty", date=dt.date(2026, 2, 20))
    }
    assert before["POL"] == "withdrawal-pending"
    assert after["POL"] == "withdrawn"


def test_unknown_layer_is_refused(dataset):
    with pytest.raises(ValueError, match="unknown data layer"):
        features.layer_signature(dataset, "basemap", date=dt.date(2026, 1, 1))


def test_legend_categories_are_what_the_collections_draw(dataset):
    """The legend's categories (from the intervals) match the drawn features on random days."""
    from explorer import intervals
    from explorer.ui import map_view

    rng = random.Random(12)
    days = [dt.date(1997, 1, 1) + dt.timedelta(days=rng.randint(0, 11_600)) for _ in range(25)]
    for day in days:
        for layer in ("treaty", *style.PROGRAMME_COLOURS):
            shown, _ = map_view._categories(
                "test", layer, intervals.signature(dataset, (layer,), day), dataset, day
            )
            fc = features.layer_collections(dataset, date=day, visible=[layer])[layer]
            expected = style.shown_categories({layer: fc}).get(layer, set())
            # Works only marked add their states; the drawn features' categories are all there.
            assert expected <= shown.get(layer, set()), (layer, day)
            if layer == "treaty":
                assert shown.get(layer, set()) == expected, day
