"""The `brobygger` console script, run as a subprocess with a tmp data dir and the fake model."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.support import BROBYGGER, json_lines, make_pdf, run_cli

REBUILD = "brobygger index --rebuild"


def test_the_console_script_is_installed():
    assert BROBYGGER.exists(), f"{BROBYGGER} missing: run `make install`"


def test_without_a_command_it_prints_help_and_exits_2(tmp_path):
    proc = run_cli([], tmp_path / "data")
    assert proc.returncode == 2
    assert "usage" in (proc.stdout + proc.stderr).lower()


@pytest.mark.parametrize("args", [["ask", ""], ["search", "   "], ["ask"]])
def test_an_empty_query_exits_2_with_a_clear_message(fake_data_dir, args):
    proc = run_cli(args, fake_data_dir)
    assert proc.returncode == 2
    assert "empty" in proc.stderr.lower()
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_search_json_batch_gives_one_object_per_line_in_order(fake_data_dir, tmp_path):
    queries = ["Hvordan håndterer ledere krydspres?", "What are the three leadership challenges?",
               "syv budskaber til cheferne", "Hvad siger borgerne?"]
    batch = tmp_path / "queries.txt"
    batch.write_text("\n".join(queries) + "\n", encoding="utf-8")
    proc = run_cli(["search", "--json", "-k", "3", "--batch", str(batch)], fake_data_dir)
    assert proc.returncode == 0, proc.stderr
    lines = json_lines(proc.stdout)
    assert [o["query"] for o in lines] == queries
    for o in lines:
        assert {"query", "abstain", "results"} <= set(o)
        assert isinstance(o["abstain"], bool)
        assert 1 <= len(o["results"]) <= 3
        for r in o["results"]:
            assert {"id", "source", "title", "section", "text", "score"} <= set(r)
            assert r["source"].endswith(".txt") and r["text"]


def test_a_blank_line_in_a_batch_gives_an_empty_result_in_its_place(fake_data_dir, tmp_path):
    batch = tmp_path / "queries.txt"
    batch.write_text("krydspres\n\nborgerblik\n", encoding="utf-8")
    proc = run_cli(["search", "--json", "--batch", str(batch)], fake_data_dir)
    assert proc.returncode == 0, proc.stderr
    lines = json_lines(proc.stdout)
    assert [o["query"] for o in lines] == ["krydspres", "", "borgerblik"]
    assert lines[1]["results"] == [] and "line 2" in lines[1]["error"]


def test_a_batch_with_a_non_utf8_line_exits_2_naming_the_line(fake_data_dir, tmp_path):
    batch = tmp_path / "queries.txt"
    batch.write_bytes("krydspres\nborgerblik\n".encode("utf-8") + "ledelse på tværs\n".encode("latin-1"))
    proc = run_cli(["search", "--json", "--batch", str(batch)], fake_data_dir)
    assert proc.returncode == 2
    assert "line 3" in proc.stderr
    assert proc.stdout == ""  # the batch is checked before any work


def test_a_missing_batch_file_exits_2(fake_data_dir, tmp_path):
    proc = run_cli(["search", "--batch", str(tmp_path / "nope.txt")], fake_data_dir)
    assert proc.returncode == 2 and "nope.txt" in proc.stderr


@pytest.mark.parametrize("args", [["search", "-k", "0", "krydspres"], ["search", "-k", "101", "krydspres"]])
def test_an_out_of_range_k_exits_2(fake_data_dir, args):
    proc = run_cli(args, fake_data_dir)
    assert proc.returncode == 2 and "-k" in proc.stderr


def test_ask_json_has_question_answer_and_citations(fake_data_dir):
    proc = run_cli(["ask", "--json", "Hvordan", "håndterer", "topledere", "krydspres?"], fake_data_dir)
    assert proc.returncode == 0, proc.stderr
    [out] = json_lines(proc.stdout)
    assert {"question", "abstain", "answer", "citations"} <= set(out)
    assert out["question"] == "Hvordan håndterer topledere krydspres?"
    assert not out["abstain"] and out["citations"]
    for c in out["citations"]:
        assert {"n", "id", "source", "title", "section", "quote"} <= set(c)
        assert f"[{c['n']}]" in out["answer"]


def test_ask_with_filters_cites_only_matching_passages(fake_data_dir):
    proc = run_cli(["search", "--json", "-k", "5", "--group", "topledere", "--theme", "krydspres", "Hvad gør ledere?"],
                   fake_data_dir)
    assert proc.returncode == 0, proc.stderr
    [out] = json_lines(proc.stdout)
    assert out["results"]
    assert all((r["group"], r["theme"]) == ("topledere", "krydspres") for r in out["results"])


def test_human_output_of_ask_shows_quotes_and_sources(fake_data_dir):
    proc = run_cli(["ask", "Hvad er de syv budskaber til cheferne?"], fake_data_dir)
    assert proc.returncode == 0, proc.stderr
    assert "[1]" in proc.stdout and "—" in proc.stdout
    assert ".txt)" in proc.stdout  # each quote says which source file it is from


def test_a_missing_index_is_built_automatically(tmp_path):
    data = tmp_path / "fresh"
    proc = run_cli(["search", "--json", "krydspres"], data)
    assert proc.returncode == 0, proc.stderr
    assert json_lines(proc.stdout)[0]["results"]
    manifest = json.loads((data / "index" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["model"] == "fake-64"


def test_the_index_command_builds_and_rebuilds(tmp_path):
    data = tmp_path / "fresh"
    assert run_cli(["index"], data).returncode == 0
    first = json.loads((data / "index" / "manifest.json").read_text(encoding="utf-8"))
    assert first["embedded_now"] == first["passages"] > 0
    assert run_cli(["index"], data).returncode == 0
    assert json.loads((data / "index" / "manifest.json").read_text(encoding="utf-8"))["embedded_now"] == 0
    assert run_cli(["index", "--rebuild"], data).returncode == 0
    assert json.loads((data / "index" / "manifest.json").read_text(encoding="utf-8"))["embedded_now"] == first["passages"]


@pytest.mark.parametrize("damage", ["vectors", "faiss"])
def test_a_corrupted_index_is_a_clear_error_naming_the_rebuild_command(fake_data_dir, damage):
    ix = fake_data_dir / "index"
    if damage == "vectors":
        data = (ix / "vectors.npy").read_bytes()
        (ix / "vectors.npy").write_bytes(data[: len(data) // 3])
    else:
        (ix / "faiss.index").write_bytes(b"this is not a faiss index")
    for command in (["ask", "--json", "Hvad er krydspres?"], ["search", "krydspres"]):
        proc = run_cli(command, fake_data_dir)
        assert proc.returncode == 1 and "Traceback" not in proc.stderr and proc.stdout == ""
        assert "is damaged" in proc.stderr and "brobygger index --rebuild" in proc.stderr
    assert run_cli(["index", "--rebuild"], fake_data_dir).returncode == 0
    again = run_cli(["ask", "--json", "Hvad er krydspres?"], fake_data_dir)
    assert again.returncode == 0 and json.loads(again.stdout)["citations"]


def test_an_index_built_with_another_model_exits_1_naming_the_rebuild_command(fake_data_dir):
    proc = run_cli(["search", "krydspres"], fake_data_dir, model="fake-32")
    assert proc.returncode == 1
    assert REBUILD in proc.stderr


def test_ingest_of_a_folder_reports_good_and_broken_files_and_updates_the_index(fake_data_dir, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "trivsel.txt").write_text(
        "Trivsel i hjemmeplejen\n\nSygefraværet faldt markant, da lederne indførte månedlige trivselssamtaler.\n",
        encoding="utf-8")
    (inbox / "broken.pdf").write_bytes(b"%PDF-1.4\nthis is not really a pdf")
    proc = run_cli(["ingest", str(inbox)], fake_data_dir)
    assert proc.returncode == 0, proc.stderr
    assert "added: trivsel.txt" in proc.stdout
    assert "broken.pdf" in proc.stderr
    search = run_cli(["search", "--json", "--source", "trivsel.txt", "trivselssamtaler"], fake_data_dir)
    assert search.returncode == 0, search.stderr
    results = json_lines(search.stdout)[0]["results"]
    assert results and all(r["source"] == "trivsel.txt" for r in results)
    assert "trivselssamtaler" in results[0]["text"]
    assert "changed" not in search.stderr  # ingest already updated the index


def test_ingest_of_a_pdf(fake_data_dir, tmp_path):
    pdf = tmp_path / "rapport.pdf"
    pdf.write_bytes(make_pdf(["Rapport om mødekultur", "Lederne holder korte stående møder hver mandag morgen."]))
    proc = run_cli(["ingest", str(pdf)], fake_data_dir)
    assert proc.returncode == 0, proc.stderr
    out = json_lines(run_cli(["search", "--json", "--source", "rapport.pdf", "stående møder"], fake_data_dir).stdout)
    assert out[0]["results"][0]["source"] == "rapport.pdf"


def test_ingest_with_only_broken_files_exits_1(fake_data_dir, tmp_path):
    bad = tmp_path / "latin.txt"
    bad.write_bytes("Ærlig snak".encode("latin-1"))
    proc = run_cli(["ingest", str(bad)], fake_data_dir)
    assert proc.returncode == 1
    assert "latin.txt" in proc.stderr


EVAL_YAML = """\
- id: t-1
  lang: da
  question: "Hvad er de syv budskaber fra ledere og medarbejdere til cheferne?"
  gold:
    - source: 001_39c61fd0ac587585.txt
      quote: "Mening motiverer"
- id: t-2
  lang: en
  question: "What are the three leadership challenges?"
  gold:
    - source: 003_9d25f31cbaa18473.txt
      quote: "At skabe en samlende mening"
- id: t-3
  lang: en
  question: "How do I reset my intranet password?"
"""


def test_eval_json_on_a_small_question_file(fake_data_dir, tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(EVAL_YAML, encoding="utf-8")
    proc = run_cli(["eval", str(path), "--json"], fake_data_dir)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert (report["n_in_scope"], report["n_out_of_scope"]) == (2, 1)
    for key in ("recall_at_1", "recall_at_5", "mrr", "false_abstain", "quotes_verbatim"):
        assert 0.0 <= report[key] <= 1.0
    assert report["quotes_verbatim"] == 1.0
    assert [i["id"] for i in report["items"]] == ["t-1", "t-2", "t-3"]
    assert report["items"][0]["rank"] is not None


def test_eval_human_report(fake_data_dir, tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(EVAL_YAML, encoding="utf-8")
    proc = run_cli(["eval", str(path)], fake_data_dir)
    assert proc.returncode == 0, proc.stderr
    assert "Recall@5" in proc.stdout and "MRR" in proc.stdout


def test_eval_of_a_malformed_file_exits_2(fake_data_dir, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("just: a mapping\n", encoding="utf-8")
    proc = run_cli(["eval", str(path)], fake_data_dir)
    assert proc.returncode == 2
    assert "bad.yaml" in proc.stderr


def test_cli_never_writes_outside_its_data_dir(fake_data_dir, tmp_path):
    before = sorted(p.name for p in tmp_path.iterdir())
    assert run_cli(["search", "krydspres"], fake_data_dir).returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert np.load(fake_data_dir / "index" / "vectors.npy", allow_pickle=False).shape[1] == 2 * 64  # text and gloss


def test_a_100_kb_question_works_and_the_output_says_it_was_truncated(fake_data_dir):
    question = ("Hvordan håndterer ledere krydspres mellem styring og faglighed? " * 1700)[:100_000]
    proc = run_cli(["ask", "--json", question], fake_data_dir)
    assert proc.returncode == 0, proc.stderr[-500:]
    [out] = json_lines(proc.stdout)
    assert "truncated" in out["note"]
    human = run_cli(["search", question], fake_data_dir)
    assert human.returncode == 0 and "truncated" in human.stdout


def test_max_query_chars_comes_from_the_environment(fake_data_dir):
    proc = run_cli(["search", "--json", "Hvordan håndterer ledere krydspres?"], fake_data_dir,
                   env={"BROBYGGER_MAX_QUERY_CHARS": "10"})
    assert proc.returncode == 0, proc.stderr
    assert json_lines(proc.stdout)[0].get("note")


def test_a_bad_number_in_the_environment_is_a_clear_error(fake_data_dir):
    proc = run_cli(["search", "krydspres"], fake_data_dir, env={"BROBYGGER_TOP_K": "fem"})
    assert proc.returncode != 0
    assert "BROBYGGER_TOP_K" in proc.stderr and "Traceback" not in proc.stderr
