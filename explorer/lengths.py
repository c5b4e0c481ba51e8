"""Official versus measured border lengths, and a plain explanation of why they differ."""

from __future__ import annotations

import math

#: Shown wherever both lengths appear; short enough for a popup.
WHY_THEY_DIFFER = (
    "Official figures come from national surveys that follow every bend of rivers and "
    "lakes at full detail and may count water or sea stretches differently; the measured "
    "length is computed here along public map data (OpenStreetMap land borders, Natural Earth "
    "where they cross lakes), which is smoother, so it usually comes out a little shorter."
)


def difference_pct(official_km: float | None, measured_km: float | None) -> float | None:
    """Return how far the measured length is from the official one, in percent of official.

    Examples
    --------
    >>> difference_pct(418, 404.6)
    -3.2
    >>> difference_pct(None, 10) is None
    True
    >>> difference_pct(0, 10) is None
    True
    """
    if official_km is None or measured_km is None or not official_km:
        return None
    if math.isnan(official_km) or math.isnan(measured_km):
        return None
    return round((measured_km - official_km) / official_km * 100.0, 1)


def difference_note(
    official_km: float | None,
    measured_km: float | None,
    *,
    approx_km: float = 0.0,
    official_part: str | None = "total",
) -> str:
    """Explain, in one or two plain sentences, why a segment's two lengths differ.

    Parameters
    ----------
    official_km, measured_km : float or None
        The preferred official figure and the geodesic length of the drawn line.
    approx_km : float, default 0
        Part of the measured length drawn from generalised Natural Earth data (lakes, lagoons).
    official_part : str, default "total"
        What the official figure covers (``total``, ``land``, ...).

    Returns
    -------
    str

    Examples
    --------
    >>> difference_note(None, 100.0)
    'No official length is recorded for this border; the measured length is shown alone.'
    >>> "3.2 % shorter" in difference_note(418, 404.6)
    True
    """
    pct = difference_pct(official_km, measured_km)
    if pct is None:
        return "No official length is recorded for this border; the measured length is shown alone."
    direction = "shorter" if pct < 0 else "longer"
    first = (
        f"The measured line is {abs(pct):.1f} % {direction} than the official "
        f"{official_km:,.1f} km."
    )
    reasons = []
    if pct < 0:
        reasons.append(
            "map data smooths the small bends of border rivers and streams that surveys follow"
        )
    if approx_km > 0:
        reasons.append(
            f"{approx_km:,.1f} km across lakes or lagoons is drawn from generalised "
            "Natural Earth data"
        )
    if official_part and official_part != "total":
        reasons.append(f"the official figure covers the {official_part} border only")
    if pct > 0:
        reasons.append(
            "the official figure may leave out water or sea stretches that the line includes"
        )
    return first + " Why: " + "; ".join(reasons) + "."


#: Linear elements whose sourced length counts as "fenced or fortified km" of a border.
LINEAR_ELEMENTS = frozenset({"fence", "barrier", "electronic-barrier"})


def fortified_km(forts: object, segment_id: str, state_on: dict[str, str | None]) -> list[dict]:
    """List the sourced lengths of linear works (fences, barriers) on one border segment.

    Only features drawn on this segment alone are counted (a figure for two borders cannot be
    split between them), and only those that exist on the date (``state_on``: id → state).

    Parameters
    ----------
    forts : pandas.DataFrame or list of dict
        Fortifications with ``id``, ``name_en``, ``element``, ``derive_segments``,
        ``length_km``, ``sources`` (or their records, when asked for many segments).
    segment_id : str
        Border segment id.
    state_on : dict
        Feature id → ``announced`` / ``under-construction`` / ``complete`` / None on the date.

    Returns
    -------
    list of dict
        ``id``, ``name``, ``element``, ``km``, ``state``, ``sources`` per work.
    """
    records = forts if isinstance(forts, list) else forts.to_dict("records")  # type: ignore[attr-defined]
    rows = []
    for rec in records:
        segs = rec.get("derive_segments") or []
        km = rec.get("length_km")
        if rec.get("element") not in LINEAR_ELEMENTS or list(segs) != [segment_id]:
            continue
        if km is None or (isinstance(km, float) and math.isnan(km)):
            continue
        state = state_on.get(rec["id"])
        if state is None:
            continue
        rows.append(
            {
                "id": rec["id"],
                "name": rec["name_en"],
                "element": rec["element"],
                "km": float(km),
                "state": state,
                "sources": list(rec["sources"]),
            }
        )
    return rows
