"""The scene as the browser reads it: GeoJSON features with escaped tooltips and popups.

Each scene row (:mod:`explorer.scene`) becomes a GeoJSON feature with its display geometry
(:mod:`explorer.display`) and, in one language, a tooltip and a popup: the facts of the row
(state, lengths, precision, sources) and the prose of its record in the data (notes,
descriptions, budgets). Every string from the data goes through :func:`explorer.text.html_text`
and links are made only of ``http(s)://`` URLs: Leaflet puts these strings into ``innerHTML``
as they are. Folium-free, so the results can be cached and tested as data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from shapely.geometry import mapping

from explorer import display, layers, scene, style, text
from explorer.config import DEFAULT_TREATY, LANGUAGES
from explorer.i18n import t
from explorer.partial_works import mark_label
from explorer.text import fmt_km, html_text
from explorer.view import View

if TYPE_CHECKING:
    import pandas as pd

    from explorer.data import Dataset

__all__ = [
    "collection",
    "description",
    "layer_collections",
    "localized",
    "partial_features",
]


def _check_lang(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; expected one of {list(LANGUAGES)}")


def localized(rec: Mapping[str, Any], field: str, lang: str) -> str:
    """Return a free-text field of a record in ``lang`` ("" when it has none).

    The English text is in ``field`` (``note``) or ``<name>_en`` (``label_en``), the Polish one
    in ``<name>_pl``. Where a Polish text is missing (partial data), the English one is shown.

    Examples
    --------
    >>> rec = {"note": "River border.", "note_pl": "Granica rzeczna.", "label_en": "Signed",
    ...        "label_pl": None}
    >>> localized(rec, "note", "pl"), localized(rec, "note", "en"), localized(rec, "label_en", "pl")
    ('Granica rzeczna.', 'River border.', 'Signed')
    """
    _check_lang(lang)
    base = field.removesuffix("_en")
    value = rec.get(field) if lang == "en" else rec.get(f"{base}_{lang}")
    if not isinstance(value, str) or not value.strip():
        value = rec.get(field)
    return value.strip() if isinstance(value, str) else ""


def description(rec: Mapping[str, Any], lang: str) -> str:
    """Return a fortification's description in ``lang`` (English when no translation is stored).

    Examples
    --------
    >>> description({"description_en": "A fence.", "description_pl": "Płot."}, "pl")
    'Płot.'
    >>> description({"description_en": "A fence.", "description_pl": None}, "pl")
    'A fence.'
    """
    _check_lang(lang)
    value = rec.get(f"description_{lang}")
    if not isinstance(value, str) or not value.strip():
        value = rec.get("description_en")
    return str(value or "")


def _words(prefix: str, value: object, lang: str) -> str:
    """Translate a coded value (``prefix.value``); unknown or empty values pass through as text."""
    raw = "" if text.is_missing(value) else str(value)
    try:
        return t(f"{prefix}.{raw}", lang)
    except ValueError:
        return raw.replace("-", " ")


def _row(label: str, value_html: str) -> str:
    return f"<tr><th>{html_text(label)}</th><td>{value_html}</td></tr>" if value_html else ""


def _popup(title: str, rows: Sequence[str], paragraphs: Sequence[str], sources: str) -> str:
    """Assemble a popup from escaped parts: heading, table rows, paragraphs, source list."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs if p)
    return (
        '<div class="bfe-popup">'
        f"<h4>{title}</h4>"
        f"<table>{''.join(rows)}</table>{body}{sources}"
        "</div>"
    )


def _sources(ds: Dataset, ids: Iterable[str], lang: str) -> str:
    return text.refs_html(text.source_refs(ds, ids), lang)


def _country_name(ds: Dataset, iso3: str, lang: str) -> str:
    return str(ds.countries.loc[iso3, f"name_{lang}"]) if iso3 in ds.countries.index else iso3


# --- One popup per family ------------------------------------------------------------------


def _border(ds: Dataset, row: Mapping[str, Any], lang: str) -> tuple[str, str]:
    seg = ds.segments.set_index("id").loc[row["record"]]
    name = html_text(row[f"name_{lang}"])
    official = fmt_km(row["official_km"], lang)
    if not text.is_missing(row["official_km"]) and not text.is_missing(seg["official_part"]):
        official += f" ({_words('part', seg['official_part'], lang)})"
    measured = fmt_km(seg["measured_km"], lang)
    if seg["measured_approx_km"]:
        parts = t(
            "popup.measured_parts",
            lang,
            exact=fmt_km(seg["measured_exact_km"], lang),
            approx=fmt_km(seg["measured_approx_km"], lang),
        )
        measured += f" ({parts})"
    difference = ""
    if not text.is_missing(row["official_km"]) and row["official_km"]:
        delta = float(seg["measured_km"]) - float(row["official_km"])
        difference = t(
            "popup.longer" if delta > 0 else "popup.shorter",
            lang,
            km=fmt_km(abs(delta), lang),
            pct=f"{abs(delta) / float(row['official_km']):.0%}",
        )
    precision = _words("precision", f"{row['precision']}.long", lang)
    rows = [
        _row(t("popup.official_length", lang), html_text(official)),
        _row(t("popup.measured_length", lang), html_text(measured)),
        _row(t("popup.difference", lang), html_text(difference)),
        _row(
            t("popup.this_piece", lang),
            html_text(f"{fmt_km(row['measured_km'], lang)}, {precision}"),
        ),
        _row(t("popup.priority", lang), html_text(_words("priority", row["priority"], lang))),
    ]
    why = (
        f"<b>{html_text(t('popup.why_differ_title', lang))}</b> "
        f"{html_text(t('popup.why_differ', lang))}"
    )
    popup = _popup(
        name,
        rows,
        [why, html_text(localized(seg, "note", lang))],
        _sources(ds, row["sources"], lang),
    )
    lengths_text = t(
        "popup.tooltip_lengths",
        lang,
        official=fmt_km(row["official_km"], lang),
        measured=fmt_km(seg["measured_km"], lang),
    )
    return f"<b>{name}</b><br>{html_text(lengths_text)}", popup


def _along(rec: Mapping[str, Any], lang: str) -> str:
    if rec["derive_method"] in ("segment", "corridor") and rec["derive_segments"]:
        return t("popup.along_segments", lang, segments=", ".join(rec["derive_segments"]))
    return t("popup.along_line", lang)


def _work(ds: Dataset, row: Mapping[str, Any], lang: str) -> tuple[str, str]:
    rec = ds.fortifications.set_index("id").loc[row["record"]].to_dict()
    name = html_text(row[f"name_{lang}"])
    state_text = style.state_label(row["state"], lang)
    if row["partial"]:
        label = mark_label(row, lang)
        rows = [
            _row(t("popup.programme", lang), html_text(style.layer_title(row["layer"], lang))),
            _row(t("popup.country", lang), html_text(_country_name(ds, row["country"][0], lang))),
            _row(t("popup.on_date", lang), html_text(state_text)),
            *[
                _row(t(f"popup.{key}", lang), html_text(row[key]))
                for key in ("announced", "start", "completed")
            ],
        ]
        popup = _popup(
            name,
            rows,
            [html_text(label), html_text(description(rec, lang))],
            _sources(ds, row["sources"], lang),
        )
        return f"<b>{html_text(label)}</b><br>{html_text(state_text)}", popup
    official = "" if text.is_missing(row["length_km"]) else fmt_km(row["length_km"], lang)
    length_note = localized(rec, "length_note", lang)
    if official and length_note:
        official += f" ({length_note})"
    measured = ""
    if not text.is_missing(row["measured_km"]) and row["measured_km"]:
        measured = f"{fmt_km(row['measured_km'], lang)} {_along(rec, lang)}"
    precision = t(f"precision.{row['precision']}.long", lang)
    width = rec["derive_width_km"]
    if row["precision"] == "corridor" and not text.is_missing(width):
        depth = f"{float(width):g}"
        precision += " " + t(
            "popup.corridor_depth", lang, km=depth.replace(".", ",") if lang == "pl" else depth
        )
    status_as_of = t(
        "popup.status_as_of", lang, date=f"{row['status_as_of']} ({row['status_source']})"
    )
    rows = [
        _row(t("popup.programme", lang), html_text(style.layer_title(row["layer"], lang))),
        _row(t("popup.type", lang), html_text(_words("element", row["element"], lang))),
        _row(t("popup.country", lang), html_text(_country_name(ds, row["country"][0], lang))),
        _row(t("popup.on_date", lang), html_text(state_text)),
        _row(status_as_of, html_text(_words("state", row["status"], lang))),
        *[
            _row(t(f"popup.{key}", lang), html_text(row[key]))
            for key in ("announced", "start", "completed", "target")
        ],
        _row(t("popup.official_length", lang), html_text(official)),
        _row(t("popup.measured_length", lang), html_text(measured)),
        _row(t("popup.precision", lang), html_text(precision)),
        _row(t("popup.confidence", lang), html_text(_words("confidence", row["confidence"], lang))),
        _row(t("popup.budget", lang), html_text(localized(rec, "budget", lang))),
    ]
    popup = _popup(
        name, rows, [html_text(description(rec, lang))], _sources(ds, row["sources"], lang)
    )
    return f"<b>{name}</b><br>{html_text(state_text)}", popup


def _country(ds: Dataset, row: Mapping[str, Any], treaty: str, lang: str) -> tuple[str, str]:
    name = html_text(row[f"name_{lang}"])
    status_text = style.status_label(row["state"], lang)
    since = ""
    if row["event"] is not None and isinstance(row["since"], dt.date):
        events = ds.treaty_events.set_index("id")
        label = (
            localized(events.loc[row["event"]], "label_en", lang)
            if row["event"] in events.index
            else ""
        )
        since = html_text(row["since"].isoformat()) + (f": {html_text(label)}" if label else "")
    rows = [
        _row(t("popup.on_date", lang), html_text(status_text)),
        _row(t("popup.since", lang), since),
    ]
    popup = _popup(
        name,
        rows,
        [html_text(t(f"treaty.{treaty}.long", lang))],
        _sources(ds, row["sources"], lang),
    )
    tooltip = f"<b>{name}</b><br>{html_text(treaty)}: {html_text(status_text)}"
    return tooltip, popup


# --- Collections ----------------------------------------------------------------------------


def collection(ds: Dataset, frame: pd.DataFrame, lang: str, treaty: str = DEFAULT_TREATY) -> dict:
    """Render the rows of one scene frame as a GeoJSON FeatureCollection in ``lang``.

    Parameters
    ----------
    ds : Dataset
        The data the frame was derived from (for prose, event labels and full sources).
    frame : pandas.DataFrame
        Rows of a scene frame (:data:`explorer.scene.COLUMNS`).
    lang : {"en", "pl"}
        Language of tooltips and popups.
    treaty : {"APMBC", "CCM"}, default "APMBC"
        The treaty a ``treaty`` frame shows.

    Returns
    -------
    dict
        Features with the row's ``id``; properties ``layer``, ``tooltip``, ``popup``, and
        ``priority``/``precision`` (borders), ``programme``/``precision``/``state`` (works; the
        marks of works not drawn also ``work`` and ``partial``), ``iso3``/``status``
        (countries). Rows whose display geometry is empty are left out.
    """
    _check_lang(lang)
    features = []
    geoms = display.display_geometries(ds, frame)
    for row, geom in zip(frame.to_dict("records"), geoms, strict=True):
        if geom is None:
            continue
        layer = row["layer"]
        props: dict[str, Any] = {"layer": layer}
        match layers.family(layer):
            case "border":
                tooltip, popup = _border(ds, row, lang)
                props.update(priority=row["priority"], precision=row["precision"])
            case "programme":
                tooltip, popup = _work(ds, row, lang)
                props.update(programme=layer, state=row["state"])
                if row["partial"]:
                    props.update(work=row["record"], partial=True)
                else:
                    props.update(precision=row["precision"])
            case _:
                tooltip, popup = _country(ds, row, treaty, lang)
                props.update(iso3=row["record"], status=row["state"])
        props.update(tooltip=tooltip, popup=popup)
        features.append(
            {
                "type": "Feature",
                "id": str(row["id"]),
                "properties": props,
                "geometry": mapping(geom),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def layer_collections(
    ds: Dataset,
    *,
    date: dt.date,
    visible: Iterable[str],
    lang: str = "en",
    treaty: str = DEFAULT_TREATY,
    bbox: object = None,
) -> dict[str, dict]:
    """Return the visible data layers on ``date`` as GeoJSON: the scene, rendered for the web.

    Works not drawn (their marks) are left out: :func:`partial_features` gives them.

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    date : datetime.date
        The day shown.
    visible : iterable of str
        Layer ids (:data:`explorer.layers.LAYER_IDS`); ``basemap`` has no features.
    lang : {"en", "pl"}, default "en"
        Language of tooltips and popups.
    treaty : {"APMBC", "CCM"}, default "APMBC"
        Treaty whose status the ``treaty`` layer shades.
    bbox : optional
        The view's box (default None: everything).

    Returns
    -------
    dict of str to dict
        Layer id -> FeatureCollection, in registry order.

    Raises
    ------
    explorer.view.ViewError
        (a ``ValueError``) for an unknown layer id, language or treaty.
    """
    view = View(layers=tuple(visible), date=date, bbox=bbox, lang=lang, treaty=treaty)  # type: ignore[arg-type]
    sc = scene.make_scene(ds, view)
    out = {}
    for layer, frame in sc:
        drawn = frame[~frame["partial"].astype(bool)] if len(frame) else frame
        out[layer] = collection(ds, drawn, lang, treaty)
    return out


def partial_features(ds: Dataset, programme: str, *, date: dt.date, lang: str = "en") -> dict:
    """Return the marks of one programme's works not drawn on ``date`` (points on their borders).

    Ids are ``<work>@<segment>``; properties ``layer``, ``programme``, ``work``, ``state``,
    ``partial`` (True), ``tooltip`` (the figure, "about 200 of 1,340 km, sections not
    public") and ``popup``.
    """
    if layers.family(programme) != "programme":
        raise ValueError(f"unknown programme {programme!r}")
    frame = scene.layer_frame(ds, programme, date)
    marks = frame[frame["partial"].astype(bool)] if len(frame) else frame
    return collection(ds, marks, lang)
