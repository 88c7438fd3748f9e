"""Pegasus (SOP-330) conversations, one module per concern; the rules in `rules`."""
