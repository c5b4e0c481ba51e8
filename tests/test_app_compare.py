"""Compare mode under AppTest (issue 16): the link, the sidebar toggle, the args, one legend."""

from __future__ import annotations

import datetime as dt

import pytest
from app_runner import make_app, map_args
from streamlit.testing.v1 import AppTest

from explorer import style
from explorer.i18n import t
from explorer.ui import state


def legend_text(at: AppTest) -> str:
    """The legend's HTML (the one element of the main area with ``bfe-legend``)."""
    found = [e.proto.body for e in at.main.get("html") if 'class="bfe-legend"' in e.proto.body]
    assert len(found) == 1, "one legend"
    return found[0]


def notices(at: AppTest) -> list[str]:
    return [i.value for i in at.main.info if "Link not fully understood" in i.value]


def test_a_compare_link_is_parsed_and_passed_to_the_map():
    at = make_app(compare="2025-01-01", date="2026-03-01")
    args = map_args(at)
    assert (args["compare"], args["date"]) == ("2025-01-01", "2026-03-01")
    assert args["labels"]["on_date"] == "Map on {date}"
    # The sidebar shows compare mode on, with the day compared with ...
    assert at.sidebar.toggle(key=state.COMPARE_ON).value is True
    assert at.sidebar.date_input(key=state.COMPARE_INPUT_KEY).value == dt.date(2025, 1, 1)
    assert at.sidebar.slider(key=state.DATE_KEY).value == dt.date(2026, 3, 1)
    # ... the link keeps it, nothing was ignored, and the caption names both days.
    assert at.query_params["compare"] == "2025-01-01"
    assert at.query_params["date"] == "2026-03-01"
    assert not notices(at)
    assert any("2025-01-01 and 2026-03-01" in c.value for c in at.main.caption)


def test_without_compare_the_map_gets_null_and_the_link_no_key():
    at = make_app(date="2026-03-01")
    assert map_args(at)["compare"] is None
    assert "compare" not in at.query_params
    assert at.sidebar.toggle(key=state.COMPARE_ON).value is False
    keys = [box.key for box in at.sidebar.date_input]
    assert state.COMPARE_INPUT_KEY not in keys  # the day's input is shown only while on


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        ("2025-13-01", "expected a date YYYY-MM-DD. The default is shown instead."),
        ("garbage", "expected a date YYYY-MM-DD."),
        ("1990-01-01", "outside 1997–2028, showing one map."),
        ("2026-03-01", "must be before date=2026-03-01, showing one map."),
        ("2027-01-01", "must be before date=2026-03-01, showing one map."),
    ],
)
def test_a_bad_compare_value_gives_a_notice_and_one_map(value, needle):
    at = make_app(compare=value, date="2026-03-01")
    (notice,) = notices(at)
    assert f"compare='{value}'" in notice and needle in notice
    assert map_args(at)["compare"] is None
    assert map_args(at)["date"] == "2026-03-01"  # the date asked for is kept, never swapped
    assert "compare" not in at.query_params
    assert at.sidebar.toggle(key=state.COMPARE_ON).value is False


def test_an_empty_compare_is_off_without_a_notice():
    at = make_app(compare="", date="2026-03-01")
    assert not notices(at) and map_args(at)["compare"] is None


def test_the_notice_is_in_polish_on_a_polish_link():
    at = make_app(compare="2027-01-01", date="2026-03-01", lang="pl")
    assert any("dzień do porównania musi być wcześniejszy" in i.value for i in at.main.info)
    toggle = at.sidebar.toggle(key=state.COMPARE_ON)
    assert toggle.label == t("sidebar.compare", "pl") == "Porównaj z inną datą"


def test_the_sidebar_toggle_turns_compare_on_and_off_and_the_link_follows():
    at = make_app(date="2026-03-01")
    at.sidebar.toggle(key=state.COMPARE_ON).set_value(True).run()
    assert not at.exception
    # It starts a year before the date.
    assert map_args(at)["compare"] == "2025-03-01"
    assert at.query_params["compare"] == "2025-03-01"
    box = at.sidebar.date_input(key=state.COMPARE_INPUT_KEY)
    assert box.label == "Compare with the day"
    box.set_value(dt.date(2025, 1, 1)).run()
    assert map_args(at)["compare"] == "2025-01-01" and at.query_params["compare"] == "2025-01-01"
    # The date is unchanged: only the state travels, the same layer files.
    assert map_args(at)["date"] == "2026-03-01"
    layers = map_args(at)["layers"]
    at.sidebar.toggle(key=state.COMPARE_ON).set_value(False).run()
    assert map_args(at)["compare"] is None and "compare" not in at.query_params
    assert map_args(at)["layers"] == layers
    # Turned on again, it remembers the day.
    at.sidebar.toggle(key=state.COMPARE_ON).set_value(True).run()
    assert map_args(at)["compare"] == "2025-01-01"


def test_moving_the_date_to_or_before_the_day_compared_with_pushes_it_back():
    at = make_app(compare="2025-01-01", date="2026-03-01")
    at.sidebar.slider(key=state.DATE_KEY).set_value(dt.date(2024, 6, 1)).run()
    assert not at.exception
    assert map_args(at)["compare"] == "2024-05-31" and map_args(at)["date"] == "2024-06-01"
    assert at.query_params["compare"] == "2024-05-31"
    assert at.sidebar.date_input(key=state.COMPARE_INPUT_KEY).value == dt.date(2024, 5, 31)


def test_on_the_first_day_there_is_nothing_to_compare_with():
    at = make_app(date="1997-01-01")
    at.sidebar.toggle(key=state.COMPARE_ON).set_value(True).run()
    assert not at.exception
    assert map_args(at)["compare"] is None and "compare" not in at.query_params
    assert any("no earlier day" in c.value for c in at.sidebar.caption)


def test_one_legend_lists_what_either_date_shows():
    pending = style.status_label("withdrawal-pending", "en")
    withdrawn = style.status_label("withdrawn", "en")
    single = legend_text(make_app(date="2026-03-01")).lower()
    assert withdrawn.lower() in single and pending.lower() not in single
    both = legend_text(make_app(compare="2025-08-01", date="2026-03-01")).lower()
    assert withdrawn.lower() in both and pending.lower() in both  # A: pending, B: none


def test_the_presenter_shows_one_map_and_exit_leaves_compare_off():
    at = make_app(mode="present", chapter="2", compare="2025-01-01", date="2026-03-01")
    assert map_args(at)["compare"] is None
    assert "compare" not in at.query_params
    at.button(key=state.PRESENTER_EXIT).click().run()
    assert not at.exception
    assert map_args(at)["compare"] is None and "compare" not in at.query_params


# --- What changed between A and B: the panel, the chart, the summary, the export --------------


def _html(at: AppTest) -> str:
    return "\n".join(e.proto.body for e in at.main.get("html"))


def test_compare_mode_shows_what_changed_with_sources_and_the_chart():
    at = make_app(compare="2025-01-01", date="2026-03-01")
    heads = [h.value for h in at.main.subheader]
    assert "What changed between 2025-01-01 (A) and 2026-03-01 (B)" in heads
    body = _html(at)
    # Poland leaves the Mine Ban Treaty on 2026-02-20, with the decree's source id
    assert "2026-02-20" in body and "withdrawal pending → withdrawn" in body
    assert "dzu-2025-1514" in body
    # a work completed in the period, its month kept as the source gives it
    assert "2025-02" in body and "about 47.0 km" in body
    charts = at.main.get("arrow_vega_lite_chart") or at.main.get("vega_lite_chart")
    assert len(charts) == 1


def test_without_compare_there_is_no_changes_panel():
    at = make_app(date="2026-03-01")
    assert not [h for h in at.main.subheader if "What changed" in h.value]


def test_the_summary_says_what_changed_in_compare_mode():
    at = make_app(compare="2025-01-01", date="2026-03-01")
    at.session_state[state.SUMMARY_OPEN] = True
    at.run()
    text = "\n".join(m.value for m in at.main.markdown).replace("\\", "")  # markdown escapes
    assert "Changes between 2025-01-01 (A) and 2026-03-01 (B)" in text
    assert "Finland, withdrawal pending → withdrawn" in text


def test_the_polish_panel_is_in_polish():
    at = make_app(compare="2025-01-01", date="2026-03-01", lang="pl")
    heads = [h.value for h in at.main.subheader]
    assert "Co się zmieniło między 2025-01-01 (A) a 2026-03-01 (B)" in heads
    assert "wystąpiło" in _html(at)


def test_the_export_panel_offers_the_changes_in_compare_mode():
    at = make_app(open_export=True, compare="2025-01-01", date="2026-03-01")
    labels = [b.proto.label for b in at.main.get("download_button")]
    assert "Changes 2025-01-01 → 2026-03-01 (CSV)" in labels
