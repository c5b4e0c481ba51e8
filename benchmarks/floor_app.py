"""Floor for the benchmark: an empty Streamlit page with one static element.

Whatever it costs to show this (Streamlit's front end, the WebSocket, one script run) every
Streamlit app pays; ``benchmarks/run.py`` compares the map app's first paint with it.
"""

import streamlit as st

st.title("Floor")
