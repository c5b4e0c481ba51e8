"""The "About the data" panel: the data's as-of date, the explorer's version and the change log.

The app is offline, so the change log (``CHANGES.md`` in the data folder) is rendered here rather
than linked. It is read once per data folder (cached for every session).
"""

from __future__ import annotations

import re
from pathlib import Path

import streamlit as st

from explorer import __version__, config
from explorer.i18n import t
from explorer.ui import state
from explorer.ui.text import md_escape

#: The change log's file name in the data folder.
CHANGE_LOG = "CHANGES.md"

#: A Markdown link whose target is not a web address (a file beside the change log).
_LOCAL_LINK = re.compile(r"\[([^\]]+)\]\((?!https?://)[^)]*\)")


def change_log_markdown(text: str) -> str:
    r"""Prepare the change log for ``st.markdown``: no links to files, no maths, smaller headings.

    A link to a file (``[AUDIT.md](AUDIT.md)``) would lead nowhere in the app, so only its text is
    kept; ``$`` is escaped (Streamlit reads ``$…$`` as maths); headings go down two levels so
    the log's title does not outweigh the page's.

    Examples
    --------
    >>> change_log_markdown("# Log\nSee [`AUDIT.md`](AUDIT.md) and [x](https://e.org), $5.")
    '### Log\nSee `AUDIT.md` and [x](https://e.org), \\$5.'
    """
    text = _LOCAL_LINK.sub(r"\1", text)
    text = text.replace("$", r"\$")
    return re.sub(r"^(#{1,4}) ", lambda m: "#" * (len(m.group(1)) + 2) + " ", text, flags=re.M)


@st.cache_data(show_spinner=False)
def read_change_log(data_dir: str) -> str | None:
    """Return the data folder's change log ready for ``st.markdown`` (None when there is none)."""
    path = Path(data_dir) / CHANGE_LOG
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return change_log_markdown(text)


def show(data_dir: str, lang: str) -> None:
    """Draw the collapsed "About the data" expander: as-of date, version, then the change log.

    The version is the code's (:data:`explorer.__version__`, ``CHANGELOG.md`` in the repository);
    the change log shown is the data's own (``CHANGES.md`` in the data folder).

    The content is sent only while the expander is open (opening it reruns): the change log is
    tens of kilobytes of Markdown, which the browser would otherwise lay out, hidden, on every
    page load before the map appears (first paint, ``benchmarks/README.md``).
    """
    box = st.expander(t("about.title", lang), key=state.ABOUT_OPEN, on_change="rerun")
    if not box.open:
        return
    with box:
        st.markdown(md_escape(t("about.as_of", lang, date=config.DATA_AS_OF)))
        st.caption(md_escape(t("about.version", lang, version=__version__)))
        log = read_change_log(data_dir)
        if log is None:
            st.caption(md_escape(t("about.missing", lang)))
        else:
            st.markdown(log)
