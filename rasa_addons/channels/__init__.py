"""Messaging channels configured from the environment (Slack, Microsoft Teams via the Bot Framework).

`settings` is plain Python (the launcher reads it too); `slack` and `botframework` are Rasa
input channels named in `credentials.yml` by module path, with no secrets in that file.
"""
