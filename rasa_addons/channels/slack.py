"""Slack, configured from the environment: Rasa's Slack channel with the project's own webhook.

Named in `credentials.yml` as `rasa_addons.channels.slack.SlackFromEnv` (no secrets in the file);
the launcher includes it only when SLACK_TOKEN and SLACK_SIGNING_SECRET are set. Compared with
Rasa's SlackInput it: replies in the thread of the question; answers each Slack event once (a retry,
or the same message delivered as `message` and `app_mention`, never gives a second reply); rejects
unsigned, wrongly signed and stale requests with 401 and unreadable ones with 400; accepts
`application/json; charset=…`; answers Slack's URL verification as Slack asks; posts to
SLACK_API_URL (Slack's Web API unless set, so tests can use a local fake); and sends a text
message as one Slack message rather than one per paragraph, without the legacy `as_user`.
Every request's signature is checked (SlackSettings cannot exist without a signing secret), and each
conversation is rate-limited (`guard.rate_limited`).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import OrderedDict
from http import HTTPStatus
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.slack import SlackBot, SlackInput
from rasa.shared.exceptions import InvalidConfigException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.web.async_client import AsyncWebClient

from rasa_addons.channels.guard import rate_limited
from rasa_addons.channels.settings import SlackSettings

log = logging.getLogger(__name__)
SEEN_EVENTS = 10_000  # event keys remembered for de-duplication
NO_RETRY = {"X-Slack-No-Retry": "1"}


def slack_escape(text: str) -> str:
    """Slack reads &, < and > in message text as markup; these three must be escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class SlackBotFromEnv(SlackBot):
    """Rasa's Slack output channel, posting to a configurable Web API address, one message per text."""

    def __init__(self, token: Text, api_url: Text, slack_channel: Optional[Text] = None,
                 thread_id: Optional[Text] = None) -> None:
        super().__init__(token, slack_channel, thread_id)
        self.client = AsyncWebClient(token, base_url=api_url)

    async def _post_message(self, channel: Text, **kwargs: Any) -> None:
        kwargs.pop("as_user", None)  # legacy; apps with a bot token post as the bot anyway
        await super()._post_message(channel, **kwargs)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self._post_message(channel=self.slack_channel or recipient_id, text=slack_escape(text.strip()))


class SlackFromEnv(SlackInput):
    @classmethod
    def name(cls) -> Text:
        return "slack"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        settings = SlackSettings.from_env()
        if settings is None:
            raise InvalidConfigException(
                "credentials.yml names the Slack channel, but SLACK_TOKEN and SLACK_SIGNING_SECRET are not set. "
                "Set both, or start Brobygger with `make run`, which leaves Slack out when they are unset.")
        return cls(settings)

    def __init__(self, settings: SlackSettings) -> None:
        super().__init__(settings.token, slack_channel=settings.channel, use_threads=True,
                         slack_signing_secret=settings.signing_secret,
                         conversation_granularity=settings.granularity)
        self.api_url = settings.api_url
        self._seen: "OrderedDict[str, None]" = OrderedDict()

    def get_output_channel(self, channel: Optional[Text] = None, thread_id: Optional[Text] = None) -> OutputChannel:
        return SlackBotFromEnv(self.slack_token, self.api_url, channel or self.slack_channel, thread_id)

    def first_time(self, *keys: str) -> bool:
        """True when none of the keys was seen before; remembers them either way."""
        keys = tuple(k for k in keys if k)
        seen = any(k in self._seen for k in keys)
        for k in keys:
            self._seen[k] = None
            self._seen.move_to_end(k)
        while len(self._seen) > SEEN_EVENTS:
            self._seen.popitem(last=False)
        return not seen

    def handle(self, on_new_message: Callable[[UserMessage], Awaitable[Any]], text: Text, user: Text,
               metadata: Dict[Text, Any]) -> None:
        """Answers in the background: Slack wants its acknowledgement within three seconds."""
        conversation = self._get_conversation_id(user, metadata.get("out_channel"), metadata.get("thread_id"))
        message = UserMessage(text, self.get_output_channel(metadata.get("out_channel"), metadata.get("thread_id")),
                              conversation, input_channel=self.name(), metadata=metadata)
        task = asyncio.create_task(on_new_message(message))
        self._background_tasks.add(task)
        task.add_done_callback(self._background_tasks.discard)
        task.add_done_callback(_finished)

    @rate_limited
    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        slack_webhook = Blueprint("slack_webhook", __name__)

        @slack_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @slack_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not self.is_request_from_slack_authentic(request):
                return response.text("The request is not signed by Slack (X-Slack-Signature), or is stale.",
                                     status=HTTPStatus.UNAUTHORIZED)
            mimetype = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
            if mimetype == "application/json":
                body = _json_object(request.body)
                if body is None:
                    return response.text("The body is not a JSON object.", status=HTTPStatus.BAD_REQUEST)
                return self.on_event(body, on_new_message)
            if mimetype == "application/x-www-form-urlencoded":
                payload = _json_object((request.form.get("payload") or "").encode())
                if payload is None:
                    return response.text("The form has no JSON `payload`.", status=HTTPStatus.BAD_REQUEST)
                return self.on_interaction(payload, on_new_message)
            return response.text("Slack sends application/json or a form.", status=HTTPStatus.UNSUPPORTED_MEDIA_TYPE)

        return slack_webhook

    def on_event(self, body: Dict[Text, Any], on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> HTTPResponse:
        if body.get("type") == "url_verification":
            return response.json({"challenge": str(body.get("challenge") or "")})
        event = body.get("event")
        if not isinstance(event, dict) or not self._is_user_message(body) or event.get("subtype"):
            return response.text("Not a user message; ignored.")
        channel, ts = str(event.get("channel") or ""), str(event.get("ts") or "")
        users = [str(a.get("user_id")) for a in body.get("authorizations") or [] if isinstance(a, dict)][:1]
        metadata = {"out_channel": channel, "thread_id": str(event.get("thread_ts") or ts) or None,
                    "users": body.get("authed_users") or users}
        if not self._is_supported_channel(body, metadata):
            return response.text("Not a direct message, a mention or the configured channel; ignored.")
        if not self.first_time(str(body.get("event_id") or ""), f"{channel}:{ts}" if ts else ""):
            return response.text("Already answered.", headers=NO_RETRY)
        text = self._sanitize_user_message(str(event.get("text")), metadata["users"])
        self.handle(on_new_message, text, str(event.get("user") or ""), metadata)
        return response.text("")

    def on_interaction(self, payload: Dict[Text, Any],
                       on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> HTTPResponse:
        if not self._is_interactive_message(payload):
            return response.text("Not a supported interaction; ignored.")
        action = payload["actions"][0]
        text = self._get_interactive_response(action) if isinstance(action, dict) else None
        user = (payload.get("user") or {}).get("id") if isinstance(payload.get("user"), dict) else None
        if text is None or not user:
            return response.text("Nothing to answer; ignored.")
        message = payload.get("message") if isinstance(payload.get("message"), dict) else {}
        channel = (payload.get("channel") or {}).get("id") if isinstance(payload.get("channel"), dict) else None
        metadata = {"out_channel": channel, "thread_id": message.get("thread_ts") or message.get("ts"),
                    "users": [user]}
        key = action.get("action_ts") or payload.get("trigger_id")
        if not self.first_time(f"action:{key}" if key else ""):
            return response.text("Already answered.", headers=NO_RETRY)
        self.handle(on_new_message, str(text), str(user), metadata)
        return response.text("")


def _json_object(raw: bytes) -> Optional[Dict[Text, Any]]:
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


def _finished(task: "asyncio.Task[Any]") -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("a Slack message could not be answered", exc_info=task.exception())
