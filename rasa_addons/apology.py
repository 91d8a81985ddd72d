"""A Rasa policy: after a custom action that failed to say anything, apologise instead of going silent.

Rasa 3.6 logs a failed custom action (the action server is down, or raised) as executed,
without its events, and goes on predicting. Every Brobygger action says something, so a
custom action followed by no bot message since the user spoke means it failed.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

APOLOGY = "utter_action_server_down"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT], is_trainable=False)
class ActionServerDownPolicy(Policy):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"priority": 7}  # above RulePolicy (6): its "listen after the action" must not win

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "ActionServerDownPolicy":
        return cls(config, model_storage, resource, execution_context)

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        result = self._default_predictions(domain)
        action = failed_action(tracker, domain)
        if action == APOLOGY:
            result[domain.index_for_action(ACTION_LISTEN_NAME)] = 1.0
        elif action and APOLOGY in domain.action_names_or_texts:
            result[domain.index_for_action(APOLOGY)] = 1.0
        return self._prediction(result)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "ActionServerDownPolicy":
        return cls(config, model_storage, resource, execution_context)


def failed_action(tracker: DialogueStateTracker, domain: Domain) -> Optional[str]:
    """The custom action that just ran without a word since the user spoke, or the apology itself.

    Only a message that came through a channel counts: in `rasa test` stories no action runs
    (so none speaks), and their user messages come through no channel."""
    last = tracker.latest_action_name
    if last == APOLOGY:
        return APOLOGY
    if not last or last not in domain.user_actions or last.startswith("utter_") or last in domain.form_names:
        return None
    for event in reversed(tracker.events):
        if isinstance(event, BotUttered):
            return None
        if isinstance(event, UserUttered):
            return last if event.input_channel else None
    return None
