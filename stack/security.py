"""How the launcher starts Rasa securely: the command, the extra `rasa run` arguments and environment.

- Rasa runs through `rasa_addons.serve`, so the HTTP API's token (BROBYGGER_RASA_API_TOKEN) is
  passed in the environment, never on the command line; without a token the API is off.
- CORS: `--cors` with the allowed origins (BROBYGGER_CORS_ORIGINS, by default the chat page's own),
  and the same resolved list in the environment for the socket.io channel's origin check.
- Request size: BROBYGGER_MAX_REQUEST_BYTES as Sanic's SANIC_REQUEST_MAX_SIZE and
  SANIC_WEBSOCKET_MAX_SIZE (Sanic 21.12 reads both from the environment when Rasa creates its app).
- The rate limit's settings are checked here, so a bad value stops the launcher with its name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from rasa_addons.channels.guard import RateLimit, RateLimitError
from rasa_addons.channels.inbound import SizeError, max_request_bytes
from rasa_addons.channels.origins import VARIABLE as ORIGINS_VARIABLE
from rasa_addons.channels.origins import OriginError, Origins
from rasa_addons.serve import TokenError, api_token
from stack.config import StackConfig


class SecurityConfigError(ValueError):
    """A security setting that cannot work; the message names the variable."""


@dataclass(frozen=True)
class RasaLaunch:
    command: list[str]  # runs `rasa`: the arguments that follow are rasa's own
    args: list[str] = field(default_factory=list)  # added to `rasa run …`
    env: dict[str, str] = field(default_factory=dict)  # added to Rasa's environment


def rasa_launch(cfg: StackConfig, env: Mapping[str, str]) -> RasaLaunch:
    try:
        token = api_token(env)
        origins = Origins.from_env(cfg.host, cfg.web_port, env)
        size = max_request_bytes(env)
        RateLimit.from_env(env)
    except (TokenError, OriginError, SizeError, RateLimitError) as exc:
        raise SecurityConfigError(str(exc)) from None
    python = cfg.rasa_bin.parent / "python"
    args = ["--cors", *origins.allowed]
    if token:
        args.append("--enable-api")  # the token itself goes through the environment (rasa_addons.serve)
    return RasaLaunch(
        command=[str(python), "-m", "rasa_addons.serve"],
        args=args,
        env={ORIGINS_VARIABLE: origins.as_env(), "SANIC_REQUEST_MAX_SIZE": str(size),
             "SANIC_WEBSOCKET_MAX_SIZE": str(size)},
    )
