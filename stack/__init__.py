"""Starting and stopping Brobygger's two processes (`make run`, `make chat`, the end-to-end tests).

The action server runs in `.venv` (Python 3.11: rasa-sdk and `knowledge/`), the Rasa server
in `.venv-rasa` (Python 3.10: rasa 3.6). Nothing here imports Rasa.
"""
