"""Play the timeline under AppTest (issue 17): the settings, the map's payload, the catch-up."""

from __future__ import annotations

import datetime as dt
import json
import re

from app_runner import make_app, map_args, map_component, site_dir

from explorer import config
from explorer.ui import state
from explorer.web import bundle


def legends_of(play: dict) -> dict:
    """The legends' file the map fetches (named ``layers/play.<lang>.<hash>.json``)."""
    url = play["legends"]
    assert re.fullmatch(r"layers/play\.(en|pl)\.[0-9a-f]{12}\.json", url), url
    payload = (site_dir() / url).read_bytes()
    assert bundle.version_of(payload) in url  # named by its content
    return json.loads(payload)


def play_on(**query: str):
    at = make_app(**query)
    at.sidebar.toggle(key=state.PLAY_ON).set_value(True).run()
    assert not at.exception, at.exception
    return at


def test_play_is_off_until_asked_and_costs_the_message_nothing():
    at = make_app()
    assert map_args(at)["play"] is None
    assert [d for d in at.sidebar.date_input if d.key == state.PLAY_FROM] == []


def test_play_sends_its_range_step_speed_and_the_legend_of_each_stretch():
    at = play_on(date="2026-03-01", layers="borders,treaty,basemap")
    play = map_args(at)["play"]
    assert play["from"] == config.PLAY_START.isoformat()
    assert play["to"] == config.DATA_AS_OF
    assert (play["step"], play["fps"], play["loop"], play["report"]) == ("month", 4, False, True)
    assert play["labels"]["play"] == "Play"
    # The legends are a file in the component's folder, named by its content.
    doc = legends_of(play)
    # The first stretch starts on the first day; the stretches are in order, each names a
    # legend, and two neighbours never repeat one.
    days = [row[0] for row in doc["legend_at"]]
    assert days[0] == play["from"] and days == sorted(days)
    assert all(0 <= row[1] < len(doc["legends"]) for row in doc["legend_at"])
    pairs = zip(doc["legend_at"], doc["legend_at"][1:], strict=False)
    assert all(a[1] != b[1] for a, b in pairs)
    # The treaty's legend changes inside 2022-2026: the Baltic withdrawals took effect on
    # 27 December 2025, so a "withdrawn" row appears only in a later stretch.
    first = doc["legends"][doc["legend_at"][0][1]]
    last = doc["legends"][doc["legend_at"][-1][1]]
    assert "Withdrawn" not in first and "Withdrawn" in last
    assert 'class="bfe-legend"' in first


def test_play_settings_reach_the_map_and_the_polish_labels():
    at = play_on(lang="pl")
    at.sidebar.slider(key=state.PLAY_SPEED).set_value(8)
    at.sidebar.checkbox(key=state.PLAY_LOOP).check()
    at.sidebar.date_input(key=state.PLAY_FROM).set_value(dt.date(2024, 1, 1))
    at.sidebar.date_input(key=state.PLAY_TO).set_value(dt.date(2025, 1, 1)).run()
    play = map_args(at)["play"]
    assert (play["from"], play["to"], play["fps"], play["loop"]) == (
        "2024-01-01",
        "2025-01-01",
        8,
        True,
    )
    assert play["labels"]["play"] == "Odtwórz"


def test_an_empty_range_is_said_and_not_played():
    at = play_on()
    at.sidebar.date_input(key=state.PLAY_FROM).set_value(dt.date(2025, 1, 1))
    at.sidebar.date_input(key=state.PLAY_TO).set_value(dt.date(2024, 1, 1)).run()
    assert not at.exception
    assert map_args(at)["play"] is None
    assert any("must be after the start" in w.value for w in at.sidebar.warning)


def test_compare_mode_has_no_play():
    at = play_on(compare="2025-01-01", date="2026-03-01")
    assert map_args(at)["play"] is None
    assert any("Play shows one map" in c.value for c in at.sidebar.caption)


def test_the_day_play_stopped_on_becomes_the_date_and_the_link():
    at = play_on(date="2026-03-01")
    at.session_state[state.MAP_KEY] = {"play": 1, "date": "2024-07-01"}
    at.run()
    assert not at.exception
    assert at.sidebar.slider(key=state.DATE_KEY).value == dt.date(2024, 7, 1)
    assert at.query_params["date"] == "2024-07-01"
    assert map_args(at)["date"] == "2024-07-01"
    assert map_args(at)["play"]["seen"] == 1  # the map learns the page has caught up
    # The same report again does not pull the date back after the user moved it.
    at.sidebar.slider(key=state.DATE_KEY).set_value(dt.date(2023, 1, 1)).run()
    assert at.sidebar.slider(key=state.DATE_KEY).value == dt.date(2023, 1, 1)


def test_a_malformed_or_stale_report_changes_nothing():
    at = play_on(date="2026-03-01")
    for value in (
        {"play": "1", "date": "2024-07-01"},
        {"play": 2, "date": "not a day"},
        {"play": 3, "date": "1900-01-01"},
        {"play": 3, "date": "2024-07-01"},  # number 3 already seen above
        1,
        None,
    ):
        at.session_state[state.MAP_KEY] = value
        at.run()
        assert not at.exception
        assert at.sidebar.slider(key=state.DATE_KEY).value == dt.date(2026, 3, 1)


def test_with_play_on_a_message_stays_small():
    at = play_on(layers=",".join(["borders", "treaty", "east-shield", "pl-by-barrier",
                                  "baltic-defence-line", "border-fence", "basemap"]))  # fmt: skip
    size = len(map_component(at).proto.json_args)
    assert size < 50_000, size
    assert len(legends_of(map_args(at)["play"])["legends"]) >= 2
