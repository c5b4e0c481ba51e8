// The explorer's map: a Streamlit component (v1 protocol, no build step) around vendored Leaflet.
//
// Data once, state on every click: each layer's geometry arrives once, as a static file named by
// a hash of its content (explorer/web/site.py); every script run then sends only state (visible
// layers, date, language, an explicit "go to"). The map is created once and never re-mounted.
//
// One derivation of time: every feature carries its [from, to) -> look intervals, computed in
// Python (explorer/intervals.py); for a date this file only finds the interval that holds it.
//
// A "sheet" is one Leaflet map and the layers drawn on it. The explorer has one; compare mode
// (compare.js) adds a second, drawing the same loaded documents on another date.
(function () {
  "use strict";

  var map = null;
  var args = null;
  var docs = {};        // url -> the layer document, once loaded (shared by every sheet)
  var loading = {};     // url -> Promise of the document
  var main = null;      // the sheet of ``map``: the date shown
  var compare = null;   // compare mode (compare.js): the second map, on args.compare
  var play = null;      // Play (play.js): steps the date in the browser
  var viewVersion = null;
  var frameHeight = null;
  var basemapOn = true;
  var reported = false;  // the first drawing was reported (args.report)
  var keys = null;       // keys.js: the map by keyboard and screen reader

  // --- Streamlit component protocol (v1) -------------------------------------------------------
  function send(type, data) {
    var msg = { isStreamlitMessage: true, type: type };
    for (var k in data || {}) { msg[k] = data[k]; }
    window.parent.postMessage(msg, "*");
  }
  var boot = window.bfeBoot;  // boot.js: already "ready", maybe holding a first message
  if (boot && boot.listener) { window.removeEventListener("message", boot.listener); }
  window.addEventListener("message", function (event) {
    if (event.data && event.data.type === "streamlit:render") {
      try { render(event.data.args || {}); } catch (e) { report(e); }
    }
  });
  function report(e) {
    if (window.console) { console.warn("bfe map:", e && e.message ? e.message : e); }
  }

  // --- Looking up a date ------------------------------------------------------------------------
  // iv rows are [from, to, look] with ISO dates (YYYY-MM-DD compares as text), to exclusive.
  function lookAt(iv, day) {
    for (var i = 0; i < iv.length; i++) {
      var row = iv[i];
      if ((row[0] === null || row[0] <= day) && (row[1] === null || day < row[1])) { return row[2]; }
    }
    return null;
  }
  window.bfeLookAt = lookAt;
  // What every loaded layer shows on ``day``: {layer: {feature id: [state, event] or null}}.
  // The same lookup the drawing uses (tests compare it with explorer/timeline.py).
  window.bfeStates = function (day) {
    var out = {};
    Object.keys(docs).forEach(function (url) {
      var doc = docs[url];
      if (doc.layer === "basemap") { return; }
      var states = out[doc.layer] = {};
      doc.features.forEach(function (f) {
        var idx = lookAt(f.properties.iv, day);
        states[f.id] = idx === null ? null : doc.looks[idx].state;
      });
    });
    return out;
  };

  // --- Map -----------------------------------------------------------------------------------
  function windowBounds(w) { return L.latLngBounds([w[1], w[0]], [w[3], w[2]]); }

  // The view must stay inside the data window at every width: the lowest zoom is the one at
  // which the whole viewport fits in it.
  function fitMinZoom(m) {
    if (!m || !args) { return; }
    var size = m.getSize();
    if (!size.x || !size.y) { return; }
    m.options.minZoom = 0;
    var z = m.getBoundsZoom(windowBounds(args.window), true);
    m.setMinZoom(Math.max(3, z));
    if (m.getZoom() < m.getMinZoom()) { m.setZoom(m.getMinZoom(), { animate: false }); }
    m.panInsideBounds(windowBounds(args.window), { animate: false });
  }

  // The scale bar sits above the credit line whatever its height (it wraps on a phone).
  var scale = null;
  function placeScale() {
    if (!scale || !map) { return; }
    var credits = map.attributionControl.getContainer();
    scale.getContainer().style.marginBottom = (credits.offsetHeight + 6) + "px";
  }

  // A Leaflet map in element ``id`` with the explorer's options and panes, at ``center``/``zoom``.
  function makeMap(id, a, center, zoom, credits) {
    var m = L.map(id, {
      center: center,
      zoom: zoom,
      maxZoom: 13,
      minZoom: 3,
      maxBounds: windowBounds(a.window),
      maxBoundsViscosity: 1.0,
      // Quarter zoom steps: the lowest zoom that keeps the view inside the data is not a whole
      // number, and a whole one would hide more of a wide chapter than needed.
      zoomSnap: 0.25,
      zoomDelta: 1,
      keyboard: a.keyboard !== false,
      renderer: L.svg({ padding: 0.5, tolerance: 4 }),
      zoomControl: true,
      attributionControl: credits
    });
    Object.keys(a.panes).forEach(function (name) {
      var pane = m.createPane(name);
      pane.style.zIndex = String(a.panes[name]);
    });
    m.on("resize", function () { fitMinZoom(m); });
    return m;
  }
  function newSheet(m) {
    // entries: url -> {doc, group, items: [{layer, feature, look}]}, built for this map
    return { map: m, entries: {}, shown: [], slots: {}, overlayToken: null, overlayGroup: null };
  }

  function createMap(a) {
    var decor = document.createElement("div");
    decor.id = "bfe-defs";
    decor.innerHTML = a.decor.svg;
    document.body.appendChild(decor);
    var css = document.createElement("style");
    css.textContent = a.decor.css;
    document.head.appendChild(css);
    map = makeMap("map", a, [a.view[0], a.view[1]], a.view[2], true);
    window.map = map;
    main = newSheet(map);
    map.attributionControl.setPrefix(false);
    scale = L.control.scale({ metric: true, imperial: false, position: "bottomleft" }).addTo(map);
    map.on("moveend", syncUrl);
    map.on("resize", placeScale);
    viewVersion = a.view[3];
    installUrlSync();
    if (window.bfeKeys) {
      keys = window.bfeKeys(map, { sheet: main, open: function (layer, latlng) {
        onFeatureClick(main, { target: layer, latlng: latlng });
      } });
    }
    if (window.bfePlay) {
      play = window.bfePlay({
        map: map,
        draw: function (day) { return drawSheet(main, wantedUrls(), day); },
        send: function (value) { send("streamlit:setComponentValue", { value: value, dataType: "json" }); },
        date: function () { return args.date; },
        fetch: function (url) { return boot.fetch(url); }
      });
    }
    if (window.bfeCompare) {
      compare = window.bfeCompare({
        main: main, newSheet: newSheet, makeMap: makeMap, draw: drawSheet,
        overlay: drawOverlay, fitMinZoom: fitMinZoom
      });
    }
  }

  // The ruler, in the page's language (leaflet-measure ships Polish).
  var measure = null;
  var measureLang = null;
  // The ruler's script (100 kB) is loaded after the first drawing, not before it.
  var rulerLoading = null;
  function loadRuler() {
    if (!rulerLoading) {
      rulerLoading = new Promise(function (resolve) {
        var css = document.createElement("link");
        css.rel = "stylesheet";
        css.href = "vendor/leaflet-measure/leaflet-measure.css";
        document.head.appendChild(css);
        var js = document.createElement("script");
        js.src = "vendor/leaflet-measure/leaflet-measure.min.js";
        js.onload = resolve;
        js.onerror = resolve;
        document.head.appendChild(js);
      });
    }
    return rulerLoading;
  }
  function setRuler(lang) {
    if (!L.Control.Measure) {
      loadRuler().then(function () { if (L.Control.Measure) { setRuler(args.lang || "en"); } });
      return;
    }
    if (lang === measureLang) { return; }
    if (measure) { map.removeControl(measure); }
    measure = new L.Control.Measure({
      position: "topleft", localization: lang,
      primaryLengthUnit: "kilometers", secondaryLengthUnit: null,
      primaryAreaUnit: "sqkilometers", secondaryAreaUnit: null
    }).addTo(map);
    measureLang = lang;
  }

  // --- The permalink follows the live view (no rerun) --------------------------------------------
  var P = null;
  try { P = window.parent; if (P === window || !P.location.href) { P = null; } } catch (e) { P = null; }
  function withView(url) {
    var u = new URL(url, P.location.href);
    if (!u.searchParams.has("layers") || !map) { return url; }
    var c = map.getCenter();
    u.searchParams.set("lat", c.lat.toFixed(4));
    u.searchParams.set("lon", c.lng.toFixed(4));
    u.searchParams.set("zoom", String(Math.round(map.getZoom())));
    return u.pathname + u.search + u.hash;
  }
  function installUrlSync() {
    if (!P || (args && args.sync_url === false)) { return; }
    P.__bfeViewUrl = withView;  // the newest map instance wins
    if (!P.__bfeHistoryWrapped) {
      P.__bfeHistoryWrapped = true;
      ["pushState", "replaceState"].forEach(function (name) {
        var original = P.history[name].bind(P.history);
        P.history[name] = function (state, title, url) {
          if (url !== undefined && url !== null && P.__bfeViewUrl) {
            try { url = P.__bfeViewUrl(String(url)); } catch (e) { /* keep the url */ }
          }
          return original(state, title, url);
        };
      });
    }
  }
  function syncUrl() {
    if (!P || (args && args.sync_url === false)) { return; }
    try { P.history.replaceState(P.history.state, "", withView(P.location.href)); } catch (e) { }
  }

  // --- Failover (python -m explorer serve) -------------------------------------------------------
  // The proxy keeps each browser on one worker with the cookie BFE_WORKER (serve/proxy.py). When
  // that worker dies, Streamlit reconnects through the proxy to a live one, which rewrites the
  // cookie, but the page does not rerun: it would sit on a session that no longer exists. So when
  // the cookie changes under the page, reload it: the new session starts from the link in the
  // address bar, which this file keeps on the live view.
  var AFFINITY_RE = /(?:^|;\s*)BFE_WORKER=([^;]*)/;
  function affinity() {
    try { var m = document.cookie.match(AFFINITY_RE); return m ? m[1] : null; } catch (e) { return null; }
  }
  if (P) {
    var startWorker = affinity();
    window.setInterval(function () {
      var now = affinity();
      if (startWorker === null) { startWorker = now; return; }
      if (now !== null && now !== startWorker) { startWorker = now; P.location.reload(); }
    }, 250);  // a string compare 4 times a second: nothing
  }

  // --- Layers -------------------------------------------------------------------------------
  function load(url) {
    if (!loading[url]) {
      loading[url] = boot.fetch(url)  // started by boot.js, maybe before Leaflet was parsed
        .then(function (doc) { docs[url] = doc; return doc; });
      loading[url].catch(function (e) { delete loading[url]; report(e); });
    }
    return loading[url];
  }
  // The layer ``url`` as drawn on ``sheet`` (built from the shared document on first use).
  function entryOf(sheet, url) {
    if (!sheet.entries[url] && docs[url]) { sheet.entries[url] = build(docs[url], url, sheet); }
    return sheet.entries[url] || null;
  }

  // Marks of works that are not drawn sit at the middle of their border; several on one border
  // are set side by side (a pixel offset), so each can be seen and clicked.
  var OffsetMarker = L.CircleMarker.extend({
    _project: function () {
      L.CircleMarker.prototype._project.call(this);
      if (this.options.bfeOffset) {
        this._point = this._point.add(this.options.bfeOffset);
        this._updateBounds();
      }
    }
  });
  var SLOTS = [[0, 0], [20, 0], [-20, 0], [0, 20], [0, -20], [20, 20], [-20, -20]];
  // Per sheet and language: a language's marks take the same places as another's, and the
  // same places on both maps of compare mode.
  function markOffset(sheet, latlng, lang) {
    var key = lang + ":" + latlng.lat.toFixed(4) + "," + latlng.lng.toFixed(4);
    var n = sheet.slots[key] = (sheet.slots[key] || 0) + 1;
    return L.point(SLOTS[(n - 1) % SLOTS.length]);
  }

  function build(doc, url, sheet) {
    var lang = (/\.(en|pl)\.[0-9a-f]+\.json$/.exec(url || "") || [null, "all"])[1];
    var group = L.featureGroup();
    var entry = { doc: doc, group: group, items: [], key: null };
    if (doc.layer === "basemap") {
      doc.parts.forEach(function (part) {
        var collection = { type: "FeatureCollection", features: part.geometry.map(function (g) {
          return { type: "Feature", properties: {}, geometry: g };
        }) };
        L.geoJSON(collection, {
          pane: part.pane, interactive: false, style: function () { return part.style; },
          smoothFactor: 1.5
        }).addTo(group);
      });
      return entry;
    }
    doc.features.forEach(function (feature) {
      var props = feature.properties;
      var options = { pane: props.pane };
      var layer = null;
      var geo = L.geoJSON(feature, {
        pane: props.pane,
        pointToLayer: function (f, latlng) {
          if (props.partial) {
            return new OffsetMarker(
              latlng, { pane: props.pane, radius: 8, bfeOffset: markOffset(sheet, latlng, lang) });
          }
          return L.circleMarker(latlng, { pane: props.pane, radius: 7 });
        },
        style: function () { return options; }
      });
      geo.eachLayer(function (l) { layer = l; });
      if (!layer) { return; }
      layer.feature = feature;
      layer.bfeLayer = doc.layer;
      layer.on("click", function (e) { onFeatureClick(sheet, e); });
      entry.items.push({ layer: layer, feature: feature, look: null });
    });
    return entry;
  }

  function applyDate(entry, day) {
    if (entry.doc.layer === "basemap") { return; }
    var looks = entry.doc.looks;
    entry.items.forEach(function (item) {
      var idx = lookAt(item.feature.properties.iv, day);
      var layer = item.layer;
      if (idx === null) {
        if (entry.group.hasLayer(layer)) { entry.group.removeLayer(layer); }
        item.look = null;
        return;
      }
      if (idx !== item.look) {
        var look = looks[idx];
        layer.setStyle(look.style);  // before the first add, className reaches the new path too
        if (layer._path) {  // Leaflet sets the class only when it makes the path
          layer._path.setAttribute("class", "leaflet-interactive " + (look.style.className || ""));
        }
        if (layer.getTooltip()) { layer.setTooltipContent(look.tooltip); }
        else { layer.bindTooltip(look.tooltip, { sticky: true }); }
        item.look = idx;
      }
      if (!entry.group.hasLayer(layer)) { entry.group.addLayer(layer); }
    });
  }

  // Every feature under the click, not only the top one: works drawn on the same border line
  // cannot be clicked apart otherwise.
  var KIND_ORDER = { point: 0, line: 1, area: 2 };
  function hitsAt(sheet, latlng) {
    var p = sheet.map.latLngToLayerPoint(latlng);
    var hits = [];
    sheet.shown.forEach(function (url) {
      var entry = sheet.entries[url];
      if (!entry || entry.doc.layer === "basemap") { return; }
      entry.items.forEach(function (item) {
        var l = item.layer;
        if (item.look === null || !entry.group.hasLayer(l) || !l._containsPoint) { return; }
        try { if (l._containsPoint(p)) { hits.push(item); } } catch (e) { }
      });
    });
    return hits;
  }
  window.bfeHitsAt = function (lat, lng) {
    return hitsAt(main, L.latLng(lat, lng)).map(function (h) { return [h.layer.bfeLayer, h.feature.id]; });
  };
  function onFeatureClick(sheet, e) {
    var clicked = e.target;
    var hits = hitsAt(sheet, e.latlng);
    var mine = null;
    hits.forEach(function (h) { if (h.layer === clicked) { mine = h; } });
    if (!mine) {
      docsEach(sheet, function (entry) {
        entry.items.forEach(function (item) { if (item.layer === clicked) { mine = item; } });
      });
      if (mine) { hits.unshift(mine); }
    }
    hits.sort(function (a, b) {
      var ka = KIND_ORDER[a.feature.properties.kind], kb = KIND_ORDER[b.feature.properties.kind];
      if (ka !== kb) { return ka - kb; }
      return (a === mine ? -1 : 0) - (b === mine ? -1 : 0);
    });
    var html = popupHtml(sheet, hits);
    if (!html) { return; }
    var size = sheet.map.getSize();  // a popup fits a phone's map too
    L.popup({ maxWidth: Math.min(380, size.x - 70), maxHeight: Math.max(160, size.y - 90),
              autoPanPadding: [20, 20] }).setLatLng(e.latlng).setContent(html).openOn(sheet.map);
    if (e.originalEvent) { L.DomEvent.stop(e.originalEvent); }
  }
  function docsEach(sheet, fn) {
    sheet.shown.forEach(function (url) { if (sheet.entries[url]) { fn(sheet.entries[url]); } });
  }
  function lookOf(sheet, item) {
    var entry = null;
    docsEach(sheet, function (d) { if (d.items.indexOf(item) >= 0) { entry = d; } });
    return entry ? entry.doc.looks[item.look] : null;
  }
  function popupHtml(sheet, hits) {
    var looks = hits.map(function (h) { return lookOf(sheet, h); }).filter(function (l) { return l; });
    if (!looks.length) { return ""; }
    if (looks.length === 1) { return looks[0].popup; }
    var head = (args.labels.features_here || "{n} features here").replace("{n}", String(looks.length));
    var parts = ['<div class="bfe-multi"><div class="bfe-multi-head">' + head + "</div>"];
    looks.forEach(function (look, i) {
      parts.push("<details" + (i === 0 ? " open" : "") + "><summary>" + look.tooltip + "</summary>" +
                 look.popup + "</details>");
    });
    parts.push("</div>");
    return parts.join("");
  }

  // Draw the layer files ``urls`` on ``sheet`` as they are on ``day`` (a Promise: all drawn).
  function drawSheet(sheet, urls, day) {
    sheet.shown.forEach(function (url) {  // remove what is no longer wanted
      var entry = sheet.entries[url];
      if (urls.indexOf(url) < 0 && entry && sheet.map.hasLayer(entry.group)) {
        sheet.map.removeLayer(entry.group);
      }
    });
    sheet.shown = urls;
    sheet.day = day;
    var pending = [];
    urls.forEach(function (url) {
      if (docs[url]) { show(sheet, entryOf(sheet, url)); }
      else {
        pending.push(load(url).then(function () {
          // only if still wanted; on the sheet's day now (a newer message may have changed it)
          if (sheet.shown.indexOf(url) >= 0) { show(sheet, entryOf(sheet, url)); }
        }));
      }
    });
    sheet.map.getContainer().style.background = basemapOn ? args.decor.sea : args.decor.blank;
    return Promise.all(pending);
  }

  function wantedUrls() { return args.layers.map(function (pair) { return pair[1]; }); }
  function redraw() {
    if (!map || !args) { return; }
    var wanted = wantedUrls();
    basemapOn = args.layers.some(function (pair) { return pair[0] === "basemap"; });
    // While Play owns the day (playing, or paused until the page catches up) the map keeps it.
    var pending = [drawSheet(main, wanted, play ? play.day(args.date) : args.date)];
    if (compare) { pending.push(compare.draw(args, wanted)); }
    var asked = args.report;
    Promise.all(pending).then(function () {
      setRuler(args.lang || "en");
      document.body.setAttribute("data-bfe-ready", args.date + "|" + wanted.join(","));
      map.fire("bfe:drawn");
      // The page's first run drew only the map: say it is drawn, and the page draws the rest
      // (one rerun; explorer/ui/first_paint.py). Once per page.
      if (asked && !reported) {
        reported = true;
        send("streamlit:setComponentValue", { value: 1, dataType: "json" });
      }
    });
  }
  function show(sheet, entry) {
    applyDate(entry, sheet.day);
    if (!sheet.map.hasLayer(entry.group)) { entry.group.addTo(sheet.map); }
  }

  // --- The analyst's overlay (session data: never a static file) --------------------------------
  function drawOverlay(sheet, overlay) {
    var token = overlay ? overlay.token : null;
    if (token === sheet.overlayToken) { return; }
    if (sheet.overlayGroup) { sheet.map.removeLayer(sheet.overlayGroup); sheet.overlayGroup = null; }
    sheet.overlayToken = token;
    if (!overlay) { return; }
    var overlayGroup = sheet.overlayGroup = L.featureGroup().addTo(sheet.map);
    var panes = { polygon: "bfe-forts", line: "bfe-borders", point: "bfe-points" };
    ["polygon", "line", "point"].forEach(function (kind) {
      var fc = overlay.kinds[kind];
      if (!fc) { return; }
      var s = overlay.styles[kind];
      L.geoJSON(fc, {
        pane: panes[kind],
        style: function () { return s; },
        pointToLayer: function (f, latlng) {
          return L.circleMarker(latlng, { pane: panes[kind], radius: s.radius || 6 });
        },
        onEachFeature: function (f, l) {
          if (f.properties && f.properties.tooltip) { l.bindTooltip(f.properties.tooltip, { sticky: true }); }
          if (f.properties && f.properties.popup) { l.bindPopup(f.properties.popup, { maxWidth: 380 }); }
        }
      }).addTo(overlayGroup);
    });
    Object.keys(overlay.canvas || {}).forEach(function (kind) {
      if (window.bfeCanvasOverlay) { window.bfeCanvasOverlay(overlayGroup, overlay.canvas[kind], panes[kind]); }
    });
  }

  // --- One render: state only ------------------------------------------------------------------
  function render(a) {
    // Another server session under this page: its worker died and the proxy sent the page to a
    // live one (python -m explorer serve). Reload, so the new session starts cleanly from the
    // link in the address bar (kept on the live view), instead of from the old page's widgets.
    if (P && a.session) {
      if (P.__bfeSession && P.__bfeSession !== a.session) { P.location.reload(); return; }
      P.__bfeSession = a.session;
    }
    var first = map === null;
    args = a;
    if (first) { createMap(a); }
    setHeight();
    map.attributionControl._attributions = {};
    map.attributionControl.addAttribution(a.attribution);
    placeScale();
    document.documentElement.lang = a.lang || "en";
    map.getContainer().setAttribute("aria-label", a.labels.map || "Map");
    if (keys) { keys.update(a); }
    if (!first && a.view[3] !== viewVersion) {
      viewVersion = a.view[3];
      map.setView([a.view[0], a.view[1]], a.view[2], { animate: false });
    }
    if (compare) { compare.update(a); }  // one map or two (before the first invalidateSize)
    if (first) {
      setTimeout(function () {
        map.invalidateSize();
        fitMinZoom(map);
        if (compare) { compare.invalidate(); }
      }, 0);
    }
    if (play) { play.update(a); }
    drawOverlay(main, a.overlay || null);
    redraw();
  }
  // The frame's height: the message's, or more when compare mode stacks two maps.
  function setHeight() {
    var height = compare ? compare.height(args) : args.height;
    if (height !== frameHeight) { frameHeight = height; send("streamlit:setFrameHeight", { height: height }); }
  }
  window.addEventListener("resize", function () {
    if (!map || !args || !compare) { return; }
    compare.update(args);
    setHeight();
  });

  // boot.js said "ready"; a message that came before this file ran is drawn now.
  if (boot && boot.args) { try { render(boot.args); } catch (e) { report(e); } }
})();
