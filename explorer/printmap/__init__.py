"""Print maps (PNG, SVG, PDF) and the presenter's PDF handout, drawn with matplotlib.

The same layers, colours and line patterns as the interactive map (:mod:`explorer.style`,
geometry from :mod:`explorer.scene`, in display geometry) on the local vector basemap, in a
Lambert azimuthal equal-area projection centred on the view, with the furniture a briefing needs:
title, legend of what is shown, scale bar and north arrow (both computed for the map centre),
graticule, the view's date, the data's as-of date, attribution, the sources of what is shown and
the view's permalink. No browser, no network, no folium; output is deterministic (fixed fonts, no
dates in file metadata, fixed SVG id salt). This package is the only part of the explorer that
imports matplotlib (``tests/test_architecture.py``).

Parts, each building on those above it:

* :mod:`.projection`: the map's projection, north and scale bar at the map centre, the extent,
  the graticule's lines, coordinates as text (no matplotlib);
* :mod:`.artists`: geometry to matplotlib paths and collections, the app's line styles in
  points, drawing order, legend swatches;
* :mod:`.layers`: the basemap, the data layers, an analyst's overlay and the graticule on the map;
* :mod:`.labels`: country names and the figures of works not drawn, placed clear of lines;
* :mod:`.furniture`: titles, footer, scale bar, north arrow, notices, legend, explanatory text;
* :mod:`.output`: formats, resolution, matplotlib settings, bytes and atomic files;
* :mod:`.layout`: :func:`render_static`, the figure's layout (with the data input, one function);
* :mod:`.handout`: one page per story chapter, a caption band under the titles, joined in a PDF.
* :mod:`.pagetext`, :mod:`.sheet`: a view (or two dates of it) laid out on real paper (A4, A3,
  Letter, Legal: :mod:`explorer.paper`), every block measured, type never under 7 pt;
* :mod:`.sources_page`, :mod:`.paper`: sources that do not fit continue on sources pages; the
  pages of a map file on paper as figures and bytes;
* :mod:`.atlas`: a cover with the contents, then one paper page per border segment.

The names below are the package's interface; names with a leading underscore are shared between
its parts only.
"""

from __future__ import annotations

from explorer.printmap.handout import handout_bytes, handout_figure, write_handout
from explorer.printmap.layers import BASEMAP_FILES, load_basemap
from explorer.printmap.layout import FIGSIZE_IN, render_static
from explorer.printmap.output import (
    DEFAULT_DPI,
    DPI_RANGE,
    STATIC_FORMATS,
    figure_bytes,
    save_static,
)
from explorer.printmap.projection import map_crs, north_angle_deg, scale_bar

__all__ = [
    "BASEMAP_FILES",
    "DEFAULT_DPI",
    "DPI_RANGE",
    "FIGSIZE_IN",
    "STATIC_FORMATS",
    "figure_bytes",
    "handout_bytes",
    "handout_figure",
    "load_basemap",
    "map_crs",
    "north_angle_deg",
    "render_static",
    "save_static",
    "scale_bar",
    "write_handout",
]
