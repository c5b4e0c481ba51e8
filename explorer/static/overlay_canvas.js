// An analyst's large overlay on one canvas (issue 6): points, lines or polygons from typed arrays.
// Inlined into the map's script by explorer/web/controls.py (CanvasOverlay), so it also works in saved
// HTML; data comes from explorer/overlay/display.canvas_data. Every vertex is projected to Web
// Mercator once; each moveend redraws what is in view (plus half a screen) into one <canvas>.
// A click opens a popup for the nearest point / line within 6 px or the polygon under it; popup
// text (title, labels, prefix, suffix) arrives as escaped HTML. Keep "{" never followed by "{",
// "%" or "#": folium reads a whole page's scripts as Jinja templates when it saves HTML.
function bfeCanvasOverlay(group, d, pane) {
  "use strict";
  function decode(b64, Type) {
    if (!b64) { return null; }
    var bin = atob(b64), n = bin.length, bytes = new Uint8Array(n);
    for (var i = 0; i < n; i++) { bytes[i] = bin.charCodeAt(i); }
    return new Type(bytes.buffer);
  }
  var kind = d.kind, ll = decode(d.coords, Float32Array) || new Float32Array(0);
  var nv = ll.length / 2, mx = new Float64Array(nv), my = new Float64Array(nv);
  for (var i = 0; i < nv; i++) {  // Mercator in [0, 1]: world pixel = value * 256 * 2^zoom
    var s = Math.sin(ll[2 * i + 1] * Math.PI / 180);
    mx[i] = (ll[2 * i] + 180) / 360;
    my[i] = 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
  }
  // Parts: one per point, or one per ring / line part with its first vertex and bounding box.
  var sizes = decode(d.parts, Uint32Array), np = sizes ? sizes.length : nv;
  var pstart = new Uint32Array(np + 1), bb = new Float64Array(sizes ? 4 * np : 0);
  if (sizes) {
    for (var p = 0, v = 0; p < np; p++) {
      pstart[p] = v;
      var x0 = 1, y0 = 1, x1 = 0, y1 = 0;
      for (var k = 0; k < sizes[p]; k++, v++) {
        if (mx[v] < x0) { x0 = mx[v]; } if (mx[v] > x1) { x1 = mx[v]; }
        if (my[v] < y0) { y0 = my[v]; } if (my[v] > y1) { y1 = my[v]; }
      }
      bb[4 * p] = x0; bb[4 * p + 1] = y0; bb[4 * p + 2] = x1; bb[4 * p + 3] = y1;
    }
    pstart[np] = v;
  }
  // Features: their parts are fstart[f] .. fstart[f + 1] - 1; owner[part] is the feature.
  var per = decode(d.groups, Uint32Array), nf = d.count;
  var fstart = new Uint32Array(nf + 1), owner = new Uint32Array(np);
  for (var f = 0, q = 0; f < nf; f++) {
    fstart[f] = q;
    var end = q + (per ? per[f] : 1);
    for (; q < end; q++) { owner[q] = f; }
  }
  fstart[nf] = np;

  var labels = d.labels ? d.labels.split("|") : null;  // escaped HTML; "" = "Feature <n>"
  function label(f) {
    var own = labels ? labels[f] : "";
    return own ? own : d.prefix + (d.first + f) + d.suffix;
  }
  function inside(f, x, y) {  // even-odd over every ring of feature f (holes, multipolygons)
    var hit = false;
    for (var p = fstart[f]; p < fstart[f + 1]; p++) {
      for (var a = pstart[p], b = pstart[p + 1], i = a, j = b - 1; i < b; j = i++) {
        if ((my[i] > y) !== (my[j] > y) &&
            x < (mx[j] - mx[i]) * (y - my[i]) / (my[j] - my[i]) + mx[i]) { hit = !hit; }
      }
    }
    return hit;
  }
  function nearSegment(p, x, y, tol2) {
    for (var i = pstart[p]; i + 1 < pstart[p + 1]; i++) {
      var dx = mx[i + 1] - mx[i], dy = my[i + 1] - my[i], len = dx * dx + dy * dy;
      var t = len ? Math.max(0, Math.min(1, ((x - mx[i]) * dx + (y - my[i]) * dy) / len)) : 0;
      var ex = mx[i] + t * dx - x, ey = my[i] + t * dy - y;
      if (ex * ex + ey * ey <= tol2) { return true; }
    }
    return false;
  }

  var PAD = 0.5;  // half a screen around the view: short pans show no blank edge
  var Layer = L.Layer.extend({
    onAdd: function (m) {
      this._canvas = L.DomUtil.create("canvas", "leaflet-zoom-hide bfe-overlay-canvas");
      this._canvas.style.pointerEvents = "none";
      this._canvas.setAttribute("data-kind", kind);
      m.getPane(pane).appendChild(this._canvas);
      m.on("moveend resize", this._draw, this);
      m.on("click", this._click, this);
      this._draw();
    },
    onRemove: function (m) {
      m.off("moveend resize", this._draw, this);
      m.off("click", this._click, this);
      L.DomUtil.remove(this._canvas);
    },
    _draw: function () {
      var m = this._map, size = m.getSize(), c = this._canvas;
      var w = Math.round(size.x * (1 + 2 * PAD)), h = Math.round(size.y * (1 + 2 * PAD));
      var topLeft = m.containerPointToLayerPoint([-size.x * PAD, -size.y * PAD]).round();
      L.DomUtil.setPosition(c, topLeft);
      c.width = w; c.height = h;
      var ctx = c.getContext("2d"), zoom = m.getZoom(), drawn = 0;
      var scale = 256 * Math.pow(2, zoom), o = m.getPixelOrigin().add(topLeft);
      ctx.beginPath();
      if (kind === "point") {  // one dot per pixel: at low zoom most points share one
        var r = zoom >= 9 ? 5 : zoom >= 7 ? 3 : 2, seen = new Uint8Array(w * h);
        for (var i = 0; i < nv; i++) {
          var x = mx[i] * scale - o.x, y = my[i] * scale - o.y;
          if (x < 0 || y < 0 || x >= w || y >= h) { continue; }
          var key = (y | 0) * w + (x | 0);
          if (seen[key]) { continue; }
          seen[key] = 1; drawn++;
          ctx.moveTo(x + r, y); ctx.arc(x, y, r, 0, 2 * Math.PI);
        }
        ctx.fillStyle = d.colour; ctx.globalAlpha = 0.85; ctx.fill();
        if (zoom >= 9) {  // a white rim only once dots stand apart: dense ones would turn white
          ctx.globalAlpha = 1; ctx.strokeStyle = "#ffffff"; ctx.lineWidth = 0.8; ctx.stroke();
        }
      } else {
        for (var p = 0; p < np; p++) {
          var x0 = bb[4 * p] * scale - o.x, x1 = bb[4 * p + 2] * scale - o.x;
          var y0 = bb[4 * p + 1] * scale - o.y, y1 = bb[4 * p + 3] * scale - o.y;
          if (x1 < 0 || y1 < 0 || x0 >= w || y0 >= h) { continue; }
          drawn++;
          if (x1 - x0 < 2 && y1 - y0 < 2) {  // under two pixels: a dot (holes: nothing)
            if (p === fstart[owner[p]]) { ctx.rect(x0, y0, 1.5, 1.5); }
            continue;
          }
          var v0 = pstart[p];
          ctx.moveTo(mx[v0] * scale - o.x, my[v0] * scale - o.y);
          for (var v = v0 + 1; v < pstart[p + 1]; v++) {
            ctx.lineTo(mx[v] * scale - o.x, my[v] * scale - o.y);
          }
          if (kind === "polygon") { ctx.closePath(); }
        }
        ctx.strokeStyle = d.colour; ctx.lineJoin = "round";
        if (kind === "polygon") {
          ctx.fillStyle = d.colour; ctx.globalAlpha = 0.3; ctx.fill();
          ctx.globalAlpha = 0.95; ctx.lineWidth = zoom >= 9 ? 2 : 1; ctx.stroke();
        } else {
          ctx.globalAlpha = 0.95; ctx.lineWidth = 2.5; ctx.stroke();
        }
      }
      c.setAttribute("data-drawn", String(drawn));
    },
    _click: function (e) {
      var m = this._map, scale = 256 * Math.pow(2, m.getZoom()), pt = m.project(e.latlng);
      var x = pt.x / scale, y = pt.y / scale, tol = 6 / scale, found = -1, at = e.latlng;
      var extra = "";
      if (kind === "point") {
        var best = tol * tol, near = -1;
        for (var i = 0; i < nv; i++) {
          var dd = (mx[i] - x) * (mx[i] - x) + (my[i] - y) * (my[i] - y);
          if (dd < best) { best = dd; near = i; }
        }
        if (near >= 0) {
          found = owner[near]; at = [ll[2 * near + 1], ll[2 * near]];
          extra = "<br>" + ll[2 * near + 1].toFixed(5) + ", " + ll[2 * near].toFixed(5);
        }
      } else {
        for (var p = np - 1; p >= 0 && found < 0; p--) {
          var pad = kind === "line" ? tol : 0;
          if (x < bb[4 * p] - pad || x > bb[4 * p + 2] + pad ||
              y < bb[4 * p + 1] - pad || y > bb[4 * p + 3] + pad) { continue; }
          if (kind === "line" ? nearSegment(p, x, y, tol * tol) : inside(owner[p], x, y)) {
            found = owner[p];
          }
        }
      }
      if (found < 0) { return; }
      var html = '<div class="bfe-popup bfe-overlay-popup"><h4>' + d.title + "</h4>" +
        label(found) + extra + "</div>";
      L.popup().setLatLng(at).setContent(html).openOn(m);
    }
  });
  return new Layer().addTo(group);
}
