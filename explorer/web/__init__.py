"""The web map: what the browser is given and how it is served.

Layer files (:mod:`.bundle`), the component folder (:mod:`.site`), shared map decoration
(:mod:`.decor`) and the component's frontend (``frontend/``).
"""
