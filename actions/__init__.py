"""Rasa SDK actions: thin adapters from the dialogue to `knowledge/`.

rasa-sdk imports every module in this package at start and constructs every Action
with no arguments, so nothing here may load a model or an index at import time:
`knowledge.engine.get_searcher()` loads lazily, once per process.
"""
