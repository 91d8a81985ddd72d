"""Microsoft Teams through the Bot Framework, configured from the environment.

Named in `credentials.yml` as `rasa_addons.channels.botframework.BotFrameworkFromEnv`; the launcher
includes it only when BOTFRAMEWORK_APP_ID and BOTFRAMEWORK_APP_PASSWORD are set. Compared with
Rasa's BotFrameworkInput it:

- reads the signing keys from a configurable OpenID address (Microsoft's unless
  BOTFRAMEWORK_OPENID_URL is set), on the first request rather than at start, so `rasa run` starts
  offline; refreshes them daily and when a token names an unknown key;
- checks every token: RS256 signature by a published key, audience = the app id, issuer
  (BOTFRAMEWORK_ISSUER, Microsoft's by default), expiry (five minutes' clock skew), the
  `serviceurl` claim against the activity, and the key's endorsements against the channel;
- answers 401 for a missing or invalid token, 400 for an unreadable activity, 503 when the keys
  cannot be fetched; never a stack trace;
- gets its outgoing token from BOTFRAMEWORK_TOKEN_URL and posts with aiohttp (not blocking
  `requests`), as a reply to the user's activity;
- sends a text as one message, and buttons as Teams reads them (imBack);
- rate-limits each sender (`guard.rate_limited`).

There is no setting that turns the token check off: TeamsSettings cannot exist without an app id.
"""

from __future__ import annotations

import json
import logging
import re
import time
import urllib.parse
from http import HTTPStatus
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

import aiohttp
import jwt
from jwt.algorithms import RSAAlgorithm
from rasa.core.channels.botframework import BotFramework, BotFrameworkInput
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.shared.exceptions import InvalidConfigException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa_addons.channels.guard import rate_limited
from rasa_addons.channels.settings import TeamsSettings

log = logging.getLogger(__name__)
KEYS_MAX_AGE = 24 * 3600
KEYS_MIN_REFRESH = 300  # an unknown key id refetches the keys at most this often
CLOCK_SKEW = 300
TIMEOUT = aiohttp.ClientTimeout(total=20)
MENTION = re.compile(r"<at>.*?</at>", re.DOTALL)


class InvalidToken(Exception):
    """The request's token is missing or does not check out; the message says why."""


class KeysUnavailable(Exception):
    """The OpenID metadata or keys could not be fetched."""


class TokenSource:
    """The bot's own access token for the Bot Connector (client credentials), cached until shortly before expiry."""

    def __init__(self, settings: TeamsSettings) -> None:
        self.settings = settings
        self._token = ""
        self._expires = 0.0

    async def token(self) -> str:
        if self._token and time.time() < self._expires - 60:
            return self._token
        s = self.settings
        form = {"grant_type": "client_credentials", "client_id": s.app_id, "client_secret": s.app_password,
                "scope": s.scope}
        async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
            async with session.post(s.token_url, data=form) as reply:
                if reply.status != 200:
                    raise ConnectionError(f"the Bot Framework login at {s.token_url} answered {reply.status}")
                data = await reply.json(content_type=None)
        self._token, self._expires = str(data["access_token"]), time.time() + int(data.get("expires_in", 3600))
        return self._token


class BotFrameworkReply(BotFramework):
    """Rasa's Bot Framework output channel, posting asynchronously as replies to the user's activity."""

    def __init__(self, tokens: TokenSource, conversation: Dict[Text, Any], bot: Dict[Text, Any],
                 service_url: Text, reply_to: Optional[Text]) -> None:
        super().__init__(tokens.settings.app_id, tokens.settings.app_password, conversation, bot, service_url)
        self.tokens = tokens
        self.reply_to = reply_to

    async def send(self, message_data: Dict[Text, Any]) -> None:
        conversation = urllib.parse.quote(str(self.conversation["id"]), safe="")
        uri = f"{self.global_uri}conversations/{conversation}/activities"
        if self.reply_to:
            uri += "/" + urllib.parse.quote(self.reply_to, safe="")
            message_data.setdefault("replyToId", self.reply_to)
        message_data.setdefault("conversation", self.conversation)
        headers = {"Authorization": f"Bearer {await self.tokens.token()}"}
        async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
            async with session.post(uri, json=message_data, headers=headers) as reply:
                if reply.status >= 300:
                    log.error("the Bot Connector did not take a message (%s): %s", reply.status, await reply.text())

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self.send(self.prepare_message(recipient_id, {"text": text.strip()}))

    async def send_text_with_buttons(self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]],
                                     **kwargs: Any) -> None:
        card = {"contentType": "application/vnd.microsoft.card.hero",
                "content": {"text": text, "buttons": [{"type": "imBack", "title": b.get("title", ""),
                                                       "value": b.get("payload", "")} for b in buttons]}}
        await self.send(self.prepare_message(recipient_id, {"attachments": [card]}))


class BotFrameworkFromEnv(BotFrameworkInput):
    @classmethod
    def name(cls) -> Text:
        return "botframework"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        settings = TeamsSettings.from_env()
        if settings is None:
            raise InvalidConfigException(
                "credentials.yml names the Teams (Bot Framework) channel, but BOTFRAMEWORK_APP_ID and "
                "BOTFRAMEWORK_APP_PASSWORD are not set. Set both, or start Brobygger with `make run`, "
                "which leaves Teams out when they are unset.")
        return cls(settings)

    def __init__(self, settings: TeamsSettings) -> None:  # noqa: no super().__init__: it fetches keys at start
        self.settings = settings
        self.app_id, self.app_password = settings.app_id, settings.app_password
        self.jwt_keys: Dict[Text, Any] = {}
        self._keys_fetched = 0.0
        self.tokens = TokenSource(settings)

    async def fetch_keys(self) -> None:
        try:
            async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
                async with session.get(self.settings.openid_url) as reply:
                    reply.raise_for_status()
                    jwks_uri = (await reply.json(content_type=None))["jwks_uri"]
                async with session.get(jwks_uri) as reply:
                    reply.raise_for_status()
                    keys = (await reply.json(content_type=None))["keys"]
        except (aiohttp.ClientError, OSError, ValueError, KeyError, TypeError) as exc:
            raise KeysUnavailable(f"could not read the signing keys from {self.settings.openid_url}: {exc!r}") from exc
        self.jwt_keys = {str(k["kid"]): k for k in keys if isinstance(k, dict) and k.get("kid")}
        self._keys_fetched = time.time()

    async def key_for(self, kid: str) -> Dict[Text, Any]:
        age = time.time() - self._keys_fetched
        if age > KEYS_MAX_AGE or (kid not in self.jwt_keys and age > KEYS_MIN_REFRESH):
            await self.fetch_keys()
        if kid not in self.jwt_keys:
            raise InvalidToken(f"the token is signed with an unknown key ({kid!r})")
        return self.jwt_keys[kid]

    async def check(self, authorization: Optional[str], activity: Dict[Text, Any]) -> Dict[Text, Any]:
        """The token's claims, when the token is valid for this bot and this activity; else InvalidToken."""
        match = re.fullmatch(r"Bearer\s+(\S+)", (authorization or "").strip())
        if not match:
            raise InvalidToken("no Bearer token in the Authorization header")
        token = match.group(1)
        try:
            kid = str(jwt.get_unverified_header(token).get("kid") or "")
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"unreadable token: {exc}") from None
        jwk = await self.key_for(kid)
        try:
            claims = jwt.decode(token, key=RSAAlgorithm.from_jwk(json.dumps(jwk)), algorithms=["RS256"],
                                audience=self.app_id, issuer=self.settings.issuer, leeway=CLOCK_SKEW,
                                options={"require": ["exp", "iss", "aud"]})
        except (jwt.PyJWTError, ValueError) as exc:
            raise InvalidToken(f"the token does not check out: {exc}") from None
        service_url = claims.get("serviceurl") or claims.get("serviceUrl")
        if service_url and service_url.rstrip("/") != str(activity.get("serviceUrl") or "").rstrip("/"):
            raise InvalidToken("the token was issued for another service address")
        endorsements = jwk.get("endorsements")
        if endorsements and activity.get("channelId") not in endorsements:
            raise InvalidToken("the signing key is not endorsed for this channel")
        return claims

    @rate_limited
    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        botframework_webhook = Blueprint("botframework_webhook", __name__)

        @botframework_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @botframework_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            activity = _json_object(request.body)
            if activity is None:
                return response.text("The body is not a JSON activity.", status=HTTPStatus.BAD_REQUEST)
            try:
                await self.check(request.headers.get("Authorization"), activity)
            except InvalidToken as exc:
                log.warning("Bot Framework request refused: %s", exc)
                return response.text("Could not validate the token.", status=HTTPStatus.UNAUTHORIZED)
            except KeysUnavailable as exc:
                log.error("%s", exc)
                return response.text("The signing keys are unavailable; try again.",
                                     status=HTTPStatus.SERVICE_UNAVAILABLE)
            if activity.get("type") != "message":
                return response.text("Not a message; nothing to answer.")
            message = self.user_message(activity)
            if message is None:
                return response.text("The activity lacks conversation, recipient, from or serviceUrl.",
                                     status=HTTPStatus.BAD_REQUEST)
            await on_new_message(message)
            return response.text("success")

        return botframework_webhook

    def user_message(self, activity: Dict[Text, Any]) -> Optional[UserMessage]:
        conversation, bot, sender = activity.get("conversation"), activity.get("recipient"), activity.get("from")
        service_url = activity.get("serviceUrl")
        if not (isinstance(conversation, dict) and conversation.get("id") and isinstance(bot, dict)
                and isinstance(sender, dict) and sender.get("id") and isinstance(service_url, str)
                and service_url.startswith(("https://", "http://"))):
            return None
        out = BotFrameworkReply(self.tokens, conversation, bot, service_url, str(activity.get("id") or "") or None)
        text = MENTION.sub("", str(activity.get("text") or "")).strip()
        metadata = self.add_attachments_to_metadata(activity, None)
        return UserMessage(text=text, output_channel=out, sender_id=str(sender["id"]), input_channel=self.name(),
                           metadata=metadata)


def _json_object(raw: bytes) -> Optional[Dict[Text, Any]]:
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None
