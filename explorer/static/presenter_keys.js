// The presenter's arrow keys (explorer/ui/presenter.py): a file, not an inline script, so the
// Content-Security-Policy needs no 'unsafe-inline' for scripts (docs/deploy.md).
(function () {
  var P = window.parent, doc;
  try { doc = P.document; if (!doc) { return; } } catch (e) { return; }
  var me = document.getElementById("bfe-presenter-keys");
  var BUTTONS = {ArrowRight: ".st-key-" + me.dataset.next + " button",
                 ArrowLeft: ".st-key-" + me.dataset.previous + " button"};
  function typing(t) {
    if (!t || !t.tagName) { return false; }
    var tag = t.tagName.toLowerCase();
    var role = t.getAttribute ? t.getAttribute("role") : null;
    return tag === "input" || tag === "textarea" || tag === "select" || t.isContentEditable ||
      role === "slider" || role === "textbox" || role === "combobox";
  }
  function onKey(e) {
    var selector = BUTTONS[e.key];
    if (!selector || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || typing(e.target)) {
      return;
    }
    var button = doc.querySelector(selector);
    if (!button) { return; }
    e.preventDefault();
    if (e.repeat || button.disabled) { return; }
    button.click();
  }
  var old = P.__bfePresenterKeys;
  if (old) {
    old.docs.forEach(function (d) {
      try { d.removeEventListener("keydown", old.handler, true); } catch (e) { }
    });
  }
  var reg = {handler: onKey, docs: []};
  P.__bfePresenterKeys = reg;
  function attach(d) {
    if (d && reg.docs.indexOf(d) < 0) {
      d.addEventListener("keydown", onKey, true);
      reg.docs.push(d);
    }
  }
  function scan() {
    if (P.__bfePresenterKeys !== reg) { return; }
    attach(doc);
    doc.querySelectorAll("iframe").forEach(function (f) {
      try { attach(f.contentDocument); } catch (e) { }
    });
  }
  scan();
  setInterval(scan, 400);
})();
