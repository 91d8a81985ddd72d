"""Evaluation: question files, the metrics, and the score on the bundled calibration set (real model)."""

from __future__ import annotations

import pytest

from knowledge.calibration import DEFAULT_SET, cross_validated_threshold, fit_logistic, pick_lexical, pick_threshold
from knowledge.corpus import reference_texts
from knowledge.evaluate import (EvalFileError, ItemResult, contains_gold, evaluate, format_report, load_items,
                                summarize)
from tests.support import mini_references

MINI_ITEMS = [
    {"id": "m-1", "lang": "da", "kind": "fact", "question": "Hvad betyder ledelsesspændet for lederen?",
     "gold": [{"source": "mini_stafet.txt", "quote": "et stort  LEDELSESSPÆND betyder"}]},
    {"id": "m-2", "lang": "da", "kind": "list", "question": "Hvilke fire råd er der til ledere på tværs?",
     "gold": [{"source": "mini_guide.txt", "quote": "Mød hinanden fysisk hver måned"}]},
    {"id": "m-3", "lang": "en", "kind": "fact", "question": "How do top leaders handle cross-pressure?",
     "gold": [{"source": "mini_stafet.txt", "quote": "modsatrettede krav fra byrådet"}]},
    {"id": "m-4", "lang": "en", "kind": "out-of-scope", "question": "How do I reset my intranet password?"},
]


def _item(id: str, rank, abstain=False, in_scope=True, quotes=1, verbatim=1, lang="da") -> ItemResult:
    return ItemResult(id=id, lang=lang, kind="", in_scope=in_scope, rank=rank, abstain=abstain,
                      cites_gold=rank == 1, quotes=quotes, verbatim=verbatim, confidence=0.5)


def test_load_items_reads_a_yaml_list(tmp_path):
    path = tmp_path / "q.yaml"
    path.write_text("- question: Hvad er krydspres?\n  gold: []\n- question: Hvad er borgerblik?\n", encoding="utf-8")
    assert [i["question"] for i in load_items(path)] == ["Hvad er krydspres?", "Hvad er borgerblik?"]


@pytest.mark.parametrize("content", [
    b"question: not a list\n",
    b"- gold: []\n",
    b"- question: [unclosed\n",
    "- question: Hvad er krydspres?\n".encode("latin-1") + b"- question: \xe6ble\n",
])
def test_bad_question_files_raise_eval_file_error(tmp_path, content):
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    with pytest.raises(EvalFileError):
        load_items(path)


def test_a_missing_question_file_raises_eval_file_error(tmp_path):
    with pytest.raises(EvalFileError):
        load_items(tmp_path / "missing.yaml")


def test_gold_is_matched_ignoring_case_and_whitespace():
    gold = [{"quote": "Mening  motiverer"}]
    assert contains_gold("1. mening\nmotiverer\n2. Sørg for rum", gold)
    assert not contains_gold("Mening er vigtig", gold)
    assert not contains_gold("anything", [{"quote": ""}, {}])


def test_summarize_computes_the_metrics():
    items = [_item("a", 1), _item("b", 3), _item("c", None), _item("d", 2, abstain=True),
             _item("x", None, abstain=True, in_scope=False, quotes=0, verbatim=0),
             _item("y", None, abstain=False, in_scope=False, quotes=2, verbatim=1)]
    r = summarize(items)
    assert (r.n_in_scope, r.n_out_of_scope) == (4, 2)
    assert r.recall_at_1 == 0.25
    assert r.recall_at_5 == 0.75
    assert r.mrr == round((1 + 1 / 3 + 1 / 2) / 4, 4)
    assert r.false_abstain == 0.25
    assert r.out_of_scope_abstained == 0.5
    assert r.quotes_verbatim == round(5 / 6, 4)


def test_summarize_with_no_quotes_counts_as_verbatim():
    assert summarize([_item("a", None, quotes=0, verbatim=0)]).quotes_verbatim == 1.0


def test_evaluate_on_the_tiny_corpus(mini_searcher):
    report = evaluate(mini_searcher, MINI_ITEMS, mini_references())
    assert (report.n_in_scope, report.n_out_of_scope) == (3, 1)
    by_id = {i.id: i for i in report.items}
    assert by_id["m-1"].rank == 1 and by_id["m-1"].cites_gold
    assert by_id["m-2"].rank is not None and by_id["m-2"].rank <= 2
    assert by_id["m-3"].rank is not None
    assert by_id["m-4"].rank is None and not by_id["m-4"].in_scope
    assert report.recall_at_5 == 1.0
    assert report.quotes_verbatim == 1.0
    assert all(i.quotes >= 1 and i.verbatim == i.quotes for i in report.items if not i.abstain)
    assert set(report.by_language) == {"da", "en"}
    assert report.by_language["da"]["n_in_scope"] == 2


def test_quotes_not_in_the_references_are_counted(mini_searcher):
    report = evaluate(mini_searcher, MINI_ITEMS[:1], {"other.txt": "noget helt andet"})
    assert report.items[0].quotes >= 1
    assert report.quotes_verbatim == 0.0


def test_format_report_names_the_metrics_and_the_misses(mini_searcher):
    items = MINI_ITEMS + [{"id": "m-5", "question": "Hvad er krydspres?", "gold": [{"quote": "ikke i korpusset"}]}]
    text = format_report(evaluate(mini_searcher, items, mini_references()))
    for label in ("Recall@1", "Recall@5", "MRR", "false abstain", "Out of scope abstained", "Quotes verbatim"):
        assert label in text
    assert "m-5 (rank -)" in text


def test_report_to_dict_is_plain_data(mini_searcher):
    import json

    d = evaluate(mini_searcher, MINI_ITEMS, mini_references()).to_dict()
    assert json.loads(json.dumps(d)) == d
    assert {"recall_at_1", "recall_at_5", "mrr", "quotes_verbatim", "items"} <= set(d)


def test_pick_threshold_keeps_in_scope_questions_within_the_budget():
    in_scope = [0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99]
    out_of_scope = [0.05, 0.1, 0.2]
    t = pick_threshold(in_scope, out_of_scope, budget=0.0)
    assert 0.2 < t < 0.3
    assert all(c >= t for c in in_scope)
    assert all(c < t for c in out_of_scope)
    assert pick_threshold([], [0.1]) == 0.0


def _two_classes(seed: int = 3):
    import numpy as np

    rng = np.random.default_rng(seed)
    x = np.vstack([rng.normal(1.0, 0.6, (60, 2)), rng.normal(-1.0, 0.6, (30, 2))])
    y = np.array([1.0] * 60 + [0.0] * 30)
    return x, y


def test_cross_validated_threshold_is_deterministic_and_within_budget():
    import numpy as np

    x, y = _two_classes()
    t = cross_validated_threshold(x, y, budget=0.05)
    assert t == cross_validated_threshold(x, y, budget=0.05)
    w, b = fit_logistic(x, y)
    conf = 1.0 / (1.0 + np.exp(-(x @ np.array(w) + b)))
    assert np.mean(conf[y == 1] < t) <= 0.05 + 1e-9  # the final model keeps to the budget on its own data
    assert np.mean(conf[y == 0] < t) > 0.8            # and still abstains on most of the other class


def test_cross_validated_threshold_is_not_fitted_to_the_training_data():
    """Held-out confidences are less extreme than in-sample ones: an in-scope outlier among the
    out-of-scope questions pulls the out-of-fold threshold down, not up."""
    import numpy as np

    x, y = _two_classes()
    x = np.vstack([x, [[-1.2, -1.0]]])
    y = np.append(y, 1.0)
    assert cross_validated_threshold(x, y, budget=0.0) <= pick_threshold(
        [c for c, t in zip(_confidences(x, y), y) if t], [c for c, t in zip(_confidences(x, y), y) if not t], 0.0)


def _confidences(x, y):
    import numpy as np

    w, b = fit_logistic(x, y)
    return list(1.0 / (1.0 + np.exp(-(x @ np.array(w) + b))))


def test_pick_lexical_keeps_the_default_unless_another_weight_clearly_helps():
    scored = [(0.6, 0.70, 0.85), (0.7, 0.77, 0.90), (0.8, 0.78, 0.91)]
    assert pick_lexical(scored, 0.7)[0] == 0.7
    assert pick_lexical(scored, 0.7, min_gain=0.005)[0] == 0.8
    assert pick_lexical([(0.6, 0.80, 0.9), (0.7, 0.70, 0.9)], 0.7)[0] == 0.6


# ------------------------------------------------------------------ the real bundled model

# Measured with the bundled model and the committed weights.json on the 252-question set (142 in scope):
# Recall@5 0.92, MRR 0.79, false abstain 0.014, out of scope abstained 0.77, cites gold 0.85,
# quotes verbatim 1.00. The floors leave some room for tuning; quotes must always be verbatim.
MIN_RECALL_AT_5 = 0.86
MIN_MRR = 0.72
MAX_FALSE_ABSTAIN = 0.05
MIN_OUT_OF_SCOPE_ABSTAINED = 0.68
MIN_CITES_GOLD = 0.78


@pytest.mark.model
def test_the_bundled_calibration_set_scores_above_the_floor(model_searcher, model_settings):
    items = load_items(DEFAULT_SET)
    assert len(items) >= 50
    report = evaluate(model_searcher, items, reference_texts(model_settings))
    summary = format_report(report)
    assert report.n_in_scope == sum(1 for i in items if i.get("gold"))
    assert report.n_out_of_scope >= 10
    assert report.quotes_verbatim == 1.0, summary
    assert report.recall_at_5 >= MIN_RECALL_AT_5, summary
    assert report.mrr >= MIN_MRR, summary
    assert report.false_abstain <= MAX_FALSE_ABSTAIN, summary
    assert report.out_of_scope_abstained >= MIN_OUT_OF_SCOPE_ABSTAINED, summary
    assert report.cites_gold >= MIN_CITES_GOLD, summary
    assert set(report.by_language) == {"da", "en"}
