"""The Streamlit script under AppTest: widgets, state, permalinks, fallbacks, offline assets."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from unittest import mock

import pytest
from app_runner import (
    APP,
    drawn_layers,
    layer_files,
    make_app,
    map_args,
    map_component,
    rerun_as_browser,
    served_at,
    sidebar_box,
    site_dir,
    tables,
)
from streamlit.testing.v1 import AppTest

from explorer import i18n, style, text
from explorer.ui import state
from explorer.web import assets


def treaty_status(at: AppTest, country: str) -> str:
    """Status code of a country in the treaty table (whose words follow the language)."""
    table = tables(at)[-1]
    words = {
        style.status_label(code, lang): code
        for code in style.TREATY_STATUS_COLOURS
        for lang in ("en", "pl")
    }
    return words[table.set_index(table.columns[0]).loc[country].iloc[0]]


def plain(markdown: str) -> str:
    """Markdown source without its backslash escapes (text from t() is escaped)."""
    return re.sub(r"\\(.)", r"\1", markdown)


@pytest.fixture(scope="module")
def default_app() -> AppTest:
    return make_app()


def test_widgets_exist(default_app):
    at = default_app
    assert [c.label for c in at.sidebar.checkbox] == [title for _, title in style.LAYERS]
    assert all(c.value for c in at.sidebar.checkbox)
    assert at.sidebar.slider(key="date").value == dt.date.today()
    assert sidebar_box(at, "event").options[0].startswith("—")
    assert len(sidebar_box(at, "event").options) > 30
    assert "Poland–Belarus" in sidebar_box(at, "segment").options[2] or any(
        "Poland–Belarus" in o for o in sidebar_box(at, "segment").options
    )


#: Outside addresses the map's arguments may name: the credit line's links (hyperlinks, never
#: fetched) and the SVG namespace of the hatch patterns (an identifier, never fetched).
ALLOWED_URLS = {"http://www.w3.org/2000/svg"}
URL_RE = re.compile(r"https?://[^\s\"'<>)\\]+")


def test_map_assets_are_all_local(default_app):
    args = map_args(default_app)
    # Every layer file is a relative URL inside the component's own folder, and exists there.
    assert args["layers"]
    for _layer, url in args["layers"]:
        assert re.fullmatch(r"layers/[a-z-]+(\.(en|pl))?\.[0-9a-f]{12}\.json", url), url
        assert (site_dir() / url).is_file()
    # No outside URL in the arguments but the credit line's links (plain hyperlinks).
    attribution = args.pop("attribution")
    assert assets.find_external_assets(attribution) == []
    assert "https://www.openstreetmap.org/copyright" in attribution
    text = json.dumps(args)
    assert set(URL_RE.findall(text)) <= ALLOWED_URLS, URL_RE.findall(text)
    assert "cdn" not in text.lower()
    # The component's page and script load nothing from another host.
    for name in ("index.html", "boot.js", "compare.js", "map.js", "map.css"):
        page = (site_dir() / name).read_text(encoding="utf-8")
        assert assets.find_external_assets(page) == [], name
        assert not URL_RE.findall(page), (name, URL_RE.findall(page))
    index = (site_dir() / "index.html").read_text(encoding="utf-8")
    for ref in re.findall(r'(?:src|href)="([^"]+)"', index):
        assert (site_dir() / ref).is_file(), ref


def test_map_does_not_rerun_on_pan_and_sends_only_state(default_app):
    # The component reports a value once at most (its first drawing, when the page asks for it:
    # explorer/ui/first_paint.py), never on a pan, so panning never reruns the script ...
    script = (site_dir() / "map.js").read_text(encoding="utf-8")
    boot = (site_dir() / "boot.js").read_text(encoding="utf-8")
    sent = set(re.findall(r'send\("(streamlit:[A-Za-z]+)"', script))
    sent |= set(re.findall(r'type: "(streamlit:[A-Za-z]+)"', boot))
    assert sent == {
        "streamlit:componentReady", "streamlit:setFrameHeight", "streamlit:setComponentValue"
    }, sent  # fmt: skip
    # Twice in map.js: the first drawing's report, and Play's (play.js calls it only when it
    # stops: on Pause, at the end, and "back to the start"; tests/browser/test_play.py).
    assert script.count("setComponentValue") == 2 and "setComponentValue" not in boot
    assert re.search(r"if \(asked && !reported\) \{\s*reported = true;", script)
    play = (site_dir() / "play.js").read_text(encoding="utf-8")
    assert "setComponentValue" not in play and play.count("kit.send(") == 2
    args = map_args(default_app)
    assert args["report"] is False  # not a browser: the whole page at once, nothing to report
    # ... and every run sends only state: no data-layer geometry, well under 50 kB.
    assert args["overlay"] is None
    assert "coordinates" not in json.dumps(args)
    assert len(map_component(default_app).proto.json_args) < 50_000
    assert set(args) == {
        "layers", "date", "compare", "lang", "view", "window", "height", "keyboard", "overlay",
        "attribution", "panes", "decor", "labels", "session", "report", "play", "key", "default",
    }  # fmt: skip


def test_default_view_is_the_eastern_flank(default_app):
    assert default_app.query_params["zoom"] == "4"
    lat, lon, zoom, _version = map_args(default_app)["view"]
    assert 50 < lat < 66 and 18 < lon < 32 and zoom == 4
    assert map_args(default_app)["keyboard"] is True


def test_every_drawn_layer_file_is_the_layer_in_its_language(default_app):
    docs = layer_files(default_app)
    assert list(docs) == drawn_layers(default_app) == list(style.LAYER_IDS)
    for layer, doc in docs.items():
        assert doc["layer"] == layer
    east = {f["id"] for f in docs["east-shield"]["features"]}
    assert "pl-east-shield" in east
    assert map_args(default_app)["attribution"] == text.attribution_html("en")


def test_toggle_changes_layers_and_url():
    at = make_app()
    assert "east-shield" in drawn_layers(at)
    date_before = map_args(at)["date"]
    at.sidebar.checkbox(key="layer_east-shield").uncheck().run()
    assert not at.exception
    assert "east-shield" not in drawn_layers(at)
    assert drawn_layers(at) == [i for i in style.LAYER_IDS if i != "east-shield"]
    assert map_args(at)["date"] == date_before
    assert "east-shield" not in at.query_params["layers"].split(",")
    legend = at.main.get("html")[0].proto.body
    assert "East Shield" not in legend


def test_date_change_moves_treaty_status_and_url():
    at = make_app(date="2026-02-19")
    assert treaty_status(at, "Poland") == "withdrawal-pending"
    assert map_args(at)["date"] == "2026-02-19"
    layers_before = map_args(at)["layers"]
    at.sidebar.slider(key="date").set_value(dt.date(2026, 2, 20)).run()
    assert treaty_status(at, "Poland") == "withdrawn"
    # Only the date travels: the same layer files, the browser looks the new date up in them.
    assert map_args(at)["date"] == "2026-02-20"
    assert map_args(at)["layers"] == layers_before
    assert at.query_params["date"] == "2026-02-20"


def test_key_event_jumps_the_date():
    at = make_app()
    box = sidebar_box(at, "event")
    choice = next(o for o in box.options if "Poland" in o and "2025-08-20" in o)
    box.set_value(choice).run()
    assert at.sidebar.slider(key="date").value == dt.date(2025, 8, 20)


def test_query_string_restores_state():
    at = make_app(
        layers="borders,treaty",
        date="2025-12-27",
        segment="POL-BLR",
        lat="53",
        lon="23.5",
        zoom="7",
    )
    checked = {c.key.removeprefix("layer_") for c in at.sidebar.checkbox if c.value}
    assert checked == {"borders", "treaty"}
    assert at.sidebar.slider(key="date").value == dt.date(2025, 12, 27)
    assert sidebar_box(at, "segment").value == "POL-BLR"
    assert map_args(at)["view"][:3] == [53.0, 23.5, 7]
    assert drawn_layers(at) == ["borders", "treaty"]
    assert treaty_status(at, "Lithuania") == "withdrawn"
    assert not at.main.info
    # The panel shows the selected border's lengths and sources.
    lengths = tables(at)[0]
    assert list(lengths["Border"]) == ["Poland–Belarus"]
    assert lengths.iloc[0]["Official km"] == "418.0"


@pytest.mark.parametrize(
    "query",
    [
        {"date": "2025-02-30"},
        {"layers": "<script>alert(1)</script>"},
        {"zoom": "NaN"},
        {"segment": "XXX-YYY"},
        {"lat": "1e999"},
        {"lang": "xx"},
    ],
)
def test_bad_query_values_fall_back_with_a_notice(query):
    at = make_app(**query)
    assert at.main.info, "a notice is shown"
    assert "default is shown" in at.main.info[0].value
    # Text from the URL is escaped before it reaches markdown.
    assert "<script>" not in at.main.info[0].proto.body


def test_all_layers_off_shows_a_hint():
    at = make_app(layers="none")
    assert at.main.warning and "All layers are off" in at.main.warning[0].value
    assert drawn_layers(at) == []


def test_early_date_explains_empty_map():
    at = make_app(date="1990-01-01")  # before the range: clamped to 1997-01-01 with a notice
    assert at.sidebar.slider(key="date").value == dt.date(1997, 1, 1)
    assert any("did not exist yet" in i.value for i in at.main.info)
    assert treaty_status(at, "Poland") == "non-party"


def test_segment_with_no_fortifications_says_so():
    at = make_app(segment="NOR-RUS")
    assert any("No fortification is recorded" in m.value for m in at.main.markdown)


def test_export_panel_offers_every_format_for_the_current_state():
    closed = make_app(layers="borders,treaty", date="2026-02-20")
    assert not closed.main.get("download_button")  # sent only while the panel is open
    at = make_app(layers="borders,treaty", date="2026-02-20", open_export=True)
    keys = {b.proto.id for b in at.main.get("download_button")}
    assert len(keys) == 7
    caption = next(plain(c.value) for c in at.main.caption if "(W, S – E, N)" in plain(c.value))
    assert "borders, treaty" in caption and "2026-02-20" in caption


def test_live_view_reported_by_the_browser_moves_the_export_box():
    at = make_app(open_export=True)
    at.text_input(key="live_view_qs").input("?layers=borders&lat=53.0&lon=23.5&zoom=7&t=1").run()
    caption = next(plain(c.value) for c in at.main.caption if "(W, S – E, N)" in plain(c.value))
    assert "view 18.56, 50.90" in caption
    # Garbage from the channel is ignored (the script's own view is used): no exception.
    at.text_input(key="live_view_qs").input("?lat=<script>&zoom=99").run()
    assert not at.exception


# --- Languages and accessibility (issue 5) ------------------------------------------------------


def summary_text(at: AppTest) -> str:
    """The text summary of the view (the markdown inside the summary expander)."""
    if not (at.session_state.get(state.SUMMARY_OPEN)):
        at.session_state[state.SUMMARY_OPEN] = True  # as a user opening it: one rerun
        at.run()
        assert not at.exception, at.exception
    box = next(e for e in at.main.expander if e.label in SUMMARY_TITLES)
    return "\n".join(plain(m.value) for m in box.markdown)


SUMMARY_TITLES = {i18n.t("app.summary_title", lang) for lang in ("en", "pl")}


def test_switching_to_polish_changes_labels_title_and_link():
    at = make_app(date="2026-02-20", layers="borders,treaty")
    assert sidebar_box(at, "lang").value == "en"
    assert at.title[0].value == "Border Fortification Explorer"
    sidebar_box(at, "lang").set_value("pl").run()
    assert not at.exception
    assert at.query_params["lang"] == "pl"
    assert at.sidebar.title[0].value == at.title[0].value == "Eksplorator umocnień granicznych"
    assert [c.label for c in at.sidebar.checkbox] == [title for _, title in style.layers("pl")]
    assert at.sidebar.slider(key="date").label == "Pokaż mapę na dzień"
    assert [h.value for h in at.sidebar.subheader][:3] == ["Data", "Warstwy", "Odcinek granicy"]
    assert sidebar_box(at, "segment").options[0] == "Wszystkie granice"
    # The state survives the switch: the same date and layers, now in Polish.
    assert at.sidebar.slider(key="date").value == dt.date(2026, 2, 20)
    checked = {c.key.removeprefix("layer_") for c in at.sidebar.checkbox if c.value}
    assert checked == {"borders", "treaty"}
    assert treaty_status(at, "Polska") == "withdrawn"
    legend = at.main.get("html")[0].proto.body
    assert "Odcinki granic" in legend and "Border segments" not in legend
    assert "<summary>Legenda</summary>" in legend  # its title, folded on a phone
    # ... and back.
    sidebar_box(at, "lang").set_value("en").run()
    assert at.query_params["lang"] == "en"
    assert at.title[0].value == "Border Fortification Explorer"


def test_lang_pl_in_the_link_restores_polish():
    at = make_app(lang="pl", segment="POL-BLR")
    assert sidebar_box(at, "lang").value == "pl"
    assert at.title[0].value == "Eksplorator umocnień granicznych"
    assert [c.label for c in at.sidebar.checkbox] == [title for _, title in style.layers("pl")]
    assert not at.main.info
    lengths = tables(at)[0]
    assert list(lengths["Granica"]) == ["Polska–Białoruś"]
    assert any("Długości granic" in h.value for h in at.main.subheader)
    assert summary_text(at).startswith("Mapa na dzień")


def test_text_summary_describes_the_view_and_follows_the_date():
    at = make_app(date="2026-02-19", layers="borders,treaty")
    before = summary_text(at)
    assert "Layers shown: Border segments, Mine Ban Treaty status." in before
    assert "- Poland: withdrawal pending (since 2025-08-20)" in before
    assert "Poland–Belarus: 418.0 km / 404.6 km" in before
    at.sidebar.slider(key="date").set_value(dt.date(2026, 2, 20)).run()
    after = summary_text(at)
    assert after != before
    assert "Map on 2026-02-20" in after
    assert "- Poland: withdrawn (since 2026-02-20)" in after


# --- A user's first hour (issue 11) --------------------------------------------------------------


def _shown(at: AppTest, name: str) -> tuple[str, str]:
    """The widget id and the label of a sidebar selectbox as the browser shows it now."""
    box = sidebar_box(at, name)
    return box.id, box.options[box.index]


def test_language_switch_with_a_border_chosen_never_leaks_a_label():
    """Choose a border and an event, switch to Polski and back: ids stay ids, no traceback.

    The browser keeps each box's label and sends it back on every rerun (also after the labels
    changed language): those labels are what reaches the server here.
    """
    at = make_app()
    sidebar_box(at, "segment").set_value("POL-BLR").run()
    box = sidebar_box(at, "event")
    box.set_value(next(o for o in box.options if "2025-08-20" in o and "Poland" in o)).run()
    held = dict([_shown(at, "segment"), _shown(at, "event")])
    for lang, border in (("pl", "Polska–Białoruś"), ("en", "Poland–Belarus")):
        sidebar_box(at, "lang").set_value(lang)
        rerun_as_browser(at, held)
        assert not at.exception, at.exception
        assert at.query_params["segment"] == "POL-BLR"
        assert sidebar_box(at, "segment").value == "POL-BLR"
        assert _shown(at, "segment")[1] == border  # this language's labels, not the other's
        assert sidebar_box(at, "segment").options[0] == i18n.t("sidebar.all_borders", lang)
        assert sidebar_box(at, "event").options[0] == i18n.t("sidebar.no_event", lang)
        assert sidebar_box(at, "event").value.startswith("2025-08-20")
        assert list(tables(at)[0].iloc[:, 0]) == [border]
        for name in ("segment", "event"):
            held.setdefault(*_shown(at, name))


@pytest.mark.parametrize("label", ["Polska–Białoruś", "Wszystkie granice", "<b>x</b>", ""])
def test_any_label_the_browser_sends_for_the_border_box_leaves_an_id(label):
    at = make_app(segment="POL-BLR")
    rerun_as_browser(at, {sidebar_box(at, "segment").id: label})
    assert not at.exception, at.exception
    assert at.query_params.get("segment", "POL-BLR") in ("POL-BLR", "")
    assert sidebar_box(at, "segment").value in ("POL-BLR", "")


def test_an_unexpected_error_is_a_short_message_and_a_log_entry(caplog):
    with (
        mock.patch("explorer.ui.panel.show_treaty_summary", side_effect=KeyError("boom")),
        caplog.at_level(logging.ERROR, logger="explorer.ui.guard"),
    ):
        at = make_app(lang="pl")
    assert not at.exception
    assert [plain(e.value) for e in at.main.error] == [i18n.t("app.unexpected_error", "pl")]
    assert "KeyError: 'boom'" in caplog.text and "Traceback" in caplog.text


def test_date_input_and_slider_follow_each_other():
    at = make_app(date="2025-01-01")
    assert at.sidebar.date_input(key="date_input").value == dt.date(2025, 1, 1)
    at.sidebar.date_input(key="date_input").set_value(dt.date(2026, 2, 20)).run()
    assert at.sidebar.slider(key="date").value == dt.date(2026, 2, 20)
    assert at.query_params["date"] == "2026-02-20"
    assert treaty_status(at, "Poland") == "withdrawn"
    at.sidebar.slider(key="date").set_value(dt.date(2026, 2, 19)).run()
    assert at.sidebar.date_input(key="date_input").value == dt.date(2026, 2, 19)
    assert at.sidebar.date_input(key="date_input").min == dt.date(1997, 1, 1)
    assert at.sidebar.date_input(key="date_input").max == dt.date(2028, 12, 31)


def test_key_event_box_lets_go_when_the_date_leaves_the_event():
    at = make_app()
    box = sidebar_box(at, "event")
    box.set_value(next(o for o in box.options if "2025-08-20" in o)).run()
    assert sidebar_box(at, "event").value.startswith("2025-08-20")
    at.sidebar.slider(key="date").set_value(dt.date(2025, 9, 1)).run()
    assert sidebar_box(at, "event").value == ""
    assert _shown(at, "event")[1] == i18n.t("sidebar.no_event", "en")


@pytest.mark.parametrize(
    ("lang", "query", "says", "never"),
    [
        ("en", {"date": "2031-01-01"}, "showing 2028-12-31.", "default"),
        ("pl", {"date": "2031-01-01"}, "pokazano 2028-12-31.", "domyśln"),
        ("en", {"bogus": "1"}, "Ignored unknown parameter(s) 'bogus'.", "default"),
        ("pl", {"bogus": "1"}, "Pominięto nieznane parametry 'bogus'.", "domyśln"),
        ("en", {"zoom": "99"}, "The default is shown instead.", "showing"),
        ("pl", {"zoom": "99"}, "Zamiast tego pokazano wartość domyślną.", "pokazano 1"),
    ],
)
def test_each_link_notice_says_one_consistent_thing(lang, query, says, never):
    at = make_app(lang=lang, **query)
    (notice,) = [plain(i.value) for i in at.main.info]
    assert says in notice and never not in notice


def test_presenter_link_notice_for_an_unknown_parameter_claims_no_default():
    at = make_app(mode="present", chapter="2", bogus="1")
    (notice,) = [plain(i.value) for i in at.main.info]
    assert notice == "Link not fully understood: Ignored unknown parameter(s) 'bogus'."


@pytest.mark.parametrize("lang", ["en", "pl"])
def test_fenced_km_are_listed_per_work_never_as_a_sum(lang):
    at = make_app(segment="POL-BLR", date="2026-02-20", lang=lang)
    assert not any("+" in m.value for m in at.main.metric)
    title = i18n.t("panel.fenced", lang)
    block = next(
        plain(m.value) for m in at.main.markdown if plain(m.value).startswith(f"**{title}")
    )
    lines = [line for line in block.splitlines() if line.startswith("- ")]
    assert len(lines) == 3 and lines[0].startswith("- 186 km: ")
    assert i18n.t("panel.fenced_per_work", lang) in block


def test_exports_carry_the_address_the_app_is_served_at():
    with served_at("https://class.example.org/bfe/?lang=en") as downloads:
        at = make_app(layers="borders", date="2026-02-20", open_export=True)
    caption = next(plain(c.value) for c in at.main.markdown if "Link printed" in c.value)
    assert "(https://class.example.org/bfe/?layers=borders&date=2026-02-20&" in caption
    # Maps are made by the command line in a child process, data files in this one.
    with mock.patch("explorer.ui.offload.run_cli", return_value=b"") as run:
        downloads["export_svg"]["data"]()
    args = run.call_args.args[1]
    assert args[args.index("--base-url") + 1] == "https://class.example.org/bfe/"
    with mock.patch("explorer.export.export_bytes", return_value=b"") as make:
        downloads["export_geojson"]["data"]()
    assert make.call_args.kwargs["base_url"] == "https://class.example.org/bfe/"


def test_export_caption_in_polish_uses_decimal_commas():
    at = make_app(lang="pl", layers="borders", date="2026-02-20", open_export=True)
    caption = next(plain(c.value) for c in at.main.caption if "(zach.; płd." in plain(c.value))
    assert re.search(r"widok -?\d+,\d\d; -?\d+,\d\d – -?\d+,\d\d; -?\d+,\d\d \(", caption)
    assert not re.search(r"\d\.\d", caption)


def test_the_legend_lists_only_what_is_drawn_on_the_date():
    layers = ",".join(style.LAYER_IDS)
    early = make_app(layers=layers, date="2000-01-01")
    legend = next(h.proto.body for h in early.main.get("html") if "bfe-legend" in h.proto.body)
    assert "Withdrawn" not in legend and "Withdrawal pending" not in legend  # nobody had left
    assert "East Shield" not in legend  # not yet announced
    assert "Party" in legend
    late = make_app(layers=layers, date="2026-02-20")
    legend = next(h.proto.body for h in late.main.get("html") if "bfe-legend" in h.proto.body)
    assert "Withdrawn" in legend and "East Shield" in legend
    # works only marked on their border (sections not public): the mark is explained
    assert "sections not public" in legend


def test_a_browsers_first_run_draws_the_map_first_and_the_rest_when_it_is_drawn():
    """First paint: a browser's first run holds the map, titles and legend, nothing else."""
    from explorer.ui import first_paint

    with mock.patch("explorer.ui.first_paint._is_browser", return_value=True):
        at = AppTest.from_file(APP, default_timeout=90)
        at.query_params["date"] = "2026-02-20"
        at.run()
        assert not at.exception, at.exception
        args = map_args(at)
        assert args["report"] is True and args["date"] == "2026-02-20"
        assert not at.sidebar.checkbox and not at.sidebar.selectbox  # no widgets yet
        assert not tables(at) and not at.main.expander  # no panels yet
        assert any("bfe-legend" in h.proto.body for h in at.main.get("html"))  # the legend is
        # The map reports its first drawing (its value): the whole page, the same map.
        at.session_state[state.MAP_KEY] = first_paint.DRAWN
        at.run()
        assert not at.exception, at.exception
        assert len(at.sidebar.checkbox) == len(style.LAYER_IDS)
        assert tables(at) and at.main.expander
        assert map_args(at)["report"] is False and map_args(at)["date"] == "2026-02-20"
        # ... and stays whole on every later run of the page.
        at.checkbox(key="layer_treaty").uncheck().run()
        assert len(at.sidebar.checkbox) == len(style.LAYER_IDS)
