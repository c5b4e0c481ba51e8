"""Permalink parsing: every value validated, garbage falls back to defaults with a notice."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer import config, permalink
from explorer.permalink import State

LAYERS = ["borders", "east-shield", "treaty", "basemap"]
SEGMENTS = ["POL-BLR", "POL-RUS"]
DEFAULT = State(layers=("borders", "basemap"), date=dt.date(2026, 11, 22))
CHAPTERS = 9


def parse(params):
    return permalink.parse_query(
        params, known_layers=LAYERS, known_segments=SEGMENTS, default=DEFAULT, chapters=CHAPTERS
    )


def test_round_trip_restores_exactly_the_state():
    state = State(
        layers=("treaty", "east-shield"),
        date=dt.date(2026, 2, 20),
        lat=52.5,
        lon=23.25,
        zoom=7,
        segment="POL-BLR",
        lang="pl",
    )
    restored = parse(permalink.to_query(state))
    assert restored.notices == ()
    # Layers come back in registry order; everything else exactly.
    assert restored == State(
        layers=("east-shield", "treaty"),
        date=dt.date(2026, 2, 20),
        lat=52.5,
        lon=23.25,
        zoom=7,
        segment="POL-BLR",
        lang="pl",
    )


def test_all_layers_off_survives_a_round_trip():
    state = State(layers=(), date=dt.date(2000, 1, 1))
    assert parse(permalink.to_query(state)).layers == ()


@pytest.mark.parametrize(
    ("params", "field", "needle"),
    [
        ({"date": "2026-02-30"}, "date", "expected a date"),
        ({"date": "2031-01-01"}, "date", "showing 2028-12-31"),
        ({"date": "tomorrow"}, "date", "expected a date"),
        ({"lat": "north"}, "lat", "expected a number"),
        ({"lat": "nan"}, "lat", "expected a number"),
        ({"lon": "1e309"}, "lon", "expected a number"),
        ({"zoom": "-1"}, "zoom", "whole number"),
        ({"zoom": "4.5"}, "zoom", "whole number"),
        ({"segment": "POL-XXX"}, "segment", "unknown border segment"),
        ({"lang": "de"}, "lang", "expected one of"),
        ({"layers": "borders,<script>"}, "layers", "unknown layer"),
        ({"date": "2" * 10_000}, "date", "too long"),
        ({"mode": "slides"}, "mode", "expected one of explore, present"),
        ({"mode": "PRESENT"}, "mode", "expected one of explore, present"),
        ({"chapter": "0"}, "chapter", "expected a chapter number 1–9"),
        ({"chapter": "10"}, "chapter", "expected a chapter number 1–9"),
        ({"chapter": "-1"}, "chapter", "expected a chapter number 1–9"),
        ({"chapter": "2.5"}, "chapter", "expected a chapter number 1–9"),
        ({"chapter": "٣"}, "chapter", "expected a chapter number 1–9"),  # Arabic-Indic 3
        ({"chapter": "9" * 5000}, "chapter", "too long"),
    ],
)
def test_bad_values_fall_back_with_a_notice(params, field, needle):
    state = parse(params)
    assert getattr(state, field) == getattr(DEFAULT, field) or field in ("layers", "date")
    assert len(state.notices) == 1
    assert needle in state.notices[0]


def test_present_mode_round_trip_keeps_mode_chapter_and_language():
    state = State(layers=("borders",), date=dt.date(2026, 2, 20), mode="present", chapter=8,
                  lang="pl")  # fmt: skip
    query = permalink.to_query(state)
    assert query == {"mode": "present", "chapter": "8", "lang": "pl"}
    restored = parse(query)
    assert (restored.mode, restored.chapter, restored.lang) == ("present", 8, "pl")
    assert restored.notices == ()


def test_explore_mode_links_are_unchanged_and_carry_no_mode():
    query = permalink.to_query(replace(DEFAULT, chapter=4))
    assert "mode" not in query and "chapter" not in query
    assert parse(query).mode == "explore"


def test_mode_and_chapter_defaults():
    state = parse({"mode": "present"})
    assert (state.mode, state.chapter, state.notices) == ("present", 1, ())
    assert parse({}).mode == "explore"
    assert parse({"mode": ["present", "explore"]}).mode == "explore"  # the last value wins


def test_bad_chapter_keeps_present_mode_with_the_first_chapter():
    state = parse({"mode": "present", "chapter": "99"})
    assert (state.mode, state.chapter) == ("present", 1)
    assert len(state.notices) == 1 and "chapter='99'" in state.notices[0]


def test_without_a_story_no_chapter_is_accepted():
    state = permalink.parse_query(
        {"chapter": "1"}, known_layers=LAYERS, known_segments=SEGMENTS, default=DEFAULT
    )
    assert state.chapter == 1 and "expected a chapter number 1–0" in state.notices[0]


def test_dates_outside_the_range_are_clamped_not_dropped():
    early = parse({"date": "1990-05-01"})
    assert early.date == config.DATE_MIN
    assert "showing 1997-01-01" in early.notices[0]


def test_unknown_layers_are_dropped_known_kept():
    assert parse({"layers": "treaty,moat"}).layers == ("treaty",)


def test_repeated_keys_with_different_values_fall_back_with_a_notice():
    state = parse({"date": ["2020-01-01", "2021-01-01"], "zoom": ["7", "7"]})
    assert state.date == DEFAULT.date
    assert state.zoom == 7  # the same value twice is not ambiguous
    assert state.notices == (
        "Ignored date='2020-01-01,2021-01-01': given 2 times with different values.",
    )


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"zoom": "²"}, "zoom"),  # str.isdigit() is true, int() raises
        ({"zoom": "٥"}, "zoom"),  # Arabic-Indic five
        ({"lat": "１２"}, "lat"),  # full-width digits
        ({"lon": "1_0"}, "lon"),
        ({"lat": " 12 "}, "lat"),
        ({"date": "２０２６-０２-２０"}, "date"),
        ({"zoom": 7}, "zoom"),  # not text
        ({"lang": ["en", None, 3]}, "lang"),
    ],
)
def test_unicode_digits_and_wrong_types_fall_back_with_a_notice(params, field):
    state = parse(params)
    assert getattr(state, field) == getattr(DEFAULT, field)
    assert len(state.notices) == 1 and state.notices[0].startswith(f"Ignored {field}=")


def test_unknown_keys_are_reported():
    state = parse({"x": "1", "<script>": "2", **{f"k{i}": "" for i in range(10)}})
    assert state == DEFAULT
    (notice,) = state.notices
    assert "unknown parameter" in notice and "'<script>'" in notice and "7 more" in notice


def test_control_characters_are_shown_escaped():
    (notice,) = parse({"segment": "a\x00b\u202e\x1b[31m"}).notices
    assert "\\x00" in notice and "\\u202e" in notice and "\x00" not in notice


@pytest.mark.parametrize("key", permalink.KEYS)
def test_a_huge_value_for_any_key_is_refused(key):
    state = parse({key: "9" * 100_000})
    assert state == DEFAULT
    assert len(state.notices) == 1 and "too long" in state.notices[0]
    assert len(state.notices[0]) < 120


def test_notice_text_is_truncated():
    state = parse({"segment": "x" * 300})
    assert len(state.notices[0]) < 120


def test_default_state_clamps_today():
    assert permalink.default_state(["a"], dt.date(2040, 1, 1)).date == config.DATE_MAX


#: Values a hostile link can carry: any text (control characters, unicode digits, markup),
#: huge text, repeated keys (lists), and types no query string has but a caller might pass.
_VALUES = st.one_of(
    st.text(max_size=50),
    st.text(alphabet="0123456789.-+eE,", max_size=12),
    st.sampled_from(
        ["<script>alert(1)</script>", "nan", "inf", "1e999", "²", "２０２６-０２-２０"]
    ),
    st.text(max_size=3).map(lambda t: (t or "x") * 40_000),  # 40-120 kB
    st.lists(st.text(max_size=20), max_size=4),
    st.integers(),
    st.floats(),
    st.binary(max_size=8),
    st.none(),
)
_KEYS = st.one_of(st.sampled_from(permalink.KEYS), st.text(max_size=10))


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(_KEYS, _VALUES, max_size=12))
def test_any_query_string_gives_a_valid_state(params):
    state = parse(params)
    assert config.DATE_MIN <= state.date <= config.DATE_MAX
    assert -85 <= state.lat <= 85 and -180 <= state.lon <= 180
    assert permalink.ZOOM_MIN <= state.zoom <= permalink.ZOOM_MAX
    assert set(state.layers) <= set(LAYERS)
    assert state.segment in (None, *SEGMENTS)
    assert state.lang in config.LANGUAGES
    assert state.mode in permalink.MODES
    assert 1 <= state.chapter <= CHAPTERS

    # Whatever was accepted survives a round trip unchanged and without a notice.
    again = parse(permalink.to_query(state))
    if state.mode == "explore":  # (an explore link does not carry the story chapter)
        assert replace(again, chapter=state.chapter) == state and again.notices == ()
    # Anything not understood is reported.
    if any(k not in permalink.KEYS for k in params):
        assert any("unknown parameter" in n for n in state.notices)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(permalink.KEYS), _VALUES)
def test_every_key_either_takes_the_value_or_says_why_not(key, value):
    state = parse({key: value})
    if state.notices:
        assert all(n.startswith(f"Ignored {key}=") for n in state.notices)
        assert all(len(n) < 200 for n in state.notices)
    else:
        # Taken as given: the link written for the state holds the same value again.
        written = permalink.to_query(state).get(key)
        assert written is None or parse({key: written}) == state


# --- compare mode (issue 16) ---------------------------------------------------------------------


def test_compare_round_trip_keeps_both_dates():
    state = replace(DEFAULT, date=dt.date(2026, 3, 1), compare=dt.date(2025, 1, 1))
    query = permalink.to_query(state)
    assert query["compare"] == "2025-01-01" and query["date"] == "2026-03-01"
    restored = parse(query)
    assert restored == state and restored.notices == ()


def test_compare_is_off_by_default_and_with_an_empty_value():
    assert parse({}).compare is None
    assert "compare" not in permalink.to_query(DEFAULT)
    state = parse({"date": "2026-03-01", "compare": ""})
    assert state.compare is None and state.notices == ()


def test_compare_is_read_whatever_the_order_of_the_keys():
    state = parse({"compare": "2025-01-01", "date": "2026-03-01"})
    assert (state.compare, state.date, state.notices) == (
        dt.date(2025, 1, 1),
        dt.date(2026, 3, 1),
        (),
    )


def test_compare_in_present_mode_is_not_written():
    state = replace(DEFAULT, mode="present", compare=dt.date(2025, 1, 1))
    assert "compare" not in permalink.to_query(state)


@pytest.mark.parametrize(
    ("params", "needle", "key"),
    [
        ({"date": "2026-03-01", "compare": "2025-13-01"}, "expected a date", "link.bad_date"),
        ({"date": "2026-03-01", "compare": "garbage"}, "expected a date", "link.bad_date"),
        ({"date": "2026-03-01", "compare": "1990-01-01"}, "outside 1997–2028, showing one map",
         "link.compare_outside"),
        ({"date": "2026-03-01", "compare": "2031-01-01"}, "outside 1997–2028",
         "link.compare_outside"),
        # A on or after B: the link's date is what it asked to see, so it is never swapped.
        ({"date": "2026-03-01", "compare": "2026-03-01"}, "must be before date=2026-03-01",
         "link.compare_not_before"),
        ({"date": "2025-01-01", "compare": "2026-03-01"}, "must be before date=2025-01-01",
         "link.compare_not_before"),
        # ... the date as shown, after its own fallback (2031 is shown as 2028-12-31)
        ({"date": "2031-01-01", "compare": "2028-12-31"}, "must be before date=2028-12-31",
         "link.compare_not_before"),
        ({"date": "2026-03-01", "compare": ["2025-01-01", "2024-01-01"]}, "given 2 times",
         "link.repeated"),
        ({"date": "2026-03-01", "compare": "２０２５-０１-０１"}, "expected a date",
         "link.bad_date"),
    ],
)  # fmt: skip
def test_bad_compare_values_show_one_map_with_a_notice(params, needle, key):
    state = parse(params)
    assert state.compare is None
    compare_notices = [n for n in state.notices if n.startswith("Ignored compare=")]
    assert len(compare_notices) == 1, state.notices
    assert needle in compare_notices[0] and compare_notices[0].key == key
    assert "compare" not in permalink.to_query(state)


def test_compare_notices_are_translated():
    (notice,) = parse({"date": "2025-01-01", "compare": "2026-03-01"}).notices
    assert notice.text("pl") == (
        "Pominięto compare='2026-03-01': dzień do porównania musi być wcześniejszy niż "
        "date=2025-01-01, pokazano jedną mapę."
    )
