"""Large overlay, our way: 100,000 points or 20,000 polygons drawn on one canvas, no rerun on pan.

The data goes to the browser once, compactly: coordinates as a base64 ``Float32Array`` (8 bytes a
vertex instead of ~40 for full-precision GeoJSON text), inside the map's script. A ~100-line
Leaflet layer (inline script, no plugin, nothing from a CDN; Leaflet itself is the vendored copy via
:func:`explorer.map_assets.apply_offline_assets`) projects every vertex to Web Mercator once, and on
each ``moveend`` draws what is in view (plus a margin) into one ``<canvas>``: one path for all
points (one pixel bucket each at low zoom), or one path for all polygons (sub-pixel ones as a dot).
Clicking finds the nearest point / the polygon under the cursor and opens a popup.
``st_folium(..., returned_objects=[])``: panning and zooming never rerun the script.

``?data=points`` (default) or ``?data=polygons``
(``?data=warm``: a title only, for a warm-up). Run from the repository root with a ``static/``
folder next to it (``benchmarks/run.py`` stages it with a copy of ``explorer/static``).
"""

import os
import sys

import folium
import numpy as np
import streamlit as st
from branca.element import MacroElement
from folium.template import Template
from streamlit_folium import st_folium

sys.path.insert(0, os.getcwd())  # run from the repository root: `explorer`, `benchmarks` importable

from benchmarks import large_data
from explorer.map_assets import apply_offline_assets

st.set_page_config(page_title="Large overlay (canvas)", layout="wide")

if st.query_params.get("data") == "warm":  # the benchmark's warm-up visit: imports done
    st.title("warm")
    st.stop()
KIND = "polygons" if st.query_params.get("data") == "polygons" else "points"


@st.cache_resource(show_spinner=False)
def encoded(kind: str) -> dict:
    """The overlay as base64 typed arrays (built once per server)."""
    if kind == "points":
        coords = large_data.points().astype(np.float32)
        return {"coords": large_data.b64(coords.ravel()), "sizes": "", "count": len(coords)}
    rings = large_data.polygons()
    coords = np.concatenate([r[:-1] for r in rings]).astype(np.float32)  # open rings
    sizes = np.array([len(r) - 1 for r in rings], dtype=np.uint8)
    return {
        "coords": large_data.b64(coords.ravel()),
        "sizes": large_data.b64(sizes),
        "count": len(rings),
    }


class CanvasOverlay(MacroElement):
    """Points or polygons from typed arrays, drawn into one canvas per view."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
          var map = {{ this._parent.get_name() }};
          var kind = {{ this.kind|tojson }};
          function decode(b64, Type) {
            var bin = atob(b64), n = bin.length, bytes = new Uint8Array(n);
            for (var i = 0; i < n; i++) { bytes[i] = bin.charCodeAt(i); }
            return new Type(bytes.buffer);
          }
          var ll = decode({{ this.coords|tojson }}, Float32Array);  // lon, lat, lon, lat, ...
          var nv = ll.length / 2;
          // Web Mercator in [0, 1] once: world pixel = value * 256 * 2^zoom at every zoom.
          var mx = new Float64Array(nv), my = new Float64Array(nv);
          for (var i = 0; i < nv; i++) {
            var s = Math.sin(ll[2 * i + 1] * Math.PI / 180);
            mx[i] = (ll[2 * i] + 180) / 360;
            my[i] = 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
          }
          var np = 0, starts = null, bb = null;
          if (kind === "polygons") {
            var sizes = decode({{ this.sizes|tojson }}, Uint8Array);
            np = sizes.length; starts = new Uint32Array(np + 1); bb = new Float64Array(np * 4);
            for (var p = 0, v = 0; p < np; p++) {
              starts[p] = v;
              var x0 = 1, y0 = 1, x1 = 0, y1 = 0;
              for (var k = 0; k < sizes[p]; k++, v++) {
                if (mx[v] < x0) { x0 = mx[v]; } if (mx[v] > x1) { x1 = mx[v]; }
                if (my[v] < y0) { y0 = my[v]; } if (my[v] > y1) { y1 = my[v]; }
              }
              bb[4 * p] = x0; bb[4 * p + 1] = y0; bb[4 * p + 2] = x1; bb[4 * p + 3] = y1;
            }
            starts[np] = v;
          }
          var PAD = 0.5;  // draw half a screen around the view so short pans show no blank edge
          var Overlay = L.Layer.extend({
            onAdd: function (m) {
              this._canvas = L.DomUtil.create("canvas", "leaflet-zoom-hide bfe-bench-canvas");
              m.getPane("overlayPane").appendChild(this._canvas);
              m.on("moveend resize", this._draw, this);
              this._draw();
            },
            onRemove: function (m) {
              m.off("moveend resize", this._draw, this);
              L.DomUtil.remove(this._canvas);
            },
            _draw: function () {
              var m = this._map, size = m.getSize(), c = this._canvas;
              var w = Math.round(size.x * (1 + 2 * PAD)), h = Math.round(size.y * (1 + 2 * PAD));
              var topLeft = m.containerPointToLayerPoint([-size.x * PAD, -size.y * PAD]).round();
              L.DomUtil.setPosition(c, topLeft);
              c.width = w; c.height = h;
              var ctx = c.getContext("2d"), zoom = m.getZoom();
              var scale = 256 * Math.pow(2, zoom), o = m.getPixelOrigin().add(topLeft);
              var t0 = performance.now();
              ctx.beginPath();
              if (kind === "points") {
                var r = zoom >= 9 ? 4 : zoom >= 7 ? 2.5 : 1.5, seen = new Uint8Array(w * h);
                for (var i = 0; i < nv; i++) {
                  var x = mx[i] * scale - o.x, y = my[i] * scale - o.y;
                  if (x < 0 || y < 0 || x >= w || y >= h) { continue; }
                  var key = (y | 0) * w + (x | 0);
                  if (seen[key]) { continue; }
                  seen[key] = 1;
                  if (zoom >= 9) { ctx.moveTo(x + r, y); ctx.arc(x, y, r, 0, 2 * Math.PI); }
                  else { ctx.rect(x - r, y - r, 2 * r, 2 * r); }
                }
                ctx.fillStyle = "rgba(204, 51, 119, 0.8)";
                ctx.fill();
              } else {
                for (var p = 0; p < np; p++) {
                  var x0 = bb[4 * p] * scale - o.x, x1 = bb[4 * p + 2] * scale - o.x;
                  var y0 = bb[4 * p + 1] * scale - o.y, y1 = bb[4 * p + 3] * scale - o.y;
                  if (x1 < 0 || y1 < 0 || x0 >= w || y0 >= h) { continue; }
                  if (x1 - x0 < 2 && y1 - y0 < 2) { ctx.rect(x0, y0, 1.5, 1.5); continue; }
                  var v0 = starts[p];
                  ctx.moveTo(mx[v0] * scale - o.x, my[v0] * scale - o.y);
                  for (var v = v0 + 1; v < starts[p + 1]; v++) {
                    ctx.lineTo(mx[v] * scale - o.x, my[v] * scale - o.y);
                  }
                  ctx.closePath();
                }
                ctx.fillStyle = "rgba(0, 114, 178, 0.45)";
                ctx.fill();
                if (zoom >= 9) { ctx.strokeStyle = "#005a8c"; ctx.lineWidth = 1; ctx.stroke(); }
              }
              this.drawMs = performance.now() - t0;
            }
          });
          var overlay = new Overlay().addTo(map);
          window.bfeOverlay = overlay;
          function inside(p, x, y) {  // ray casting in Mercator units
            var a = starts[p], b = starts[p + 1], hit = false;
            for (var i = a, j = b - 1; i < b; j = i++) {
              if ((my[i] > y) !== (my[j] > y) &&
                  x < (mx[j] - mx[i]) * (y - my[i]) / (my[j] - my[i]) + mx[i]) { hit = !hit; }
            }
            return hit;
          }
          map.on("click", function (e) {
            var scale = 256 * Math.pow(2, map.getZoom()), pt = map.project(e.latlng);
            var x = pt.x / scale, y = pt.y / scale, found = -1, label = "";
            if (kind === "points") {
              var best = Math.pow(6 / scale, 2);  // within 6 px
              for (var i = 0; i < nv; i++) {
                var d = (mx[i] - x) * (mx[i] - x) + (my[i] - y) * (my[i] - y);
                if (d < best) { best = d; found = i; }
              }
              if (found >= 0) {
                label = "Point " + found + "<br>" + ll[2 * found + 1].toFixed(5) + ", " +
                  ll[2 * found].toFixed(5);
              }
            } else {
              for (var p = np - 1; p >= 0 && found < 0; p--) {
                if (x >= bb[4 * p] && x <= bb[4 * p + 2] && y >= bb[4 * p + 1] &&
                    y <= bb[4 * p + 3] && inside(p, x, y)) { found = p; }
              }
              if (found >= 0) { label = "Polygon " + found; }
            }
            if (found >= 0) { L.popup().setLatLng(e.latlng).setContent(label).openOn(map); }
          });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, kind: str, coords: str, sizes: str) -> None:
        super().__init__()
        self._name = "CanvasOverlay"
        self.kind = kind
        self.coords = coords
        self.sizes = sizes


data = encoded(KIND)
st.title(f"Large overlay: {data['count']:,} {KIND} (canvas)")
m = folium.Map(location=[54.5, 23.0], zoom_start=5, tiles=None, prefer_canvas=True)
CanvasOverlay(KIND, data["coords"], data["sizes"]).add_to(m)
apply_offline_assets(m)
st_folium(m, key="overlay", height=620, use_container_width=True, returned_objects=[])
