"""A visible "Copy link" control that copies the page URL (the whole state) to the clipboard."""

from __future__ import annotations

import streamlit as st

from explorer.i18n import t
from explorer.text import html_text
from explorer.ui.text import frame_page

# The component reads the parent page's URL live (it includes the map view, which the browser
# keeps current), shows it, and copies it. Clipboard API first, selection + execCommand as the
# fallback inside the sandboxed iframe.
_HTML = """
<div style="font-family: sans-serif; font-size: 14px;">
  <button id="copy" style="padding:4px 10px; cursor:pointer;" aria-label="%ARIA_BUTTON%">
    %BUTTON%
  </button>
  <span id="done" role="status" data-copied="%COPIED%" data-fallback="%FALLBACK%"
        style="margin-left:6px; color:#2a7a2a;"></span>
  <input id="url" readonly aria-label="%ARIA_URL%"
         style="width:100%; margin-top:6px; font-size:12px; box-sizing:border-box;">
</div>
<script src="app/static/copy_link.js"></script>
"""


def control_html(lang: str = "en") -> str:
    """Return the control's HTML in ``lang`` (texts escaped for HTML; the script reads them)."""
    page = _HTML
    for name, key in (("ARIA_BUTTON", "copy.aria_button"), ("BUTTON", "copy.button"),
                      ("ARIA_URL", "copy.aria_url"), ("COPIED", "copy.copied"),
                      ("FALLBACK", "copy.fallback")):  # fmt: skip
        page = page.replace(f"%{name}%", html_text(t(key, lang)))
    return frame_page(page, lang=lang, title=t("copy.share", lang))


def copy_link_control(lang: str = "en") -> None:
    """Render the control in the sidebar."""
    with st.sidebar:
        st.subheader(t("copy.share", lang))
        st.iframe(control_html(lang), height=80)
