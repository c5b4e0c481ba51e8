// The sidebar's "Copy link" (explorer/ui/copy_link.py): a file, not an inline script, so the
// Content-Security-Policy needs no 'unsafe-inline' (docs/deploy.md).
const url = document.getElementById("url");
function current() {
  try { return window.parent.location.href; } catch (e) { return document.referrer || ""; }
}
function refresh() { if (document.activeElement !== url) url.value = current(); }
refresh(); setInterval(refresh, 1000);
document.getElementById("copy").addEventListener("click", async () => {
  url.value = current();
  let ok = false;
  try { await navigator.clipboard.writeText(url.value); ok = true; } catch (e) {
    url.focus(); url.select();
    try { ok = document.execCommand("copy"); } catch (e2) { ok = false; }
  }
  const done = document.getElementById("done");
  done.textContent = ok ? done.dataset.copied : done.dataset.fallback;
});
