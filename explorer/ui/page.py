"""The explorer's page: the sidebar, the map, its legend and the panels (one script run).

Everything the page caches is defined here, in a module imported once per server, not in the
script Streamlit executes on every run (``explorer/app.py``): the cached functions are then made
once, and a run costs only what it draws.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from explorer import basemap, config, data, intervals, style, summary, timeline, view
from explorer.i18n import t
from explorer.layers import DEFAULT_LAYERS, LAYER_IDS
from explorer.text import html_text
from explorer.ui import (
    a11y,
    about_data,
    changes_panel,
    copy_link,
    data_errors,
    embed_panel,
    export_panel,
    first_paint,
    map_view,
    overlay_panel,
    panel,
    play_controls,
    presenter,
    sidebar,
    state,
)
from explorer.ui.text import md_escape
from explorer.web import legend_html as web_legend
from explorer.web import site as web_site


@st.cache_resource(show_spinner=" / ".join(t("app.loading", lang) for lang in config.LANGUAGES))
def get_dataset(data_dir: str) -> data.Dataset:
    """Load and validate the data once per server and folder (shared, treated as read-only).

    ``partial``: a broken file only turns off the layers that need it (``unavailable_layers``).
    """
    return data.load_dataset(data_dir, partial=True)


@st.cache_resource(show_spinner=False)
def get_basemap() -> dict:
    """Load the local vector basemap once per server."""
    return basemap.load_basemap()


def get_site(data_dir: str) -> web_site.Site:
    """Return the map component's folder and layer files (written once per server and folder)."""
    return map_view.get_site(data_dir, get_dataset(data_dir), get_basemap())


@st.cache_data(show_spinner=False)
def get_key_events(data_dir: str) -> object:
    """Return the key events the time control can jump to."""
    ds = get_dataset(data_dir)
    return timeline.key_events(ds.treaty_events, ds.fortifications)


@st.cache_data(show_spinner=False, max_entries=64)
def get_change_lines(data_dir: str, start: dt.date, end: dt.date, lang: str) -> list[str]:
    """Return what changed between ``start`` and ``end`` as summary lines (cached)."""
    return summary.change_lines(get_dataset(data_dir), start, end, lang=lang)


@st.cache_data(show_spinner=False, max_entries=1024)
def get_summary_lines(
    data_dir: str, layers: tuple[str, ...], day: dt.date, bbox: tuple, lang: str
) -> list[str]:
    """Return the text summary of a view (pure and costly: cached for every session)."""
    ds = get_dataset(data_dir)
    return summary.summary_lines(ds, layers=list(layers), date=day, bbox=bbox, lang=lang)


@st.cache_data(show_spinner=False, max_entries=1024)
def _lengths_table(
    data_dir: str, ids: tuple[str, ...], lang: str, states: tuple, _day: dt.date
) -> object:
    return panel.display_table(
        panel.lengths_table(get_dataset(data_dir), list(ids), _day, lang), lang
    )


def get_lengths_table(data_dir: str, ids: tuple[str, ...], day: dt.date, lang: str) -> object:
    """Return the lengths panel's rows as text, cached by the works' states (not the date)."""
    ds = get_dataset(data_dir)
    return _lengths_table(
        data_dir, ids, lang, intervals.signature(ds, tuple(style.PROGRAMME_COLOURS), day), day
    )


@st.cache_data(show_spinner=False, max_entries=1024)
def _treaty_summary(data_dir: str, lang: str, states: tuple, _day: dt.date) -> object:
    return panel.treaty_summary(get_dataset(data_dir), _day, lang)


def get_treaty_summary(data_dir: str, day: dt.date, lang: str) -> object:
    """Return the treaty panel's words and rows, cached by the statuses (not the date) for all."""
    ds = get_dataset(data_dir)
    return _treaty_summary(data_dir, lang, intervals.signature(ds, ("treaty",), day), day)


@st.cache_data(show_spinner=False)
def get_segment_views(data_dir: str) -> dict[str, tuple[float, float, int]]:
    """Return :func:`segment_views` of the data in ``data_dir`` (once per server)."""
    return segment_views(get_dataset(data_dir))


def segment_views(ds: data.Dataset) -> dict[str, tuple[float, float, int]]:
    """Centre and zoom that frame each border segment."""
    views = {}
    for rec in ds.segments.to_dict("records"):
        minx, miny, maxx, maxy = rec["geometry"].bounds
        span = max(maxx - minx, (maxy - miny) * 1.8)
        zoom = 8 if span < 2 else 7 if span < 4 else 6 if span < 8 else 5
        views[rec["id"]] = ((miny + maxy) / 2, (minx + maxx) / 2, zoom)
    return views


def _embedded() -> bool:
    """Tell whether the page is shown in Streamlit's embed mode (``?embed=true``)."""
    try:
        return bool(st.context.is_embedded)
    except Exception:  # no browser context (AppTest, bare mode)
        return False


def main() -> None:
    """Draw the page."""
    data_dir = str(config.geodata_dir())
    try:
        ds = get_dataset(data_dir)
    except data.DataError as exc:
        data_errors.show_fatal(exc.problems, data_dir)
        st.stop()
    except Exception as exc:  # any surprise in the data: a message, never a traceback
        st.error(f"The data in {md_escape(data_dir)} could not be loaded: {md_escape(exc)}")
        st.stop()
    layer_ids = list(LAYER_IDS)
    state.init_from_query(
        layer_ids=layer_ids,
        default_layers=[i for i in layer_ids if i in DEFAULT_LAYERS],
        segment_ids=list(ds.segments["id"]),
        chapters=len(presenter.chapters_for(data_dir)),
    )
    if st.session_state.get(state.MODE) == "present":  # the story, full screen (issue 5)
        presenter.show(ds, data_dir, site=get_site(data_dir))
        return

    # The language picker's state is current before the script reruns: read it first, so every
    # label on this run (the sidebar title included) is in the chosen language.
    lang = st.session_state.get(state.LANG_KEY, "en")
    play_controls.catch_up()  # the day Play stopped on becomes the date, before the slider
    light = first_paint.map_only()  # a browser's first run of the page: the map before the rest
    # Embedded in another page (``?embed=true``, "Embed this view"): the view, without controls.
    embedded = _embedded()
    if not embedded:
        st.sidebar.title(t("app.title", lang))
        st.sidebar.caption(t("app.caption", lang))
        if light:  # said in the sidebar (and a marker the browser tests wait on)
            loading = html_text(t("app.loading_controls", lang))
            st.sidebar.html(f'<p class="bfe-loading" role="status">{loading}</p>')
        else:
            sidebar.language_picker()
            sidebar.time_controls(get_key_events(data_dir), lang)
            sidebar.compare_controls(lang)
            play_controls.controls(lang)
            sidebar.layer_toggles(style.layers(lang), lang)
            names = dict(zip(ds.segments["id"], ds.segments[f"name_{lang}"], strict=True))
            sidebar.segment_picker(names, get_segment_views(data_dir), lang)
            copy_link.copy_link_control(lang)
            presenter.present_button(data_dir, lang)

    # The link marks an uploaded overlay (``overlay=1``), so a session restarted elsewhere can
    # say it is gone (the overlay itself stays in its session only; issue 13).
    current = state.current(layer_ids, overlay=overlay_panel.current() is not None)
    state.write_query(current)
    if not light and not embedded:
        embed_panel.show(current, lang)  # in the sidebar, under "Share this view"
    # The analyst's own data (sidebar, session only); a page's first run has none yet.
    overlay = None if light or embedded else overlay_panel.show(current.lang)

    st.title(t("app.title", lang))
    data_errors.show_broken_files(ds)
    for message in state.link_notices(lang, "app.link_notice"):
        st.info(md_escape(message))
    lost = overlay_panel.lost_notice(lang)
    if lost:
        st.warning(md_escape(lost))
    day = current.date
    if day < dt.date(1997, 9, 18):
        st.info(md_escape(t("app.before_treaty", lang)))
    # Layers whose data file is broken stay selected (the link keeps them) but are not drawn.
    drawn = tuple(i for i in current.layers if i not in ds.unavailable_layers)
    if not current.layers:
        st.warning(md_escape(t("app.all_off", lang)))

    compare = current.compare  # compare mode: the earlier day "A", drawn beside ``day``
    play = None if light else play_controls.settings()
    # Two maps side by side need the width: the legend's column is narrower in compare mode.
    legend_col, map_col = st.columns([1, 3.2] if compare is None else [1, 4.6])
    with map_col:
        # Only state travels: the layer files reach the browser once (explorer/ui/map_view.py).
        drawn_reported = map_view.show_map(
            get_site(data_dir),
            layers=drawn,
            date=day,
            lang=current.lang,
            view=st.session_state[state.VIEW_KEY],
            view_version=st.session_state.get(state.VIEW_VERSION_KEY, 0),
            height=620,
            overlay=overlay,
            report_drawn=light,
            compare=compare,
            play=None
            if play is None
            else play_controls.payload(
                data_dir,
                ds,
                get_site(data_dir),
                drawn,
                play,
                current.lang,
                extra_legend=overlay_panel.legend_items(overlay, lang),
            ),
        )
        if compare is None:
            caption = t("app.map_caption", lang, date=day.isoformat(), as_of=config.DATA_AS_OF)
        else:
            caption = t(
                "app.map_caption_compare",
                lang,
                compare=compare.isoformat(),
                date=day.isoformat(),
                as_of=config.DATA_AS_OF,
            )
        st.caption(md_escape(caption))
    with legend_col:
        legend = web_legend.legend_html(
            map_view.legend(data_dir, ds, drawn, day, lang, compare=compare)
            + overlay_panel.legend_items(overlay, lang)
        )
        if legend.strip():  # folded on a phone, under the map (explorer/ui/a11y.py)
            st.html(a11y.legend_fold(legend, lang))
        else:
            st.markdown(f"**{md_escape(t('legend.title', lang))}**")
            st.caption(md_escape(t("legend.empty", lang)))
    a11y.page_css()
    a11y.helper(lang)  # skip links to the map and the text summary

    if light:
        first_paint.complete_later(drawn_reported)  # the rest once the map is drawn
        return
    if embedded:  # the whole explorer is one click away
        link = embed_panel.full_app_link(current, lang)
        st.caption(link)
        return

    live_lat, live_lon, live_zoom = state.live_view()
    # The same view in words, for screen readers and anyone who cannot see the map.
    # Made only while it is open (opening it reruns): most clicks never pay for it.
    box = st.expander(t("app.summary_title", lang), key=state.SUMMARY_OPEN, on_change="rerun")
    if box.open:
        with box:
            lines = get_summary_lines(
                data_dir, drawn, day, view.view_bbox(live_lat, live_lon, live_zoom), lang
            )
            if compare is not None:  # and what changed since A (issue 16)
                lines = [*lines, *get_change_lines(data_dir, compare, day, lang)]
            st.markdown(
                "\n".join(
                    f"- {md_escape(line[2:])}"
                    if line.startswith("- ")
                    else f"\n{md_escape(line)}\n"
                    for line in lines
                )
            )
    export_panel.show(
        ds,
        layers=drawn,
        day=day,
        lat=live_lat,
        lon=live_lon,
        zoom=live_zoom,
        lang=current.lang,
        overlay=overlay,
        compare=compare,
    )
    if compare is not None and not data_errors.show_panel_unavailable(
        ds, "What changed", ("treaty_events", "fortifications")
    ):
        changes_panel.show(ds, data_dir, compare, day, lang)
    if not data_errors.show_panel_unavailable(
        ds, "Border lengths", ("border_lengths", "fortifications")
    ):
        ids = (current.segment,) if current.segment else tuple(ds.segments["id"])
        table = get_lengths_table(data_dir, ids, day, lang)
        panel.show_lengths(ds, current.segment, day, lang, table=table)
    if not data_errors.show_panel_unavailable(ds, "Mine Ban Treaty status", ("treaty_events",)):
        panel.show_treaty_summary(ds, day, lang, summary=get_treaty_summary(data_dir, day, lang))
    about_data.show(data_dir, lang)  # as-of date and the change log (issue 14)
