"""`python -m rasa_addons.serve run …`: Rasa's own `rasa run`, with the HTTP API's token from the environment.

Rasa 3.6 takes the API token only as a command-line argument (`--auth-token`), where every user of
the machine can read it (`ps`, /proc/<pid>/cmdline). The launcher therefore starts Rasa through this
module: it passes `--enable-api` alone, and the token travels in BROBYGGER_RASA_API_TOKEN (the
process environment, readable only by its owner); it is added to Rasa's arguments inside the process.
`--enable-api` without a token refuses to start: the API is never served unauthenticated.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence

TOKEN_VARIABLE = "BROBYGGER_RASA_API_TOKEN"
MIN_TOKEN_CHARS = 16


class TokenError(ValueError):
    """The API is asked for without a usable token; the message says what to set."""


def api_token(env: Mapping[str, str]) -> str | None:
    """The configured token, or None when the API is to stay off. TokenError for one too short to trust."""
    token = (env.get(TOKEN_VARIABLE) or "").strip()
    if not token:
        return None
    if len(token) < MIN_TOKEN_CHARS or any(c.isspace() for c in token):
        raise TokenError(f"{TOKEN_VARIABLE} must be at least {MIN_TOKEN_CHARS} characters without spaces "
                         "(e.g. `python3 -c 'import secrets; print(secrets.token_urlsafe(32))'`).")
    return token


def rasa_argv(argv: Sequence[str], env: Mapping[str, str]) -> list[str]:
    """`rasa` arguments: with `--enable-api`, the token from the environment is added; never one from argv."""
    if any(a == "--auth-token" or a.startswith("--auth-token=") or a == "-t" for a in argv):
        raise TokenError(f"Pass the API token in {TOKEN_VARIABLE}, not on the command line (it shows in `ps`).")
    if "--enable-api" not in argv:
        return list(argv)
    token = api_token(env)
    if token is None:
        raise TokenError(f"--enable-api needs {TOKEN_VARIABLE}: Brobygger never serves Rasa's HTTP API without a token.")
    return [*argv, "--auth-token", token]


def main() -> None:
    try:
        args = rasa_argv(sys.argv[1:], os.environ)
    except TokenError as exc:
        sys.exit(str(exc))
    os.environ.pop(TOKEN_VARIABLE, None)  # nothing Rasa starts inherits it
    sys.argv = ["rasa", *args]
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
