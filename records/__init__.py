"""What Brobygger keeps about conversations: where it is stored, redaction, retention and reports.

- `settings`: the database URL, the data directory, the retention period; `redact`: CPR, e-mail, phone.
  Both use the standard library only: the Rasa server (Python 3.10) imports them too.
- `db`: the engine and Brobygger's tables; `feedback` and `unanswered`: the records the action and web
  servers write; `privacy`: forget one sender, purge what is past the retention period; `report`: for editors.
"""
