// Loaded first, before Leaflet: say "ready" to Streamlit and start downloading the layer files
// the first message names, so the data arrives while Leaflet is still being parsed. map.js takes
// over the messages and the downloads (window.bfeBoot) once it has loaded.
(function () {
  "use strict";
  var boot = window.bfeBoot = { args: null, fetches: {}, listener: null };
  boot.fetch = function (url) {
    if (!boot.fetches[url]) {
      // Named by content hash: a cached copy is always right, whatever the server's headers say.
      boot.fetches[url] = fetch(url, { cache: "force-cache" }).then(function (r) {
        if (!r.ok) { throw new Error("could not load " + url + " (" + r.status + ")"); }
        return r.json();
      });
      boot.fetches[url].catch(function () { delete boot.fetches[url]; });
    }
    return boot.fetches[url];
  };
  boot.listener = function (event) {
    if (!event.data || event.data.type !== "streamlit:render") { return; }
    var args = event.data.args || {};
    boot.args = args;
    (args.layers || []).forEach(function (pair) { boot.fetch(pair[1]); });
  };
  window.addEventListener("message", boot.listener);
  window.parent.postMessage(
    { isStreamlitMessage: true, type: "streamlit:componentReady", apiVersion: 1 }, "*"
  );
})();
