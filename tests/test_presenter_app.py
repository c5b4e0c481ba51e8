"""Presenter mode under AppTest: opening by link or button, chapter navigation, language, exit."""

from __future__ import annotations

from unittest import mock

import pytest
from app_runner import drawn_layers, map_args, rerun_as_browser, served_at, sidebar_box, site_dir
from app_runner import make_app as _make_app
from streamlit.testing.v1 import AppTest

from explorer import story, style
from explorer.i18n import t
from explorer.ui import offload
from explorer.web import assets

CHAPTERS = story.load_chapters()
N = len(CHAPTERS)


def make_app(**query: str):
    return _make_app(60, **query)


def click(at: AppTest, key: str) -> AppTest:
    """Click a button (main area or sidebar) and rerun the script."""
    at.button(key=key).click().run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> list[str]:
    return [m.value for m in at.main.markdown]


def progress(at: AppTest) -> str:
    found = [v for v in texts(at) if f" / {N} · " in v]
    assert len(found) == 1, texts(at)
    return found[0].split(" · ")[0]


def shown_caption(at: AppTest, number: int, lang: str) -> bool:
    """Whether chapter ``number``'s caption is on the page (the app escapes markdown)."""
    caption = CHAPTERS[number - 1].caption[lang]
    plain = [v.replace("\\", "") for v in texts(at)]
    return caption in plain


def query(at: AppTest) -> dict[str, str]:
    return {k: at.query_params[k] for k in at.query_params}


def test_link_opens_the_chapter_full_width_in_its_language():
    at = make_app(mode="present", chapter="3", lang="pl")
    assert progress(at) == f"3 / {N}"
    assert shown_caption(at, 3, "pl") and not shown_caption(at, 3, "en")
    assert any(CHAPTERS[2].title["pl"] in v for v in texts(at))
    # No sidebar and no editing controls: no layer toggles, date slider, segment picker.
    assert len(at.sidebar.children) == 0 or not list(at.sidebar)
    assert not at.checkbox and not at.slider and not at.selectbox
    # The app writes the chapter's permalink back.
    assert query(at) == {"mode": "present", "chapter": "3", "lang": "pl"}
    assert not at.main.info


def test_map_is_the_chapters_view_offline_without_keyboard_panning():
    at = make_app(mode="present", chapter="4")
    args = map_args(at)
    expected = story.chapter_state(CHAPTERS[3], "en")
    assert args["view"][:3] == [expected.lat, expected.lon, expected.zoom]
    assert args["view"][3] == CHAPTERS[3].number  # each chapter is an explicit "go to"
    assert args["keyboard"] is False  # the arrow keys change chapters
    assert args["date"] == CHAPTERS[3].date.isoformat()
    # Offline: the layer files are relative URLs into the component's own folder.
    assert args["layers"] and all(url.startswith("layers/") for _, url in args["layers"])
    assert all((site_dir() / url).is_file() for _, url in args["layers"])
    assert assets.find_external_assets(args["attribution"]) == []
    # The chapter's layers (East Shield, the barriers) are drawn; the treaty shading is not.
    assert "east-shield" in drawn_layers(at) and "treaty" not in drawn_layers(at)
    assert drawn_layers(at) == [i for i in style.LAYER_IDS if i in CHAPTERS[3].layers]


def test_next_and_previous_buttons_walk_the_chapters():
    at = make_app(mode="present", chapter="1")
    assert at.button(key="presenter_previous").disabled
    for number in range(2, 4):
        click(at, "presenter_next")
        assert progress(at) == f"{number} / {N}"
        assert shown_caption(at, number, "en")
        assert at.query_params["chapter"] == str(number)
    click(at, "presenter_previous")
    assert progress(at) == f"2 / {N}" and at.query_params["chapter"] == "2"
    chapter = story.chapter_state(CHAPTERS[1])
    assert map_args(at)["view"][:3] == [chapter.lat, chapter.lon, chapter.zoom]
    assert map_args(at)["date"] == CHAPTERS[1].date.isoformat()


def test_last_chapter_has_no_next():
    at = make_app(mode="present", chapter=str(N))
    assert at.button(key="presenter_next").disabled
    assert not at.button(key="presenter_previous").disabled
    assert progress(at) == f"{N} / {N}"


def test_language_switch_changes_every_text_and_the_url():
    at = make_app(mode="present", chapter="2")
    assert shown_caption(at, 2, "en")
    assert at.button(key="presenter_next").label == t("presenter.next", "en")
    click(at, "presenter_lang")
    assert shown_caption(at, 2, "pl") and not shown_caption(at, 2, "en")
    assert at.button(key="presenter_next").label == t("presenter.next", "pl")
    assert at.button(key="presenter_lang").label == "English"
    assert query(at) == {"mode": "present", "chapter": "2", "lang": "pl"}
    # The language stays while moving on.
    click(at, "presenter_next")
    assert shown_caption(at, 3, "pl")
    assert query(at) == {"mode": "present", "chapter": "3", "lang": "pl"}


@pytest.mark.parametrize("bad", ["99", "0", "two", "<b>3</b>"])
def test_bad_chapter_falls_back_to_the_first_with_a_notice(bad):
    at = make_app(mode="present", chapter=bad)
    assert progress(at) == f"1 / {N}"
    assert at.main.info and "chapter" in at.main.info[0].value
    assert "<b>" not in at.main.info[0].proto.body  # text from the URL is escaped
    assert at.query_params["chapter"] == "1"


def test_bad_mode_stays_in_explore_with_a_notice():
    at = make_app(mode="slideshow")
    assert at.sidebar.checkbox  # the explorer, with its controls
    assert any("mode=" in i.value for i in at.main.info)
    assert "mode" not in query(at)


def test_present_button_opens_and_exit_returns_on_the_chapter():
    at = make_app(lang="pl")
    click(at, "present")
    assert progress(at) == f"1 / {N}"
    assert query(at) == {"mode": "present", "chapter": "1", "lang": "pl"}
    click(at, "presenter_next")
    chapter = CHAPTERS[1]
    click(at, "presenter_exit")
    # Back in the explorer, on the chapter's date and layers, in the same language.
    assert at.sidebar.slider(key="date").value == chapter.date
    checked = tuple(c.key.removeprefix("layer_") for c in at.sidebar.checkbox if c.value)
    assert checked == chapter.layers
    assert "mode" not in query(at)
    assert query(at)["lang"] == "pl" and query(at)["date"] == chapter.date.isoformat()
    assert query(at)["layers"] == ",".join(chapter.layers)


def test_handout_download_and_speaker_notes_are_offered():
    at = make_app(mode="present", chapter="5")
    buttons = at.main.get("download_button")
    assert len(buttons) == 1
    assert "pdf" in buttons[0].proto.label.lower()
    notes = at.main.expander[0]
    assert notes.label == t("presenter.notes", "en")
    assert any(CHAPTERS[4].notes["en"] in m.value.replace("\\", "") for m in notes.markdown)


def test_language_switch_in_the_presenter_then_exit_keeps_one_language():
    """Presenter in English, switch to Polski, Exit: page and picker agree, English works."""
    at = make_app()
    picker = sidebar_box(at, "lang")
    held = {picker.id: picker.options[picker.index]}  # the browser still holds "English"
    click(at, "present")
    click(at, "presenter_lang")
    at.button(key="presenter_exit").click()
    rerun_as_browser(at, held)
    assert not at.exception, at.exception
    assert at.title[0].value == t("app.title", "pl")
    picker = sidebar_box(at, "lang")
    assert picker.value == "pl"
    # What the browser shows: the value the server sends, else the box's default.
    shown = picker.proto.raw_value if picker.proto.set_value else picker.options[picker.index]
    assert shown == "Polski"
    picker.set_value("en").run()
    assert not at.exception, at.exception
    assert at.title[0].value == t("app.title", "en")
    assert query(at)["lang"] == "en"


def test_handout_and_chapter_link_carry_the_address_the_app_is_served_at():
    with served_at("https://class.example.org/?mode=present&chapter=3") as downloads:
        at = make_app(mode="present", chapter="3")
    link = "https://class.example.org/?mode=present&chapter=3&lang=en"
    assert any(link in m.value for m in at.main.markdown)
    # The handout is made by the command line in a child process, given the same address ...
    with mock.patch("explorer.ui.offload.run_cli", return_value=b"%PDF") as make:
        assert downloads["presenter_handout"]["data"]() == b"%PDF"
    command, args = make.call_args.args
    assert command == "handout"
    assert args[args.index("--base-url") + 1] == "https://class.example.org/"
    # ... and, should the child process fail, made here with it.
    failing = mock.patch("explorer.ui.offload.run_cli", side_effect=offload.OffloadError("x"))
    with failing, mock.patch("explorer.printmap.handout.handout_bytes", return_value=b"") as make:
        downloads["presenter_handout"]["data"]()
    assert make.call_args.kwargs["base_url"] == "https://class.example.org/"
