"""A Rasa NLU intent classifier: logistic regression over tf-idf weighted sparse features.

Rasa 3.6's own LogisticRegressionClassifier feeds the featurizers' raw counts to scikit-learn with
the default regularisation (C = 1) and no way to change it. Raw counts let long messages and the
many character n-grams of a word dominate, and frequent n-grams ("hvad", "the", "er ") weigh as
much as telling ones. This one weighs the same features the way text classifiers usually do:
sublinear term frequency (1 + log count), inverse document frequency learnt from the training data,
each message scaled to unit length, and a weaker regularisation (C) that suits the scaled features.
In 5-fold cross-validation on bot/nlu that raised weighted intent F1 by about two points.

Everything it learns is saved as numbers (the idf as .npy, the model with skops): no pickle.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class TfidfLogisticRegression(LogisticRegressionClassifier):
    """LogisticRegressionClassifier with tf-idf weighting, unit-length rows and a settable C."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            **LogisticRegressionClassifier.get_default_config(),
            "C": 100.0,  # inverse regularisation strength; unit-length tf-idf rows need more than 1
            "class_weight": "balanced",  # or null: every example weighs the same
            "sublinear_tf": True,  # 1 + log(count) instead of the count
            "use_idf": True,
            "max_iter": 1000,
        }

    def __init__(self, config: Dict[Text, Any], name: Text, model_storage: ModelStorage,
                 resource: Resource) -> None:
        super().__init__(config, name, model_storage, resource)
        self.clf = LogisticRegression(
            C=float(self.config["C"]),
            class_weight=self.config["class_weight"],
            solver=self.config["solver"],
            max_iter=self.config["max_iter"],
            tol=self.config["tol"],
            random_state=self.config["random_state"],
        )
        self.idf: Optional[np.ndarray] = None

    # features ---------------------------------------------------------------------------------

    def _raw_X(self, messages: List[Message]) -> csr_matrix:
        return csr_matrix(LogisticRegressionClassifier._create_X(self, messages), dtype=np.float64)

    def _weigh(self, X: csr_matrix) -> csr_matrix:
        X = X.tocsr(copy=True)
        if self.config["sublinear_tf"]:
            positive = X.data > 0
            X.data[positive] = 1.0 + np.log(X.data[positive])
        if self.idf is not None:
            X = csr_matrix(X.multiply(self.idf[np.newaxis, :]))
        return normalize(X)

    def _create_X(self, messages: List[Message]) -> csr_matrix:
        """The weighted features of messages (what `process` classifies)."""
        return self._weigh(self._raw_X(messages))

    # training and persistence -----------------------------------------------------------------

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        if not examples:
            logger.debug(f"Cannot train '{self.__class__.__name__}'. No data was provided.")
            return self._resource
        raw = self._raw_X(examples)
        if self.config["use_idf"]:
            n = raw.shape[0]
            df = np.bincount(raw.nonzero()[1], minlength=raw.shape[1])
            self.idf = np.log((1.0 + n) / (1.0 + df)) + 1.0  # smoothed, as scikit-learn's TfidfTransformer
        self.clf.fit(self._weigh(raw), [e.get(INTENT) for e in examples])
        self.persist()
        return self._resource

    def persist(self) -> None:
        super().persist()
        if self.idf is not None:
            with self._model_storage.write_to(self._resource) as model_dir:
                np.save(model_dir / "idf.npy", self.idf, allow_pickle=False)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "TfidfLogisticRegression":
        component = super().load(config, model_storage, resource, execution_context, **kwargs)
        try:
            with model_storage.read_from(resource) as model_dir:
                path = model_dir / "idf.npy"
                if path.exists():
                    component.idf = np.load(path, allow_pickle=False)
        except ValueError:
            pass  # no resource: an untrained component, as the parent class returns it
        return component
