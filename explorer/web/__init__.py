"""The web: what a browser is given, the app's map component and the offline HTML page.

Folium and branca are imported only here. Two renderers of the scene (:mod:`explorer.scene`):

- the app's map (a Streamlit component, ``frontend/``): :mod:`.popups` renders scene rows as
  GeoJSON with escaped tooltips and popups, :mod:`.bundle` turns a layer's timeline into one
  document per data version (the browser picks each feature's look for a date itself),
  :mod:`.site` writes the component's folder, :mod:`.decor` the hatch patterns and popup CSS
  shared with the folium page;
- the standalone HTML export: :mod:`.folium_map` (base map and layers), :mod:`.controls` (its
  small scripts), :mod:`.legend_html` (the legend), :mod:`.assets` (vendored Leaflet, inlined,
  nothing from a CDN) and :mod:`.page` (the whole page).
"""
