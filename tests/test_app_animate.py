"""The export panel's animation (issue 17): the current view as a GIF or MP4, made outside."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from app_runner import make_app
from PIL import Image

from explorer.ui import animate_panel, offload, state


def test_the_panel_offers_a_range_ending_on_the_maps_date():
    at = make_app(layers="borders,treaty", date="2026-02-20", open_export=True)
    assert at.date_input(key=state.ANIMATE_FROM).value == dt.date(2026, 1, 1)
    assert at.date_input(key=state.ANIMATE_TO).value == dt.date(2026, 2, 20)
    assert at.selectbox(key=state.ANIMATE_STEP).value == "month"
    assert at.radio(key=state.ANIMATE_FORMAT).value == "gif"
    assert at.selectbox(key=state.ANIMATE_SIZE).value == "1280x720"
    assert at.button(key=state.ANIMATE_MAKE).label == "Make the animation"
    closed = make_app(layers="borders,treaty", date="2026-02-20")
    keys = {w.key for w in closed.date_input}
    assert state.ANIMATE_FROM not in keys  # nothing of it while the export panel is closed


def test_an_animation_is_made_in_a_child_process_and_offered_for_download(tmp_path):
    calls = []
    real = offload.run_cli

    def spy(command, args, **kwargs):
        calls.append((command, list(args)))
        return real(command, args, **kwargs)

    with (
        mock.patch.object(animate_panel, "ANIMATION_SIZES", ("320x180",)),
        mock.patch.object(offload, "run_cli", spy),
    ):
        at = make_app(layers="borders,treaty", date="2026-01-01", lang="pl", open_export=True)
        at.date_input(key=state.ANIMATE_FROM).set_value(dt.date(2024, 1, 1))
        at.selectbox(key=state.ANIMATE_STEP).set_value("year")
        at.button(key=state.ANIMATE_MAKE).click().run()
    assert not at.exception, at.exception
    ((command, args),) = calls
    assert command == "animate"
    wanted = ["--from", "2024-01-01", "--to", "2026-01-01", "--step", "year", "--layers",
              "borders,treaty", "--lang", "pl", "--size", "320x180", "--progress"]  # fmt: skip
    assert all(a in args for a in wanted)
    made = at.session_state[state.ANIMATION]
    assert not isinstance(made, str), made
    data, name, mime = made
    assert name == "timeline_2024-01-01_2026-01-01_year.gif" and mime == "image/gif"
    gif = tmp_path / name
    gif.write_bytes(data)
    with Image.open(gif) as image:
        assert image.size == (320, 180) and image.n_frames == 3 + 12  # 3 dates, 3 s card
    button = at.get("download_button")[-1]
    assert button.proto.label.startswith("Pobierz timeline_2024-01-01_2026-01-01_year.gif (")


def test_a_bad_range_or_too_many_frames_is_said_without_starting_a_job():
    with mock.patch.object(offload, "run_cli") as run:
        at = make_app(date="2026-01-01", open_export=True)
        at.date_input(key=state.ANIMATE_FROM).set_value(dt.date(2026, 6, 1))
        at.button(key=state.ANIMATE_MAKE).click().run()
        assert "The start date must be before the end date" in at.error[0].value
        at.date_input(key=state.ANIMATE_FROM).set_value(dt.date(1997, 1, 1))
        at.selectbox(key=state.ANIMATE_STEP).set_value("week")
        at.button(key=state.ANIMATE_MAKE).click().run()
        assert "more than 240 frames" in at.error[0].value
    run.assert_not_called()
