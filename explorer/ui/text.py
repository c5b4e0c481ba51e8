"""Escaping for text that reaches Streamlit markdown (data, query strings, overlays)."""

from __future__ import annotations

import html

_MARKDOWN_SPECIALS = "\\[]()*_`#|<>$~!{}"


def md_escape(text: object) -> str:
    r"""Escape text for ``st.markdown``-like elements: HTML entities and markdown syntax.

    Examples
    --------
    >>> md_escape("<img src=x onerror=alert(1)> [a](javascript:x)")
    '&lt;img src=x onerror=alert\\(1\\)&gt; \\[a\\]\\(javascript:x\\)'
    """
    escaped = html.escape(str(text), quote=False)
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIALS else ch for ch in escaped)
