"""Channels configured from the environment: enabled only when set, half a configuration is an error,
and the run's credentials file names only what is enabled (no secrets in it)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from rasa_addons.channels.settings import (REST_CLASS, SLACK_API, SLACK_CLASS, SOCKETIO_CLASS, TEAMS_CLASS,
                                           ChannelConfigError, SlackSettings, TeamsSettings, enabled_channels)
from stack.config import ROOT, StackConfig
from stack.processes import StackError, write_credentials

SLACK = {"SLACK_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s3cret"}
TEAMS = {"BOTFRAMEWORK_APP_ID": "app", "BOTFRAMEWORK_APP_PASSWORD": "pw"}


def test_nothing_set_means_no_channels():
    assert SlackSettings.from_env({}) is None and TeamsSettings.from_env({}) is None
    assert enabled_channels({"SLACK_TOKEN": "  "}) == set()


def test_slack_settings_from_the_environment():
    s = SlackSettings.from_env({**SLACK, "SLACK_CHANNEL": "C1", "SLACK_API_URL": "http://127.0.0.1:9/api"})
    assert (s.token, s.signing_secret, s.channel, s.api_url) == ("xoxb-1", "s3cret", "C1", "http://127.0.0.1:9/api/")
    assert SlackSettings.from_env(SLACK).api_url == SLACK_API


def test_teams_settings_default_to_microsoft():
    t = TeamsSettings.from_env(TEAMS)
    assert t.openid_url.startswith("https://login.botframework.com/") and t.issuer == "https://api.botframework.com"
    assert t.token_url.startswith("https://login.microsoftonline.com/")


@pytest.mark.parametrize("env,names", [
    ({"SLACK_TOKEN": "x"}, "SLACK_SIGNING_SECRET"),
    ({"SLACK_SIGNING_SECRET": "x"}, "SLACK_TOKEN"),
    ({**SLACK, "SLACK_API_URL": "ftp://x"}, "SLACK_API_URL"),
    ({**SLACK, "SLACK_CONVERSATION": "team"}, "SLACK_CONVERSATION"),
    ({"BOTFRAMEWORK_APP_ID": "x"}, "BOTFRAMEWORK_APP_PASSWORD"),
    ({**TEAMS, "BOTFRAMEWORK_OPENID_URL": "keys.json"}, "BOTFRAMEWORK_OPENID_URL"),
])
def test_half_a_configuration_is_a_clear_error(env: dict[str, str], names: str):
    with pytest.raises(ChannelConfigError, match=names):
        enabled_channels(env)


def config(tmp_path: Path) -> StackConfig:
    cfg = StackConfig(ROOT, "127.0.0.1", 1234, 4321, tmp_path / "model.tar.gz", tmp_path)
    cfg.run_dir.mkdir(parents=True)
    return cfg


@pytest.mark.parametrize("env,expected", [
    ({}, set()), (SLACK, {SLACK_CLASS}), (TEAMS, {TEAMS_CLASS}), ({**SLACK, **TEAMS}, {SLACK_CLASS, TEAMS_CLASS}),
])
def test_the_run_credentials_name_only_the_configured_channels(tmp_path: Path, env, expected):
    path = write_credentials(config(tmp_path), env)
    written = yaml.safe_load(path.read_text(encoding="utf-8"))
    always = {REST_CLASS, SOCKETIO_CLASS}
    assert always <= set(written) and set(written) - always == expected
    assert not any(secret in path.read_text(encoding="utf-8") for secret in [*SLACK.values(), *TEAMS.values()])


def test_the_repository_credentials_name_both_channels_and_hold_no_secrets():
    text = (ROOT / "credentials.yml").read_text(encoding="utf-8")
    written = yaml.safe_load(text)
    assert written[SLACK_CLASS] is None and written[TEAMS_CLASS] is None


@pytest.mark.parametrize("make", [
    lambda: SlackSettings("xoxb-1", ""), lambda: SlackSettings("", "secret"),
    lambda: TeamsSettings("", "pw"), lambda: TeamsSettings("app", "pw", issuer=" "),
])
def test_the_signature_and_token_checks_cannot_be_configured_away(make):
    """Slack without a signing secret (an HMAC with an empty key) or Teams without an app id (the
    tokens' audience) cannot be built, so the channels always verify."""
    with pytest.raises(ChannelConfigError):
        make()


def test_half_a_configuration_stops_the_launcher_with_the_reason(tmp_path: Path):
    with pytest.raises(StackError, match="SLACK_SIGNING_SECRET"):
        write_credentials(config(tmp_path), {"SLACK_TOKEN": "x"})


def test_make_run_prints_the_webhook_of_each_configured_channel(tmp_path: Path):
    from stack.__main__ import channel_lines

    cfg = config(tmp_path)
    assert channel_lines(cfg, {}) == ""
    assert channel_lines(cfg, SLACK).strip().startswith("Slack:") and "/webhooks/slack/webhook" in channel_lines(cfg, SLACK)
    both = channel_lines(cfg, {**SLACK, **TEAMS})
    assert "/webhooks/botframework/webhook" in both and both.count("\n") == 2
