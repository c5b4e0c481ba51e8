""" "Embed this view": the ``<iframe>`` snippet in the sidebar, and its pure builder (issue 19)."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import app_runner
import pytest

from explorer import embed, permalink
from explorer.ui import state as ui_state

LINK = {
    "layers": "borders,treaty,basemap",
    "date": "2026-02-20",
    "lat": "53.0000",
    "lon": "23.5000",
    "zoom": "7",
}


class _Frames(HTMLParser):
    """Every start tag of an HTML string, with its attributes unescaped (as a browser reads)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, dict(attrs)))


def _iframe(html: str) -> dict[str, str | None]:
    parser = _Frames()
    parser.feed(html)
    assert [tag for tag, _ in parser.tags] == ["iframe"], html  # one element, nothing else
    assert html.endswith("></iframe>")
    return parser.tags[0][1]


def _size_radio(at):
    return next(r for r in at.sidebar.radio if r.key.startswith(ui_state.EMBED_SIZE))


def _snippets(at) -> list[str]:
    return [c.value for c in at.code if c.value.lstrip().startswith("<iframe")]


# --- the pure builder ------------------------------------------------------------------------


def test_the_snippet_escapes_every_value_and_names_the_frame():
    html = embed.embed_snippet('https://m.example/?embed=true&a="x"<y>{{z}}', "small", 'A "b" <c>')
    frame = _iframe(html)
    assert frame["src"] == 'https://m.example/?embed=true&a="x"<y>{{z}}'
    assert frame["title"] == 'A "b" <c>'
    assert "&amp;a=&quot;x&quot;&lt;y&gt;&#123;&#123;z" in html  # as written in the page
    assert (frame["width"], frame["height"]) == ("640", "480")


@pytest.mark.parametrize(
    ("size", "width", "height"),
    [("small", "640", "480"), ("medium", "800", "600"), ("large", "1024", "768")],
)
def test_each_size_gives_its_width_and_height(size, width, height):
    frame = _iframe(embed.embed_snippet("https://m.example/", size, "Map"))
    assert (frame["width"], frame["height"]) == (width, height)


def test_full_width_fills_the_page_it_is_pasted_into():
    frame = _iframe(embed.embed_snippet("https://m.example/", "full", "Map"))
    assert "width" not in frame and "width: 100%" in frame["style"]
    with pytest.raises(ValueError, match="unknown size 'huge'"):
        embed.embed_snippet("https://m.example/", "huge", "Map")


def test_the_embed_url_is_the_permalink_in_embed_mode():
    state = permalink.State(layers=("borders",), date=dt.date(2026, 2, 20), lang="pl")
    url = embed.embed_url("https://maps.example.org/bfe/", state)
    parts = urlsplit(url)
    assert url.startswith("https://maps.example.org/bfe/?embed=true&")
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query == {"embed": "true", **permalink.to_query(state)}


# --- in the app (AppTest) --------------------------------------------------------------------


def _app(**query: str):
    at = app_runner.make_app(**{**LINK, **query})
    at.session_state[ui_state.EMBED_OPEN] = True  # as after a click on the expander
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_sidebar_gives_the_current_view_as_a_snippet_in_embed_mode():
    at = _app()
    (html,) = _snippets(at)
    frame = _iframe(html)
    src = urlsplit(frame["src"])
    assert (src.scheme, src.netloc, src.path) == ("http", "localhost:8501", "/")
    query = {k: v[0] for k, v in parse_qs(src.query).items()}
    assert query["embed"] == "true"
    # The permalink the page itself wrote, as a whole: the same layers, date, view, language.
    assert {k: v for k, v in query.items() if k != "embed"} == {
        k: at.query_params[k][0] if isinstance(at.query_params[k], list) else at.query_params[k]
        for k in at.query_params
    }
    assert query["layers"] == "borders,treaty,basemap" and query["date"] == "2026-02-20"
    assert "&amp;layers=" in html and "&layers=" not in html  # escaped in the HTML
    assert (frame["width"], frame["height"]) == ("800", "600")  # medium by default
    assert frame["title"] == "Border Fortification Explorer: map on 2026-02-20"


def test_the_size_choice_changes_width_and_height():
    at = _app()
    radio = _size_radio(at)
    assert radio.options[0].startswith("Small")
    radio.set_value("small").run()
    frame = _iframe(_snippets(at)[0])
    assert (frame["width"], frame["height"]) == ("640", "480")
    _size_radio(at).set_value("full").run()
    frame = _iframe(_snippets(at)[0])
    assert "width" not in frame and frame["style"].startswith("width: 100%; height: 600px")


def test_in_polish_and_the_size_kept_across_a_language_switch():
    at = _app(lang="pl")
    radio = _size_radio(at)
    assert radio.label == "Rozmiar osadzonej mapy" and radio.options[2].startswith("Duży")
    radio.set_value("large").run()
    frame = _iframe(_snippets(at)[0])
    assert frame["title"] == "Eksplorator umocnień granicznych: mapa na dzień 2026-02-20"
    assert "lang=pl" in frame["src"] and (frame["width"], frame["height"]) == ("1024", "768")
    assert any("HTTPS" in c.value for c in at.sidebar.caption)
    at.session_state[ui_state.LANG_KEY] = "en"
    at.run()
    at.session_state[ui_state.EMBED_OPEN] = True  # a new label: opened again, as by a click
    at.run()
    frame = _iframe(_snippets(at)[0])
    assert (frame["width"], frame["height"]) == ("1024", "768")


def test_closed_the_panel_costs_nothing():
    at = app_runner.make_app(**LINK)
    assert _snippets(at) == []
    assert any(e.label == "Embed this view" for e in at.sidebar.expander)


def test_embedded_the_page_shows_the_view_without_controls():
    from unittest import mock

    with mock.patch("explorer.ui.page._embedded", return_value=True):
        at = app_runner.make_app(**LINK)
    assert not at.exception
    assert len(at.sidebar.children) == 0  # no sidebar at all (25 elements when not embedded)
    assert app_runner.drawn_layers(at)  # the map is there
    link = next(c.value for c in at.caption if "Open this view in the explorer" in c.value)
    assert "embed" not in link and "layers=borders,treaty,basemap" in link
