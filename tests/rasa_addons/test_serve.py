"""Rasa's HTTP API: off without a token; with one, the token reaches Rasa from the environment, not argv."""

from __future__ import annotations

import pytest

from rasa_addons.serve import TokenError, api_token, rasa_argv

TOKEN = "k3Y-for-the-tests-0123456789abcdef"


def test_without_the_api_nothing_is_added():
    assert rasa_argv(["run", "--port", "5005"], {"BROBYGGER_RASA_API_TOKEN": TOKEN}) == ["run", "--port", "5005"]


def test_the_api_gets_the_token_from_the_environment():
    assert rasa_argv(["run", "--enable-api"], {"BROBYGGER_RASA_API_TOKEN": f"  {TOKEN}\n"}) == [
        "run", "--enable-api", "--auth-token", TOKEN]


def test_the_api_is_never_served_without_a_token():
    with pytest.raises(TokenError, match="BROBYGGER_RASA_API_TOKEN"):
        rasa_argv(["run", "--enable-api"], {})


@pytest.mark.parametrize("argv", [["run", "--auth-token", TOKEN], ["run", f"--auth-token={TOKEN}"], ["run", "-t", TOKEN]])
def test_a_token_on_the_command_line_is_refused(argv: list[str]):
    with pytest.raises(TokenError, match="not on the command line"):
        rasa_argv(argv, {})


@pytest.mark.parametrize("weak", ["short", "has spaces in the middle of it"])
def test_a_weak_token_is_refused(weak: str):
    with pytest.raises(TokenError, match="at least 16"):
        api_token({"BROBYGGER_RASA_API_TOKEN": weak})


def test_no_token_means_no_api():
    assert api_token({}) is None and api_token({"BROBYGGER_RASA_API_TOKEN": "  "}) is None
