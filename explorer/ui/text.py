"""Escaping for text that reaches Streamlit markdown (data, query strings, overlays)."""

from __future__ import annotations

import html

from explorer.text import html_text

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


def frame_page(body: str, *, lang: str, title: str) -> str:
    """Wrap the HTML of a helper iframe (``st.iframe``) in a whole page with a language and title.

    A frame's document is a page of its own to a screen reader and to axe (``html-has-lang``,
    ``document-title``): without them it is read in the wrong language, unnamed.

    Examples
    --------
    >>> page = frame_page("<b>x</b>", lang="pl", title="A <b>")
    >>> page[:31], page.split("<title>")[1][:14], page[-28:]
    ('<!doctype html><html lang="pl">', 'A &lt;b&gt;</t', '<body><b>x</b></body></html>')
    """
    head = f'<meta charset="utf-8"><title>{html_text(title)}</title>'
    start = f'<!doctype html><html lang="{html_text(lang)}">'
    return f"{start}<head>{head}</head><body>{body}</body></html>"
