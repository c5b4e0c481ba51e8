// The page's keyboard helper (explorer/ui/a11y.py, issue 18): skip links first in the tab
// order, their targets named, and the legend folded on a phone. A file, not an inline script, so
// the Content-Security-Policy needs no 'unsafe-inline' for scripts (docs/deploy.md). Its frame's
// listeners are re-attached by every copy (a page's newer run may replace the frame's document,
// and a listener of a replaced document stops running).
(function () {
  var P = window.parent, doc;
  try { doc = P.document; if (!doc || !doc.body) { return; } } catch (e) { return; }
  var me = document.getElementById("bfe-a11y-helper");
  var LINKS = JSON.parse(me.dataset.links), NAV_LABEL = me.dataset.nav, MAP = me.dataset.map;
  var SUMMARY = me.dataset.summary, NARROW = Number(me.dataset.narrow);
  if (!doc.getElementById("bfe-skip-style")) {
    var css = doc.createElement("style");
    css.id = "bfe-skip-style";
    css.textContent = ".bfe-skip a { position: fixed; left: 8px; top: -200px; z-index: 1000100;" +
      " background: #fff; color: #0b3a6e; padding: 12px 16px; border: 3px solid #0b3a6e;" +
      " border-radius: 4px; font: 600 16px/1.2 sans-serif; text-decoration: underline; }" +
      " .bfe-skip a:focus { top: 8px; outline: 3px solid #ffd54f; outline-offset: 0; }";
    doc.head.appendChild(css);
  }
  var nav = doc.getElementById("bfe-skip");
  if (!nav) {
    nav = doc.createElement("nav");
    nav.id = "bfe-skip";
    nav.className = "bfe-skip";
    doc.body.insertBefore(nav, doc.body.firstChild);  // before Streamlit's root: first Tab stop
  }
  nav.setAttribute("aria-label", NAV_LABEL);
  nav.textContent = "";
  LINKS.forEach(function (pair) {
    var a = doc.createElement("a");
    a.href = "#bfe-" + pair[0];
    a.setAttribute("data-target", pair[0]);
    a.textContent = pair[1];
    nav.appendChild(a);
  });
  function toMap() {
    var frame = doc.querySelector('iframe[title="' + MAP + '"]');
    if (!frame) { return; }
    frame.scrollIntoView({ block: "nearest" });
    frame.focus();
    try { frame.contentDocument.querySelector(".leaflet-container").focus(); } catch (e) { }
  }
  function toSummary() {
    var box = doc.querySelector(SUMMARY + " summary");
    if (!box) { return; }
    box.scrollIntoView({ block: "start" });
    box.focus();
    if (!box.parentElement.open) { box.click(); }  // opening it makes the summary (a rerun)
  }
  function onClick(e) {
    var a = e.target.closest ? e.target.closest("#bfe-skip a") : null;
    if (!a) { return; }
    e.preventDefault();
    if (a.getAttribute("data-target") === "map") { toMap(); } else { toSummary(); }
  }
  // The links' targets carry their ids (a link works, and names its target, even without this
  // script's click handler); the legend starts folded on a phone (each new legend once).
  function tick() {
    var frame = doc.querySelector('iframe[title="' + MAP + '"]');
    if (frame && frame.id !== "bfe-map") { frame.id = "bfe-map"; }
    var box = doc.querySelector(SUMMARY);
    if (box && box.id !== "bfe-summary") { box.id = "bfe-summary"; }
    if (P.innerWidth >= NARROW) { return; }
    doc.querySelectorAll("details.bfe-legend-fold:not([data-bfe-folded])").forEach(function (d) {
      d.setAttribute("data-bfe-folded", "1");
      d.open = false;
    });
  }
  var old = P.__bfeSkip;
  if (old) { doc.removeEventListener("click", old.click, true); clearInterval(old.timer); }
  doc.addEventListener("click", onClick, true);
  tick();
  P.__bfeSkip = { click: onClick, timer: setInterval(tick, 300) };
})();
