"""What Brobygger keeps about conversations: where it is stored, redaction, retention and reports.

`settings` and `redact` use the standard library only: the Rasa server (Python 3.10) imports them too.
"""
