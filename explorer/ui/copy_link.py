"""A visible "Copy link" control that copies the page URL (the whole state) to the clipboard."""

from __future__ import annotations

import streamlit as st

# The component reads the parent page's URL live (it includes the map view, which the browser
# keeps current), shows it, and copies it. Clipboard API first, selection + execCommand as the
# fallback inside the sandboxed iframe.
_HTML = """
<div style="font-family: sans-serif; font-size: 14px;">
  <button id="copy" style="padding:4px 10px; cursor:pointer;" aria-label="Copy link to this view">
    Copy link
  </button>
  <span id="done" role="status" style="margin-left:6px; color:#2a7a2a;"></span>
  <input id="url" readonly aria-label="Link to this view"
         style="width:100%; margin-top:6px; font-size:12px; box-sizing:border-box;">
</div>
<script>
const url = document.getElementById("url");
function current() {
  try { return window.parent.location.href; } catch (e) { return document.referrer || ""; }
}
function refresh() { if (document.activeElement !== url) url.value = current(); }
refresh(); setInterval(refresh, 1000);
document.getElementById("copy").addEventListener("click", async () => {
  url.value = current();
  let ok = false;
  try { await navigator.clipboard.writeText(url.value); ok = true; } catch (e) {
    url.focus(); url.select();
    try { ok = document.execCommand("copy"); } catch (e2) { ok = false; }
  }
  document.getElementById("done").textContent = ok ? "Copied" : "Select the link below and copy it";
});
</script>
"""


def copy_link_control() -> None:
    """Render the control in the sidebar."""
    with st.sidebar:
        st.subheader("Share this view")
        st.iframe(_HTML, height=80)
