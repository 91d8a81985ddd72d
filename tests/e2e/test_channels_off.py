"""Without their variables, Slack and Teams are left out of the run and Rasa starts as before."""

from __future__ import annotations

import os
import urllib.error
import urllib.request

import pytest
import yaml

from rasa_addons.channels.settings import REST_CLASS, SOCKETIO_CLASS
from stack.processes import Stack


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_unconfigured_channels_are_not_served(stack: Stack):
    if any(os.environ.get(v) for v in ("SLACK_TOKEN", "SLACK_SIGNING_SECRET", "BOTFRAMEWORK_APP_ID")):
        pytest.skip("this shell configures a channel")
    credentials = yaml.safe_load((stack.config.run_dir / "credentials.yml").read_text(encoding="utf-8"))
    assert set(credentials) == {REST_CLASS, SOCKETIO_CLASS}
    assert status(f"{stack.config.rasa_url}/webhooks/rest/") == 200
    assert status(f"{stack.config.rasa_url}/webhooks/slack/") == 404
    assert status(f"{stack.config.rasa_url}/webhooks/botframework/") == 404
