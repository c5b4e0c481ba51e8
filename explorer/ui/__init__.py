"""Streamlit UI components; the only package (with ``explorer/app.py``) that imports streamlit."""
