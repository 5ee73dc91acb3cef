"""Views of the people app, one module per area (lists: the resident list and page)."""
