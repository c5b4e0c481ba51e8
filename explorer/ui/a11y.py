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

# The script of the hidden iframe. Its listeners are re-attached by every copy (a page's newer
# run may replace the iframe's document, and a listener of a replaced document stops running).
_HELPER_JS: Final[str] = """<!doctype html>
<html lang="%LANG%"><head><meta charset="utf-8"><title>%TITLE%</title></head><body>
<script>
(function () {
  var P = window.parent, doc;
  try { doc = P.document; if (!doc || !doc.body) { return; } } catch (e) { return; }
  var LINKS = %LINKS%, NAV_LABEL = %NAV%, MAP = %MAP%, SUMMARY = %SUMMARY%, NARROW = %NARROW%;
  if (!doc.getElementById("bfe-skip-style")) {
    var css = doc.createElement("style");
    css.id = "bfe-skip-style";
    css.textContent = ".bfe-skip a { position: fixed; left: 8px; top: -200px; z-index: 1000100;" +
      " background: #fff; color: #0b3a6e; padding: 12px 16px; border: 3px solid #0b3a6e;" +
      " border-radius: 4px; font: 600 16px/1.2 sans-serif; text-decoration: underline; }" +
      " .bfe-skip a:focus { top: 8px; outline: 3px solid #ffd54f; outline-offset: 0; }";
    doc.head.appendChild(css);
  }
  var nav = doc.getElementById("bfe-skip");
  if (!nav) {
    nav = doc.createElement("nav");
    nav.id = "bfe-skip";
    nav.className = "bfe-skip";
    doc.body.insertBefore(nav, doc.body.firstChild);  // before Streamlit's root: first Tab stop
  }
  nav.setAttribute("aria-label", NAV_LABEL);
  nav.textContent = "";
  LINKS.forEach(function (pair) {
    var a = doc.createElement("a");
    a.href = "#bfe-" + pair[0];
    a.setAttribute("data-target", pair[0]);
    a.textContent = pair[1];
    nav.appendChild(a);
  });
  function toMap() {
    var frame = doc.querySelector('iframe[title="' + MAP + '"]');
    if (!frame) { return; }
    frame.scrollIntoView({ block: "nearest" });
    frame.focus();
    try { frame.contentDocument.querySelector(".leaflet-container").focus(); } catch (e) { }
  }
  function toSummary() {
    var box = doc.querySelector(SUMMARY + " summary");
    if (!box) { return; }
    box.scrollIntoView({ block: "start" });
    box.focus();
    if (!box.parentElement.open) { box.click(); }  // opening it makes the summary (a rerun)
  }
  function onClick(e) {
    var a = e.target.closest ? e.target.closest("#bfe-skip a") : null;
    if (!a) { return; }
    e.preventDefault();
    if (a.getAttribute("data-target") === "map") { toMap(); } else { toSummary(); }
  }
  // The links' targets carry their ids (a link works, and names its target, even without this
  // script's click handler); the legend starts folded on a phone (each new legend once).
  function tick() {
    var frame = doc.querySelector('iframe[title="' + MAP + '"]');
    if (frame && frame.id !== "bfe-map") { frame.id = "bfe-map"; }
    var box = doc.querySelector(SUMMARY);
    if (box && box.id !== "bfe-summary") { box.id = "bfe-summary"; }
    if (P.innerWidth >= NARROW) { return; }
    doc.querySelectorAll("details.bfe-legend-fold:not([data-bfe-folded])").forEach(function (d) {
      d.setAttribute("data-bfe-folded", "1");
      d.open = false;
    });
  }
  var old = P.__bfeSkip;
  if (old) { doc.removeEventListener("click", old.click, true); clearInterval(old.timer); }
  doc.addEventListener("click", onClick, true);
  tick();
  P.__bfeSkip = { click: onClick, timer: setInterval(tick, 300) };
})();
</script></body></html>
"""


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
    page = (
        _HELPER_JS.replace("%LANG%", html_text(lang))
        .replace("%TITLE%", html_text(t("a11y.skip_links", lang)))
        .replace("%LINKS%", _js(links))
        .replace("%NAV%", _js(t("a11y.skip_links", lang)))
        .replace("%MAP%", _js(MAP_IFRAME_TITLE))
        .replace("%SUMMARY%", _js(f".st-key-{state.SUMMARY_OPEN}"))
        .replace("%NARROW%", str(NARROW_PX))
    )
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


def _js(value: object) -> str:
    """Return a JSON literal safe inside a ``<script>`` element (no ``</script>`` in it)."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
