"""Border Fortification Explorer: sourced borders, fortifications and treaties of NATO's east."""
