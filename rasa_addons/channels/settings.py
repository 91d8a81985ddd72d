"""Which channels are configured, read from the environment. Plain Python: the launcher imports it
(in `.venv`) to decide which channels go into the run's credentials file, and the channels
(in `.venv-rasa`) read their settings through it. Secrets only ever come from the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

SLACK_API = "https://slack.com/api/"
MICROSOFT_OPENID = "https://login.botframework.com/v1/.well-known/openidconfiguration"
MICROSOFT_ISSUER = "https://api.botframework.com"
MICROSOFT_TOKEN = "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token"
MICROSOFT_SCOPE = "https://api.botframework.com/.default"

REST_CLASS = "rasa_addons.channels.rest.RestChannel"
SOCKETIO_CLASS = "rasa_addons.channels.socketio.SocketIOChannel"
SLACK_CLASS = "rasa_addons.channels.slack.SlackFromEnv"
TEAMS_CLASS = "rasa_addons.channels.botframework.BotFrameworkFromEnv"


class ChannelConfigError(ValueError):
    """A channel is configured only partly, or with a value that cannot work; the message says which."""


def _get(env: Mapping[str, str], name: str) -> str:
    return (env.get(name) or "").strip()


def _url(env: Mapping[str, str], name: str, default: str) -> str:
    value = _get(env, name) or default
    if not value.startswith(("https://", "http://")):
        raise ChannelConfigError(f"{name}={value!r} is not an http(s) address.")
    return value


@dataclass(frozen=True)
class SlackSettings:
    token: str
    signing_secret: str
    channel: str | None = None  # a channel the bot also listens to without being mentioned
    api_url: str = SLACK_API
    granularity: str = "sender"  # one conversation per user; "channel" or "thread" narrow it

    def __post_init__(self) -> None:  # the signature check has no off switch: no secret, no Slack
        if not self.token.strip() or not self.signing_secret.strip():
            raise ChannelConfigError("Slack needs both SLACK_TOKEN and SLACK_SIGNING_SECRET.")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "SlackSettings | None":
        """The settings, or None when Slack is not configured. Half a configuration is an error."""
        env = os.environ if env is None else env
        token, secret = _get(env, "SLACK_TOKEN"), _get(env, "SLACK_SIGNING_SECRET")
        if not token and not secret:
            return None
        if not token or not secret:
            missing = "SLACK_TOKEN" if not token else "SLACK_SIGNING_SECRET"
            raise ChannelConfigError(f"Slack needs both SLACK_TOKEN and SLACK_SIGNING_SECRET; {missing} is not set.")
        api_url = _url(env, "SLACK_API_URL", SLACK_API)
        granularity = _get(env, "SLACK_CONVERSATION") or "sender"
        if granularity not in ("sender", "channel", "thread"):
            raise ChannelConfigError(f"SLACK_CONVERSATION={granularity!r}: use sender, channel or thread.")
        return cls(token, secret, _get(env, "SLACK_CHANNEL") or None,
                   api_url if api_url.endswith("/") else api_url + "/", granularity)


@dataclass(frozen=True)
class TeamsSettings:
    app_id: str
    app_password: str
    openid_url: str = MICROSOFT_OPENID
    issuer: str = MICROSOFT_ISSUER
    token_url: str = MICROSOFT_TOKEN
    scope: str = MICROSOFT_SCOPE

    def __post_init__(self) -> None:  # the token check has no off switch: its audience is the app id
        if not self.app_id.strip() or not self.app_password.strip() or not self.issuer.strip():
            raise ChannelConfigError("Teams needs BOTFRAMEWORK_APP_ID, BOTFRAMEWORK_APP_PASSWORD and an issuer.")
    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "TeamsSettings | None":
        """The settings, or None when the Bot Framework (Teams) is not configured."""
        env = os.environ if env is None else env
        app_id, password = _get(env, "BOTFRAMEWORK_APP_ID"), _get(env, "BOTFRAMEWORK_APP_PASSWORD")
        if not app_id and not password:
            return None
        if not app_id or not password:
            missing = "BOTFRAMEWORK_APP_ID" if not app_id else "BOTFRAMEWORK_APP_PASSWORD"
            raise ChannelConfigError(
                f"Teams needs both BOTFRAMEWORK_APP_ID and BOTFRAMEWORK_APP_PASSWORD; {missing} is not set.")
        return cls(app_id, password,
                   openid_url=_url(env, "BOTFRAMEWORK_OPENID_URL", MICROSOFT_OPENID),
                   issuer=_get(env, "BOTFRAMEWORK_ISSUER") or MICROSOFT_ISSUER,
                   token_url=_url(env, "BOTFRAMEWORK_TOKEN_URL", MICROSOFT_TOKEN),
                   scope=_get(env, "BOTFRAMEWORK_SCOPE") or MICROSOFT_SCOPE)


def enabled_channels(env: Mapping[str, str] | None = None) -> set[str]:
    """The module paths of the configured channels (as named in `credentials.yml`)."""
    enabled = set()
    if SlackSettings.from_env(env) is not None:
        enabled.add(SLACK_CLASS)
    if TeamsSettings.from_env(env) is not None:
        enabled.add(TEAMS_CLASS)
    return enabled


CHANNEL_CLASSES = (SLACK_CLASS, TEAMS_CLASS)
