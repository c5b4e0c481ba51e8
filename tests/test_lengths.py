"""Official vs measured lengths and the sentence explaining the difference."""

from __future__ import annotations

import pytest

from explorer import lengths


@pytest.mark.parametrize(
    ("official", "measured", "pct"),
    [(418, 404.6, -3.2), (210, 210, 0.0), (100, 112, 12.0), (None, 5, None), (0, 5, None)],
)
def test_difference_pct(official, measured, pct):
    assert lengths.difference_pct(official, measured) == pct


def test_note_names_lake_stretches_and_partial_official_figures():
    note = lengths.difference_note(195.7, 177.5, approx_km=57.6, official_part="land")
    assert "9.3 % shorter" in note
    assert "57.6 km across lakes" in note
    assert "land border only" in note


def test_note_when_measured_is_longer():
    assert "longer" in lengths.difference_note(100, 105)
    assert "leave out water" in lengths.difference_note(100, 105)
