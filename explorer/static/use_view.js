// The export panel's "Use the map's current view" (explorer/ui/export_panel.py): a file, not an
// inline script, so the Content-Security-Policy needs no 'unsafe-inline' (docs/deploy.md).
document.getElementById("use").addEventListener("click", () => {
  const doc = window.parent.document;
  const input = doc.querySelector(".st-key-" + document.getElementById("use").dataset.key + " input");
  if (!input) { return; }
  const proto = window.parent.HTMLInputElement.prototype;
  const setter = Object.getOwnPropertyDescriptor(proto, "value").set;
  setter.call(input, window.parent.location.search + "&t=" + Date.now());
  input.dispatchEvent(new window.parent.Event("input", { bubbles: true }));
  const enter = { key: "Enter", keyCode: 13, bubbles: true };
  input.dispatchEvent(new window.parent.KeyboardEvent("keydown", enter));
});
