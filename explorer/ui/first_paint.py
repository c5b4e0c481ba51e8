"""A browser's first run of the page draws the map and little else; the rest follows.

Streamlit's browser code fetches each kind of element's code (about forty lazily loaded chunks for
the sidebar's widgets and the panels' buttons) in the page's order, and inserts the map's frame
only when the first render has committed, after all of them: the map appeared 0.9 s after an
empty Streamlit page's title. So a browser's first run of a page draws the titles, the map and
its legend; the map reports when its first layers are drawn (its component value, one message),
and that rerun draws the whole page, the map untouched (``benchmarks/README.md``, first paint).

Clients that are not browsers (``AppTest``, protocol clients) get the whole page at once; a map
that never reports (a blocked script) is completed by a timer after :data:`FALLBACK_S`.
"""

from __future__ import annotations

from typing import Any, Final

import streamlit as st

from explorer.ui import state

#: Value of the map component's report (``explorer/web/frontend/map.js``), kept in session state
#: under :data:`explorer.ui.state.MAP_KEY`.
DRAWN: Final[int] = 1
#: Seconds after which a page whose map never reported draws the rest anyway.
FALLBACK_S: Final[float] = 3.0


def _is_browser() -> bool:
    """Tell whether this session's client announced itself as a web browser."""
    try:
        agent = st.context.headers.get("User-Agent") or ""
    except Exception:  # no request behind the session (AppTest)
        return False
    return "Mozilla/" in agent


def map_only() -> bool:
    """Tell whether this run draws only the map (and titles, legend): a browser's first run.

    Once the map has reported, or the client is no browser, the page is whole for the rest of
    the session (:data:`explorer.ui.state.PAGE_FULL`).
    """
    if st.session_state.get(state.PAGE_FULL):
        return False
    if st.session_state.get(state.MAP_KEY) == DRAWN or not _is_browser():
        st.session_state[state.PAGE_FULL] = True
        return False
    return True


def complete_later(reported: Any) -> None:
    """End a map-only run: the whole page now if the map has reported, else when it does.

    Parameters
    ----------
    reported : object
        The map component's value on this run (:data:`DRAWN` once its layers are drawn).
    """
    if reported == DRAWN:
        st.session_state[state.PAGE_FULL] = True
        st.rerun()
    _fallback()


@st.fragment(run_every=FALLBACK_S)
def _fallback() -> None:
    """Draw the whole page if the map has not reported by the timer's first tick."""
    runs = st.session_state.get(state.FIRST_PAINT_TIMER_RUNS, 0)
    st.session_state[state.FIRST_PAINT_TIMER_RUNS] = runs + 1
    if runs and not st.session_state.get(state.PAGE_FULL):
        st.session_state[state.PAGE_FULL] = True
        st.rerun(scope="app")
