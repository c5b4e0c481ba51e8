"""The "About the data" panel: as-of date and the change log rendered in the app (issue 14)."""

from __future__ import annotations

import re

import pytest
from app_runner import make_app

import explorer
from explorer import config, i18n
from explorer.ui import about_data, state

CHANGES = config.GEODATA_DIR / about_data.CHANGE_LOG


def _first_heading() -> str:
    text = CHANGES.read_text(encoding="utf-8")
    return re.search(r"^#+ (.+)$", text, flags=re.M).group(1).strip()


@pytest.mark.parametrize("lang", ["en", "pl"])
def test_about_panel_shows_the_as_of_date_and_the_change_log(lang):
    at = make_app(lang=lang, date="2026-02-20", layers="borders")
    title = i18n.t("about.title", lang)
    boxes = [e for e in at.main.expander if e.label == title]
    assert len(boxes) == 1, [e.label for e in at.main.expander]
    # Closed, it holds nothing (the page does not lay out the log on every load) ...
    assert not boxes[0].markdown
    # ... and opening it (a rerun, as a user's click) brings the date and the log.
    at.session_state[state.ABOUT_OPEN] = True
    at.run()
    boxes = [e for e in at.main.expander if e.label == title]
    texts = [m.value for m in boxes[0].markdown]
    assert any(config.DATA_AS_OF in t for t in texts)
    # The code's version (issue 19), in the page's language: "Explorer version 0.3.0."
    version = i18n.t("about.version", lang, version=explorer.__version__)
    assert version in [c.value for c in boxes[0].caption]
    log = next(t for t in texts if _first_heading() in t)
    assert re.search(rf"^#+ {re.escape(_first_heading())}$", log, flags=re.M)  # a heading
    assert "pl-by-electronic-barrier" in log  # the tables came along
    assert "](AUDIT.md)" not in log  # no link to a file in an offline app


def test_change_log_markdown_keeps_web_links_and_drops_file_links():
    md = about_data.change_log_markdown("## T\n[a](x.md) [b](https://e.org/) costs $3")
    assert md == "#### T\na [b](https://e.org/) costs \\$3"


def test_a_data_folder_without_a_change_log_says_so(tmp_path):
    assert about_data.read_change_log(str(tmp_path)) is None
