"""The last resort: no exception ever reaches the page as a traceback."""

from __future__ import annotations

import logging
from collections.abc import Callable

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

from explorer import config
from explorer.i18n import t
from explorer.ui.state import LANG_KEY
from explorer.ui.text import md_escape

__all__ = ["run_guarded"]

_log = logging.getLogger(__name__)


def run_guarded(main: Callable[[], None]) -> None:
    """Run ``main`` (the page); show a short message instead of any traceback it raises.

    Streamlit's own control flow (``st.stop()``, ``st.rerun()``: ``StopException`` and
    ``RerunException``) passes through untouched. Any other exception is logged with its full
    traceback to the server's log (stderr) and the page shows one translated line.

    Parameters
    ----------
    main : callable
        Draws the page; takes no arguments.
    """
    try:
        main()
    except ScriptControlException:
        raise
    except Exception:
        _log.exception("Unexpected error while drawing the page")
        lang = st.session_state.get(LANG_KEY)
        lang = lang if lang in config.LANGUAGES else "en"
        st.error(md_escape(t("app.unexpected_error", lang)))
