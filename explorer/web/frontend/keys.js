// The map by keyboard and screen reader (issue 18, WCAG 2.1 AA), beside map.js.
//
// - The map takes the focus with Tab (a visible ring: map.css) in the explorer and the presenter.
// - Explorer: Leaflet's own keyboard handler pans (arrows) and zooms (+ / -).
//   Presenter (args.keyboard false): the arrows belong to the chapters (explorer/ui/presenter.py),
//   so Shift+arrows pan and + / - zoom here.
// - N (or ]) and P (or Shift+N, [) go through the features in view, north to south; each is
//   ringed on the map, its tooltip shown and its name said through the live region #bfe-status.
//   Enter opens its popup (exactly what a click there opens) and moves the focus into it, so a
//   screen reader reads it; Escape closes it and gives the focus back to the map.
//
// map.js calls window.bfeKeys(map, kit) once, with kit = {sheet, open(layer, latlng)}, and the
// returned object's update(args) on every message.
(function () {
  "use strict";

  var PAN_PX = 80;

  window.bfeKeys = function (map, kit) {
    var container = map.getContainer();
    var status = document.getElementById("bfe-status");
    var args = null;
    var list = [];        // the features in view when N/P was last pressed: [{layer, at, name}]
    var index = -1;
    var ring = null;      // the circle drawn round the current feature
    var opened = false;   // the popup was opened from the keyboard (the focus is in it)

    if (container.tabIndex < 0 || !container.hasAttribute("tabindex")) { container.tabIndex = 0; }

    function say(text) {
      if (!status) { return; }
      status.textContent = "";
      window.setTimeout(function () { status.textContent = text; }, 50);  // re-read the same text
    }
    function label(key, fallback) {
      return (args && args.labels && args.labels[key]) || fallback;
    }
    function plain(html) {  // tooltip HTML (escaped in Python) as text
      var div = document.createElement("div");
      div.innerHTML = (html || "").replace(/<br\s*\/?>/gi, ", ");
      return (div.textContent || "").replace(/\s+/g, " ").trim();
    }

    // --- The features in view ------------------------------------------------------------------
    // A point on the feature that is in view: a marker's place, else the vertex nearest the
    // centre of the view (an area's centre when that is in view).
    function anchor(layer, view) {
      if (layer.getLatLng) { return view.contains(layer.getLatLng()) ? layer.getLatLng() : null; }
      if (!layer.getLatLngs) { return null; }
      if (layer instanceof L.Polygon) {
        try { var c = layer.getCenter(); if (view.contains(c)) { return c; } } catch (e) { }
      }
      var centre = view.getCenter(), best = null, bestD = Infinity;
      (function walk(x) {
        if (x instanceof L.LatLng) {
          if (view.contains(x)) {
            var d = Math.pow(x.lat - centre.lat, 2) + Math.pow(x.lng - centre.lng, 2);
            if (d < bestD) { bestD = d; best = x; }
          }
          return;
        }
        for (var i = 0; i < x.length; i++) { walk(x[i]); }
      })(layer.getLatLngs());
      return best;
    }
    function inView() {
      var sheet = kit.sheet, view = map.getBounds(), out = [];
      sheet.shown.forEach(function (url) {
        var entry = sheet.entries[url];
        if (!entry || entry.doc.layer === "basemap") { return; }
        entry.items.forEach(function (item) {
          if (item.look === null || !entry.group.hasLayer(item.layer)) { return; }
          var at = anchor(item.layer, view);
          if (!at) { return; }
          var look = entry.doc.looks[item.look];
          out.push({ layer: item.layer, at: at, name: plain(look && look.tooltip) });
        });
      });
      out.sort(function (a, b) { return (b.at.lat - a.at.lat) || (a.at.lng - b.at.lng); });
      return out;
    }

    function mark(item) {
      if (ring) { map.removeLayer(ring); ring = null; }
      if (!item) { return; }
      ring = L.circleMarker(item.at, {
        radius: 14, color: "#1a4f8a", weight: 3, fill: false, interactive: false,
        pane: "tooltipPane", className: "bfe-key-ring"
      }).addTo(map);
      if (item.layer.getTooltip && item.layer.getTooltip()) { item.layer.openTooltip(item.at); }
    }
    function step(by) {
      var was = current();
      list = inView();  // the view may have moved since: the list is made again, in order
      if (!list.length) { index = -1; mark(null); say(label("no_features", "No features in view.")); return; }
      var at = -1;
      for (var i = 0; was && i < list.length; i++) { if (list[i].layer === was.layer) { at = i; } }
      index = ((at < 0 ? (by > 0 ? -1 : 0) : at) + by + list.length) % list.length;
      var item = list[index];
      mark(item);
      say(label("feature_n", "Feature {i} of {n}: {name}. Enter opens its details.")
        .replace("{i}", String(index + 1)).replace("{n}", String(list.length))
        .replace("{name}", item.name));
    }
    function current() { return index >= 0 && index < list.length ? list[index] : null; }

    // --- The popup -------------------------------------------------------------------------------
    function open(item) {
      opened = true;
      kit.open(item.layer, item.at);
      var popup = map._popup;
      if (!popup || !popup.isOpen()) { opened = false; return; }
      var content = popup.getElement().querySelector(".leaflet-popup-content");
      content.setAttribute("role", "dialog");
      content.setAttribute("aria-label", item.name);
      content.tabIndex = -1;
      content.focus({ preventScroll: true });  // the popup pans itself into view (autoPan)
    }
    function closePopup() {
      map.closePopup();
      container.focus({ preventScroll: true });
    }
    map.on("popupclose", function (e) {
      var el = e.popup.getElement();
      var inside = el && el.contains(document.activeElement);
      if (opened || inside) { opened = false; container.focus({ preventScroll: true }); }
    });

    // --- Keys ------------------------------------------------------------------------------------
    var PAN = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    document.addEventListener("keydown", function (e) {
      if (e.altKey || e.ctrlKey || e.metaKey) { return; }
      var active = document.activeElement;
      var inPopup = map._popup && map._popup.isOpen() && map._popup.getElement().contains(active);
      if (e.key === "Escape" && (inPopup || (active === container && map._popup && map._popup.isOpen()))) {
        closePopup();
        e.preventDefault();
        e.stopPropagation();
        return;
      }
      if (active !== container) { return; }
      var keyboard = !args || args.keyboard !== false;
      var k = e.key;
      if (k === "n" || k === "N" || k === "]" || k === "p" || k === "P" || k === "[") {
        step(k === "n" || k === "]" ? 1 : -1);
      } else if (k === "Enter" && current()) {
        open(current());
      } else if (!keyboard && e.shiftKey && PAN[k]) {  // the presenter: Shift+arrows pan
        map.panBy(L.point(PAN[k][0] * PAN_PX, PAN[k][1] * PAN_PX));
      } else if (!keyboard && (k === "+" || k === "=" || k === "-" || k === "_")) {
        map.setZoom(map.getZoom() + (k === "+" || k === "=" ? 1 : -1));
      } else {
        return;
      }
      e.preventDefault();
    });

    return {
      // Every message: the labels, and the presenter's own description of its keys.
      update: function (a) {
        args = a;
        if (a.keyboard === false && !a.compare && a.labels.map_present) {
          container.setAttribute("aria-label", a.labels.map_present);
        }
      }
    };
  };
})();
