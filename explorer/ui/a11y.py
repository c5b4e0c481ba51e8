"""The page by keyboard and on a phone: skip links, the legend folded on a small screen (issue 18).

Streamlit has no skip links and no way to run a script in its own page, so a hidden same-origin
iframe (as the presenter's arrow keys do) puts two links first in the page's tab order: "Skip to
the map" (the focus goes into the map component, on the Leaflet map) and "Skip to the text
summary" (the focus goes to the summary's expander, opened). On a screen narrower than
:data:`NARROW_PX` it also folds the legend, which :func:`legend_fold` wraps in ``<details>``,
and the page's CSS puts the map above its legend.
"""

from __future__ import annotations

import json
from typing import Final

import streamlit as st

from explorer.i18n import t
from explorer.text import html_text
from explorer.ui import map_view, state
from explorer.ui.text import frame_page

__all__ = ["NARROW_PX", "helper", "legend_fold", "page_css"]

#: Width in CSS pixels under which Streamlit stacks columns (its ``sm`` breakpoint): a phone.
NARROW_PX: Final[int] = 640

#: The map component's iframe title (Streamlit names it after the declaring module).
MAP_IFRAME_TITLE: Final[str] = f"{map_view.__name__}.{map_view.NAME}"

# On a phone the legend column (first on the left) would push the map below the first screen:
# the map comes first there and the legend, folded, under it. The helper is out of the layout.
_CSS: Final[str] = f"""
<style>
.st-key-{state.PAGE_HELPER} {{ position: absolute !important; width: 1px; height: 0;
  overflow: hidden; margin: 0 !important; }}
.bfe-legend-fold > summary {{ font-weight: 600; cursor: pointer; padding: 4px 0;
  min-height: 28px; }}
@media (max-width: {NARROW_PX}px) {{
  [data-testid="stColumn"]:has(.bfe-legend-fold) {{ order: 2; }}
  .bfe-legend-fold > summary {{ min-height: 44px; display: flex; align-items: center; }}
  [data-testid="stMainBlockContainer"] {{ padding-top: 3.8rem !important; }}
  [data-testid="stMain"] h1 {{ font-size: 1.6rem !important; padding: 0.4rem 0 !important; }}
}}
</style>
"""

# The hidden iframe loads the helper's script as a static file (``explorer/static/a11y_helper.js``,
# relative to the page, as the ``srcdoc`` frame's base is the page's): the Content-Security-Policy
# of ``explorer serve`` allows no inline script. Its settings travel as escaped data attributes.
_HELPER_HTML: Final[str] = (
    '<script id="bfe-a11y-helper" src="app/static/a11y_helper.js" data-links="%LINKS%" '
    'data-nav="%NAV%" data-map="%MAP%" data-summary="%SUMMARY%" data-narrow="%NARROW%"></script>'
)


def page_css() -> None:
    """Draw the page's CSS: the helper out of the layout, the map above its legend on a phone."""
    st.html(_CSS)


def helper(lang: str, *, summary: bool = True) -> None:
    """Draw the hidden helper: the skip links (translated) and the legend's folding.

    Parameters
    ----------
    lang : {"en", "pl"}
        Language of the links.
    summary : bool, default True
        Offer "Skip to the text summary" (the explorer; the presenter has no summary).
    """
    links = [["map", t("a11y.skip_map", lang)]]
    if summary:
        links.append(["summary", t("a11y.skip_summary", lang)])
    data = {
        "LINKS": json.dumps(links),
        "NAV": t("a11y.skip_links", lang),
        "MAP": MAP_IFRAME_TITLE,
        "SUMMARY": f".st-key-{state.SUMMARY_OPEN}",
        "NARROW": str(NARROW_PX),
    }
    page = _HELPER_HTML
    for name, value in data.items():
        page = page.replace(f"%{name}%", html_text(value))
    page = frame_page(page, lang=lang, title=t("a11y.skip_links", lang))
    with st.container(key=state.PAGE_HELPER):
        st.iframe(page, height=1, tab_index=-1)


def legend_fold(legend: str, lang: str) -> str:
    """Wrap the legend's HTML in a ``<details>`` titled "Legend", open (folded on a phone).

    Examples
    --------
    >>> legend_fold("<div>x</div>", "en")
    '<details class="bfe-legend-fold" open><summary>Legend</summary><div>x</div></details>'
    """
    title = html_text(t("legend.title", lang))
    return f'<details class="bfe-legend-fold" open><summary>{title}</summary>{legend}</details>'
