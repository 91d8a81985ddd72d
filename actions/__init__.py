"""Rasa SDK actions: thin adapters from the dialogue to `knowledge/` (the dialogue issue builds them).

rasa-sdk imports every module in this package at start and constructs every Action
with no arguments, so nothing here may load a model or an index at import time:
use `knowledge.engine.get_searcher()`, which loads lazily, once per process.
"""
