"""Render a map layer's script once and reuse it across reruns (st_folium's own serialisation)."""

from __future__ import annotations

from textwrap import dedent

from streamlit_folium import generate_leaflet_string, get_full_id

from explorer import maps


def group_script(group: maps.Group, position: int) -> str:
    """Return the JavaScript ``st_folium`` generates for ``group`` at ``position`` in its list.

    It is the same text ``st_folium(feature_group_to_add=[...])`` sends for that group, without
    the lines that add it to the map (``st_folium`` appends those itself).

    Parameters
    ----------
    group : maps.Group
        A freshly built group (it is attached to a scratch map and renamed).
    position : int
        Index of the group in the list passed to ``st_folium``: variable names depend on it.

    Returns
    -------
    str
        The script, with the map referred to as ``map_div``.
    """
    scratch = maps.scratch_map()
    group._id = f"feature_group_{position}"
    group.add_to(scratch)
    group.render()
    script = generate_leaflet_string(group, base_id=f"feature_group_{position}")
    return dedent(script.replace(get_full_id(scratch), "map_div"))


def prerendered(script: str, name: str) -> maps.PrerenderedGroup:
    """Return a cheap group that makes ``st_folium`` emit ``script`` unchanged."""
    return maps.PrerenderedGroup(script, name)
