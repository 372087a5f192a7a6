"""Slides: the deck model, parsing LLM output, sanitising, charts and slide documents."""
