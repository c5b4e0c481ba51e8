// Compare mode (issue 16): the map on two dates at once, inside the one map component.
//
// Side by side, not a swipe. The question is "what changed between A and B", anywhere in view:
// Finland's shading, a barrier begun on another border. Two maps side by side show both dates
// everywhere at once, each with its date written on it, each clickable for its own popups and
// read by a screen reader as a map of its day. A swipe (one map, a divider showing A on one
// side and B on the other) shows each place on one date only: the reader has to drag the
// divider over every place to find what changed, and the divider's drag competes with the
// map's own pan, worst on a touch screen. The cost of side by side is half the width each, so
// a narrow frame (under NARROW_PX, a phone) stacks the two, A above B, each short enough for
// both to fit on the phone's screen at once.
//
// No Python round trip: the second map draws the layer documents map.js has already loaded
// (a second "sheet" of the same documents) on args.compare instead of args.date. Pan and zoom
// are kept together here, in the browser: every move or zoom of either map sets the other's
// view without animation (setView, or panBy by whole pixels at the same zoom), at most once a
// frame. A flag guards against feedback (the other map's own events, fired inside that call,
// are not sent back), and a view the other map already shows is not set again.
(function () {
  "use strict";

  var NARROW_PX = 640;       // frame width under which the two maps stack (a phone)
  var STACKED_SHARE = 0.75;  // each stacked map's height at most, as a share of the height asked
  var STACKED_MIN = 260;     // ... and at least, in px
  var PAGE_CHROME = 120;     // px of the page (its header, a margin) not available to the maps

  // ``kit`` is map.js's: {main, newSheet, makeMap, draw, overlay, fitMinZoom}.
  window.bfeCompare = function (kit) {
    var main = kit.main;
    var other = null;      // the sheet of day A (its own Leaflet map), while compare mode is on
    var unlink = null;     // removes the sync listeners
    var labels = {};       // "a", "b" -> the date written on each map
    var syncing = false;

    function narrow() { return window.innerWidth < NARROW_PX; }

    function setClass(name, on) {
      var has = document.body.classList.contains(name);
      if (has !== on) { document.body.classList.toggle(name, on); }
      return has !== on;
    }

    // --- Pan and zoom kept together ----------------------------------------------------------
    // Give ``to`` the view ``center``/``zoom``. Leaflet pans by whole pixels: at the same zoom
    // the pan is the rounded pixel offset (setView would truncate it, and a centre 0.9999 px
    // away would stay there), and nothing is done when that is zero.
    function copyView(to, center, zoom) {
      if (syncing) { return; }
      var offset = null;
      if (to.getZoom() === zoom) {
        offset = to.project(center, zoom).subtract(to.project(to.getCenter(), zoom)).round();
        if (!offset.x && !offset.y) { return; }
      }
      syncing = true;
      try {
        if (offset) { to.panBy(offset, { animate: false }); }
        else { to.setView(center, zoom, { animate: false }); }
      } finally { syncing = false; }
    }
    function follow(from, to) {
      var queued = false;
      var zooming = false;  // between "zoomanim" and "zoomend": ``from`` still shows the old view
      // At most once per frame: a drag fires "move" on every mouse event, and each setView
      // redraws the other map's paths.
      function later() {
        if (syncing || queued) { return; }
        queued = true;
        window.requestAnimationFrame(function () {
          queued = false;
          if (other && !zooming) { copyView(to, from.getCenter(), from.getZoom()); }
        });
      }
      var handlers = {
        move: later,  // while dragging, panning with the keys, and after a zoom
        zoom: later,
        // when a zoom animation starts: the other map takes the new view at once
        zoomanim: function (e) { zooming = true; copyView(to, e.center, e.zoom); },
        zoomend: function () { zooming = false; later(); }
      };
      from.on(handlers);
      return function () { from.off(handlers); };
    }

    // --- The second map ----------------------------------------------------------------------
    function create(a) {
      var el = document.createElement("div");
      el.id = "map-a";
      el.className = "bfe-map-a";
      el.setAttribute("role", "application");
      document.body.insertBefore(el, main.map.getContainer());  // first in reading order
      var m = kit.makeMap("map-a", a, main.map.getCenter(), main.map.getZoom(), false);
      L.control.scale({ metric: true, imperial: false, position: "bottomleft" }).addTo(m);
      other = kit.newSheet(m);
      window.bfeCompareMap = m;
      kit.fitMinZoom(m);
      var off1 = follow(main.map, m), off2 = follow(m, main.map);
      unlink = function () { off1(); off2(); };
    }
    function destroy() {
      unlink();
      unlink = null;
      var el = other.map.getContainer();
      other.shown = [];  // a layer file still loading is not drawn on the removed map
      other.map.remove();
      el.parentNode.removeChild(el);
      other = null;
      delete window.bfeCompareMap;
      document.body.removeAttribute("data-bfe-compare-ready");
      Object.keys(labels).forEach(function (k) {
        if (labels[k].parentNode) { labels[k].parentNode.removeChild(labels[k]); }
      });
    }

    function label(key, m, day, a) {
      var el = labels[key];
      if (!el) {
        el = labels[key] = document.createElement("div");
        el.className = "bfe-date-label bfe-date-label-" + key;
        el.setAttribute("aria-hidden", "true");  // the map's own label says its date
      }
      if (el.parentNode !== m.getContainer()) { m.getContainer().appendChild(el); }
      el.textContent = day;
      var onDate = (a.labels.on_date || "Map on {date}").replace("{date}", day);
      m.getContainer().setAttribute("aria-label", onDate + ". " + (a.labels.map || ""));
    }

    return {
      // Lay out one map or two for this message (and the frame's width), labels included.
      update: function (a) {
        var on = !!a.compare;
        var moved = setClass("bfe-compare", on);
        moved = setClass("bfe-stacked", on && narrow()) || moved;
        if (moved) { main.map.invalidateSize(); }  // keeps its centre
        if (on && !other) { create(a); }
        else if (!on && other) { destroy(); }
        else if (other && moved) {
          other.map.invalidateSize();
          copyView(other.map, main.map.getCenter(), main.map.getZoom());
        }
        if (on) {
          label("a", other.map, a.compare, a);
          label("b", main.map, a.date, a);
        }
      },
      // The frame's size may have changed (its first layout): day A's map follows.
      invalidate: function () {
        if (!other) { return; }
        other.map.invalidateSize();
        kit.fitMinZoom(other.map);
        copyView(other.map, main.map.getCenter(), main.map.getZoom());
      },
      // The frame's height: two stacked maps need more than one. On a phone both should fit
      // on the screen at once, so each is at most half of the page's height (less its header).
      height: function (a) {
        if (!a.compare || !narrow()) { return a.height; }
        var each = Math.round(STACKED_SHARE * a.height);
        try {
          var screen = window.parent.innerHeight;
          if (screen) { each = Math.min(each, Math.floor((screen - PAGE_CHROME) / 2)); }
        } catch (e) { /* another origin: the share of the height asked for */ }
        return 2 * Math.max(STACKED_MIN, each) + 4;  // and the 4 px divider
      },
      // Draw day A's map: the same layer files as the main map, on a.compare (a Promise).
      draw: function (a, urls) {
        if (!other) { return Promise.resolve(); }
        var sheet = other;
        kit.overlay(sheet, a.overlay || null);
        return kit.draw(sheet, urls, a.compare).then(function () {
          if (sheet === other) {
            document.body.setAttribute("data-bfe-compare-ready", a.compare + "|" + urls.join(","));
          }
        });
      }
    };
  };
})();
