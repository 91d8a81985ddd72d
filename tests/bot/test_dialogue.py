"""The training data validates, and the conversation test stories pass with the trained model."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from tests.bot.conftest import ROOT

DATA = ["--config", "config.yml", "--domain", "domain.yml", "--data", "bot/nlu", "bot/dialogue"]


def used_outside_dialogue_files() -> set[str]:
    """Responses an action sends, or a form asks with: the only responses no rule or story names."""
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "actions").glob("*.py"))
    used = set(re.findall(r'"((?:utter|tpl)_[a-z_]+)"', source))
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    for form in domain.get("forms", {}).values():
        used |= {f"utter_ask_{slot}" for slot in form["required_slots"]}
    used |= {"utter_default", "utter_action_server_down"}  # Rasa's fallback; rasa_addons.apology
    used |= {"utter_rate_limited"}  # rasa_addons.channels.guard
    return used


def test_rasa_data_validate_is_clean(rasa_cli):
    result = rasa_cli("data", "validate", *DATA)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    output = result.stdout + result.stderr
    warnings = re.findall(r"UserWarning: (.*)", output)
    allowed = used_outside_dialogue_files()
    unexpected = [w for w in warnings
                  if not (m := re.match(r"The utterance '(\w+)' is not used in any story or rule\.", w)) or m.group(1) not in allowed]
    assert unexpected == []
    assert "No story structure conflicts found" in output


def test_conversation_stories_pass(rasa_cli, trained_model: Path, tmp_path: Path):
    result = rasa_cli("test", "core", "--model", str(trained_model), "--stories", "bot/tests",
                      "--fail-on-prediction-errors", "--out", str(tmp_path / "results"))
    output = result.stdout[-4000:] + result.stderr[-4000:]
    assert result.returncode == 0, output
    failed = tmp_path / "results" / "failed_test_stories.yml"
    assert not failed.exists() or "None of the test stories failed" in failed.read_text(encoding="utf-8"), output


PARSE = """
import asyncio, json, sys
from rasa.core.agent import Agent
agent = Agent.load(sys.argv[1])
texts = json.loads(sys.argv[2])
print(json.dumps([asyncio.run(agent.parse_message(t))["intent"]["name"] for t in texts]))
"""


def test_the_trained_classifier_loads_with_its_weights_and_tells_intents_apart(rasa_cli, trained_model: Path,
                                                                               tmp_path: Path):
    """rasa_addons.classifier saves its idf next to the model and reads it back: a model loaded
    from the archive classifies as it was trained (messages that are not training examples)."""
    import json
    import subprocess
    import tarfile

    from tests.bot.conftest import RASA, rasa_env

    with tarfile.open(trained_model) as tar:
        assert any(n.endswith("/idf.npy") and "TfidfLogisticRegression" in n for n in tar.getnames())
    cases = {"hvordan får jeg skolen og jobcentret til at arbejde sammen om de unge": "ask_question",
             "hvornår har genbrugsstationen åbent på lørdag": "out_of_scope",
             "det svar var virkelig brugbart": "feedback_positive",
             "det svar var ubrugeligt": "feedback_negative"}
    result = subprocess.run([str(RASA.parent / "python"), "-c", PARSE, str(trained_model), json.dumps(list(cases))],
                            cwd=ROOT, env=rasa_env(tmp_path), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == list(cases.values())
