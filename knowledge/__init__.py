"""Brobygger's knowledge layer: cited retrieval over Danish leadership sources.

A plain Python package (no Rasa). Importing it is cheap: models, indexes and
heavy libraries load on first use.
"""

__version__ = "0.1.0"
