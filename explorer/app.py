"""Streamlit entry point: `python -m streamlit run explorer/app.py` or `python -m explorer app`.

Streamlit executes this file on every run; it only sets the page up and hands over to
:mod:`explorer.ui.page` (imported once per server), behind the last-resort error handler.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# Streamlit runs this file as a script with its own folder on sys.path; make the package importable
# whatever the working directory (plain `streamlit run explorer/app.py` included).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from explorer.i18n import t
from explorer.ui import guard, page

st.set_page_config(
    page_title=t("app.title", "en"),
    page_icon="🗺️",
    layout="wide",
    initial_sidebar_state="auto",  # collapsed on a phone or a tablet (issue 18)
)

guard.run_guarded(page.main)  # a message and a log entry, never a traceback on the page
