"""A Rasa NLU component: a very long message is cut before the featurizers see it.

A 50 kB message would otherwise cost seconds of character n-grams; the first
MAX_CHARS characters say what it is about (the knowledge layer reads no more either)."""

from __future__ import annotations

import re
from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from rasa_addons.stateless import StatelessComponent

MAX_CHARS = 2000
EMPTY = "brobygger_empty_message"  # marks a message that had no text at all
PLACEHOLDER = "besked"  # what the featurizers see instead: Rasa 3.6's LogisticRegressionClassifier fails on no tokens


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False)
class TruncateMessage(StatelessComponent):
    """Cuts a message over MAX_CHARS; gives an empty or symbol-only one a placeholder word (and marks it)."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str) and len(text) > MAX_CHARS:
                message.set(TEXT, text[:MAX_CHARS])
            elif not isinstance(text, str) or not re.search(r"\w", text):  # empty, spaces, only emoji or signs
                message.set(EMPTY, text or "")
                message.set(TEXT, PLACEHOLDER)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class NoIntentFallback(StatelessComponent):
    """An empty message, or one no classifier could read, becomes `nlu_fallback`,
    so it gets the "please rephrase" reply instead of silence."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            if message.get(EMPTY) is not None:
                message.set(TEXT, message.get(EMPTY))
                message.set(INTENT, {INTENT_NAME_KEY: "nlu_fallback", PREDICTED_CONFIDENCE_KEY: 1.0}, add_to_output=True)
            elif not intent.get(INTENT_NAME_KEY):
                message.set(INTENT, {INTENT_NAME_KEY: "nlu_fallback", PREDICTED_CONFIDENCE_KEY: 1.0}, add_to_output=True)
        return messages
