"""A Rasa NLU component: the message's language as the entity `language` (da or en)."""

from __future__ import annotations

from typing import List, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from knowledge.text import language_signal
from rasa_addons.stateless import StatelessComponent

ENTITY = "language"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class LanguageDetector(StatelessComponent):
    """Adds `{"entity": "language", "value": "da"|"en"}` when the message's language is clear."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            language: Optional[str] = language_signal(text) if text.strip() else None
            if language is None:
                continue
            entity = {
                "entity": ENTITY, "value": language, "start": 0, "end": len(text),
                "confidence": 1.0, "extractor": self.__class__.__name__,
            }
            message.set(ENTITIES, [*message.get(ENTITIES, []), entity], add_to_output=True)
        return messages
