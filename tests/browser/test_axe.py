"""axe-core in every frame of the explorer, the presenter and compare mode, in both languages.

axe-core is vendored (``tests/browser/vendor/axe-core``, npm 4.14.1, MPL-2.0) and injected into
each frame with Playwright, so the audit runs offline and sees inside the map component's iframe
and the page's helper iframes, which axe's own frame traversal cannot reach without the script in
them. Passing means no serious or critical violation, apart from :data:`EXCLUSIONS`. Each page's
violations, all impacts, are written to ``tests/artifacts/axe-<page>.json``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Frame, Page

from .helpers import ARTIFACTS_DIR, PageLog, map_frame, wait_idle

pytestmark = pytest.mark.browser

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
AXE_VERSION = "4.14.1"
#: Impacts that fail the audit (WCAG 2.1 AA: issue 18).
FAILING = ("serious", "critical")


@dataclass(frozen=True)
class Exclusion:
    """One axe rule not counted on elements matching ``selector`` (an element Streamlit owns)."""

    rule: str
    selector: str
    upstream: str  # the Streamlit issue that tracks it


#: Only for elements Streamlit itself draws, each with its upstream reference. Empty today: the
#: one violation found (colour contrast of captions, 3.8:1) was ours to fix, in the theme's
#: text colour (explorer/config.py TEXT_COLOUR), and the helper iframes now have a language and
#: a title. Add entries as ``Exclusion("rule-id", "css selector", "https://github.com/...")``.
EXCLUSIONS: tuple[Exclusion, ...] = ()

_RUN_JS = """
async (exclusions) => {
  const result = await axe.run(document, {resultTypes: ["violations"], iframes: false});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => {
      const selector = n.target[n.target.length - 1];
      let el = null;
      try { el = document.querySelector(selector); } catch (e) { }
      const excluded = exclusions.find(x => x[0] === v.id && el && el.closest(x[1]));
      return {target: n.target.join(" "), html: n.html.slice(0, 300),
              summary: n.failureSummary, excluded: excluded ? excluded[2] : null};
    }),
  }));
}
"""

PAGES = {
    "explorer-en": "/?lang=en&date=2026-02-20",
    "explorer-pl": "/?lang=pl&date=2026-02-20",
    "presenter-en": "/?mode=present&chapter=3&lang=en",
    "presenter-pl": "/?mode=present&chapter=3&lang=pl",
    "compare-en": "/?lang=en&date=2026-03-01&compare=2025-01-01",
    "compare-pl": "/?lang=pl&date=2026-03-01&compare=2025-01-01",
}


def audit(page: Page) -> list[dict]:
    """Run axe in every frame of ``page``; return the violations, each with its frame's URL."""
    assert AXE_JS.is_file(), AXE_JS
    exclusions = [[x.rule, x.selector, x.upstream] for x in EXCLUSIONS]
    found: list[dict] = []
    for frame in page.frames:
        if frame.is_detached():
            continue
        _inject(frame)
        for violation in frame.evaluate(_RUN_JS, exclusions):
            found.append({"frame": frame.url[:120], **violation})
    return found


def _inject(frame: Frame) -> None:
    if not frame.evaluate("() => typeof window.axe !== 'undefined'"):
        frame.add_script_tag(path=str(AXE_JS))
    assert frame.evaluate("() => axe.version") == AXE_VERSION


def failing(violations: list[dict]) -> list[str]:
    """One readable line per serious or critical node that no exclusion covers."""
    return [
        f"{v['impact']} {v['id']} in {v['frame']}: {n['target']}\n    {n['summary']}"
        for v in violations
        if v["impact"] in FAILING
        for n in v["nodes"]
        if not n["excluded"]
    ]


def _open_whole_page(page: Page, path: str) -> None:
    page.goto(path)
    map_frame(page, min_paths=5)
    wait_idle(page)
    if "mode=present" in path:
        return
    # The text summary and the export panel are drawn only when open: audit them too.
    for key in ("summary_open", "export_open"):
        page.locator(f".st-key-{key} summary").click()
        wait_idle(page)
    page.locator(".st-key-export_open iframe").wait_for()
    page.wait_for_timeout(500)


@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_or_critical_violation(server, page: Page, page_log: PageLog, name: str):
    _open_whole_page(page, server.url + PAGES[name])
    violations = audit(page)
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    report = ARTIFACTS_DIR / f"axe-{name}.json"
    report.write_text(json.dumps(violations, indent=2, ensure_ascii=False), encoding="utf-8")
    frames = {v["frame"] for v in violations} | {f.url[:120] for f in page.frames}
    assert any("bfe_map" in f for f in frames), "the map's frame was not audited"
    problems = failing(violations)
    print(f"\naxe {AXE_VERSION} on {name}: {len(violations)} rules violated (all impacts), "
          f"{len(problems)} serious/critical nodes; report {report}")  # fmt: skip
    for line in problems:
        print("  " + line)
    assert problems == [], "\n".join(problems)
    assert page_log.problems() == []


def test_the_audit_sees_a_violation_inside_the_map_frame(server, page: Page):
    """The harness can fail: low-contrast text put into the map's frame is reported there."""
    page.goto(server.url + PAGES["explorer-en"])
    frame = map_frame(page, min_paths=5)
    frame.evaluate(
        """() => { const p = document.createElement('p');
                   p.id = 'bfe-test-grey'; p.textContent = 'too light to read';
                   p.style.cssText = 'position:absolute;top:0;left:60px;z-index:2000;'
                     + 'color:#c8c8c8;background:#fff;font-size:12px';
                   document.body.appendChild(p); }"""
    )
    problems = failing(audit(page))
    assert any("color-contrast" in p and "#bfe-test-grey" in p for p in problems), problems
