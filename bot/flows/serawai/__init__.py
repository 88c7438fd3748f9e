"""Serawai (SOP-098) conversations, one module per concern; the pure rules are in `rules`."""
