"""The progress chart on paper: km of fortified border per country over time (issue 16).

Draws the series of :func:`explorer.progress.progress_series` (it computes nothing itself): per
country a solid step line of the km complete and a dashed one at the km complete or under
construction, with a light band between them: the uncertain part (dashed, as approximate lines
are on the map). The two compared dates are dotted vertical lines labelled A and B.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from explorer import style
from explorer.config import DATA_AS_OF
from explorer.i18n import t

__all__ = ["COUNTRY_COLOURS", "draw_progress"]

#: Line colours, in the order of the series' countries (one palette: the app's chart too).
COUNTRY_COLOURS: tuple[str, ...] = style.COUNTRY_COLOURS

_MARK_COLOUR = "#333333"
_DASHED = (0, (5, 3))


def draw_progress(
    ax: Axes,
    series: pd.DataFrame,
    lang: str = "en",
    marks: Sequence[dt.date] | None = None,
    *,
    names: Mapping[str, str] | None = None,
) -> Axes:
    """Draw a progress series on ``ax`` and return it.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    series : pandas.DataFrame
        :func:`explorer.progress.progress_series` (``date``, ``country``, ``km_complete``,
        ``km_building``).
    lang : {"en", "pl"}, default "en"
        Language of the title, axis and legend.
    marks : sequence of datetime.date, optional
        The compared dates, A then B: dashed vertical lines labelled "A 2025-01-01".
    names : mapping of str to str, optional
        Country code -> the name shown in the legend (default: the code).

    Returns
    -------
    matplotlib.axes.Axes
    """
    names = names or {}
    handles: list[Line2D | Patch] = []
    for i, country in enumerate(dict.fromkeys(series["country"])):
        part = series[series["country"] == country].sort_values("date")
        days = list(part["date"])
        done = part["km_complete"].to_numpy(dtype=float)
        ceiling = done + part["km_building"].to_numpy(dtype=float)
        colour = COUNTRY_COLOURS[i % len(COUNTRY_COLOURS)]
        ax.fill_between(days, done, ceiling, step="post", color=colour, alpha=0.12, linewidth=0)
        ax.step(days, ceiling, where="post", color=colour, linewidth=1.2, linestyle=_DASHED)
        (line,) = ax.step(days, done, where="post", color=colour, linewidth=2.2)
        line.set_label(names.get(country, country))
        handles.append(line)
    grey = "#555555"
    handles.append(Line2D([], [], color=grey, linewidth=2.2, label=t("progress.complete", lang)))
    handles.append(
        Line2D([], [], color=grey, linewidth=1.2, linestyle=_DASHED,
               label=t("progress.building", lang))
    )  # fmt: skip
    for label, day, side in zip("AB", marks or (), (-1, 1), strict=False):
        ax.axvline(day, color=_MARK_COLOUR, linestyle=":", linewidth=1.2)
        ax.annotate(
            f"{label} {day.isoformat()}", xy=(day, 1.0), xycoords=("data", "axes fraction"),
            xytext=(3 * side, -12), textcoords="offset points", fontsize=8, color=_MARK_COLOUR,
            ha="right" if side < 0 else "left",
        )  # fmt: skip
    ax.annotate(
        t("progress.as_of", lang, date=DATA_AS_OF), xy=(1.0, 0.0), xycoords="axes fraction",
        xytext=(-4, 4), textcoords="offset points", ha="right", fontsize=7, color=_MARK_COLOUR,
    )  # fmt: skip
    ax.set_title(t("progress.title", lang))
    ax.set_ylabel(t("progress.ylabel", lang))
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(handles=handles, loc="upper left", fontsize=8, frameon=False)
    return ax
