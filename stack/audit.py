"""`python -m stack.audit`: the installed packages of both environments against PyPI's vulnerability data.

Each environment's packages (`pip list`, editable ones left out) are audited with pip-audit's PyPI
service (`pip-audit -r … --no-deps --disable-pip`: the exact versions installed, nothing resolved or
installed). The known findings, `security/pip-audit-known.txt` (one `ID  package  reason` per line,
each accepted for the reason given), are passed as `--ignore-vuln`; any other finding fails (exit 1)
and is printed with what to do. When PyPI's vulnerability data cannot be reached (pip-audit cannot
connect, or can look up none of an environment's packages), it says so plainly and exits 0: that
environment was not audited, and nothing is assumed about it.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stack.config import ROOT

KNOWN = ROOT / "security" / "pip-audit-known.txt"
_ID = re.compile(r"^[A-Z][A-Z0-9]*-[A-Za-z0-9][A-Za-z0-9._:-]*$")  # PYSEC-…, GHSA-…, CVE-…
_UNREACHABLE = ("blocking this service", "ConnectionError", "Max retries exceeded", "Failed to establish",
                "Name or service not known", "Temporary failure in name resolution", "timed out")


class KnownFileError(ValueError):
    """A line of the known-findings file that cannot be read; the message names it."""


@dataclass(frozen=True)
class Known:
    id: str
    package: str
    reason: str


@dataclass(frozen=True)
class Finding:
    package: str
    version: str
    id: str
    aliases: tuple[str, ...] = ()
    fix_versions: tuple[str, ...] = ()


@dataclass
class Report:
    environment: str
    audited: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (package, why)
    findings: list[Finding] = field(default_factory=list)  # not in the known list
    unreachable: str = ""  # why nothing could be audited; empty when the audit ran

    @property
    def passed(self) -> bool:
        return not self.findings


def read_known(path: Path = KNOWN) -> list[Known]:
    known: list[Known] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        parts = text.split(None, 2)
        if len(parts) < 3 or not _ID.match(parts[0]) or not parts[2].strip():
            raise KnownFileError(f"{path.name} line {n}: write `ID  package  reason` "
                                 f"(e.g. `PYSEC-2023-228  pip  not used at run time`), not {line.strip()!r}.")
        known.append(Known(parts[0], parts[1].lower(), parts[2].strip()))
    return known


def installed(python: Path) -> list[str]:
    """The environment's packages as `name==version` lines, editable (the project itself) left out."""
    out = subprocess.run([str(python), "-m", "pip", "list", "--format=freeze", "--exclude-editable",
                          "--disable-pip-version-check"], capture_output=True, text=True, check=True).stdout
    return [line.strip() for line in out.splitlines() if re.match(r"^[A-Za-z0-9._-]+==\S+$", line.strip())]


def parse_report(environment: str, data: dict[str, Any], known_ids: set[str]) -> Report:
    report = Report(environment)
    for dep in data.get("dependencies", []):
        if dep.get("skip_reason"):
            report.skipped.append((str(dep.get("name")), str(dep["skip_reason"])))
            continue
        report.audited += 1
        for vuln in dep.get("vulns") or []:
            finding = Finding(str(dep["name"]), str(dep.get("version", "")), str(vuln["id"]),
                              tuple(vuln.get("aliases") or ()), tuple(vuln.get("fix_versions") or ()))
            if not ({finding.id, *finding.aliases} & known_ids):
                report.findings.append(finding)
    if report.audited == 0 and report.skipped:
        report.unreachable = (f"PyPI's vulnerability data could be read for none of the {len(report.skipped)} "
                              f"packages (pip-audit: {report.skipped[0][1]!r}); its per-release JSON API "
                              "(https://pypi.org/pypi/<name>/<version>/json) is not reachable from here")
    return report


def audit(environment: str, python: Path, known: list[Known], pip_audit: Path) -> Report:
    requirements = installed(python)
    with tempfile.TemporaryDirectory(prefix="brobygger-audit-") as tmp:
        req, out = Path(tmp) / "requirements.txt", Path(tmp) / "report.json"
        req.write_text("\n".join(requirements) + "\n", encoding="utf-8")
        argv = [str(pip_audit), "-r", str(req), "--no-deps", "--disable-pip", "--vulnerability-service", "pypi",
                "--format", "json", "--output", str(out), "--progress-spinner", "off", "--timeout", "30"]
        for k in known:
            argv += ["--ignore-vuln", k.id]
        run = subprocess.run(argv, capture_output=True, text=True)
        if out.exists() and out.stat().st_size:
            return parse_report(environment, json.loads(out.read_text(encoding="utf-8")), {k.id for k in known})
        if run.returncode == 0:  # nothing vulnerable: pip-audit writes no report then
            return Report(environment, audited=len(requirements))
        if any(s in run.stderr for s in _UNREACHABLE):
            return Report(environment, unreachable="PyPI could not be reached (" + run.stderr.strip().splitlines()[-1] + ")")
        raise RuntimeError(f"pip-audit failed on {environment} (exit {run.returncode}):\n{run.stderr[-2000:]}")


def describe(report: Report) -> str:
    lines = [f"{report.environment}:"]
    if report.unreachable:
        return "\n".join(lines + [f"  NOT AUDITED: {report.unreachable}."])
    lines.append(f"  {report.audited} packages audited; {len(report.skipped)} not found on PyPI"
                 + (f" ({', '.join(name for name, _ in report.skipped)})" if report.skipped else ""))
    for f in report.findings:
        fix = f"fixed in {', '.join(f.fix_versions)}" if f.fix_versions else "no fixed release"
        aliases = f" ({', '.join(f.aliases)})" if f.aliases else ""
        lines.append(f"  UNLISTED {f.id}{aliases}: {f.package} {f.version}, {fix}")
    if not report.findings:
        lines.append("  no findings beyond the known ones")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stack.audit", description=__doc__)
    parser.add_argument("environments", nargs="+", metavar="NAME=PYTHON",
                        help="an environment's name and its python, e.g. .venv-rasa=.venv-rasa/bin/python")
    parser.add_argument("--known", type=Path, default=KNOWN, help="the known findings (default: %(default)s)")
    parser.add_argument("--pip-audit", type=Path, default=Path(sys.executable).parent / "pip-audit")
    args = parser.parse_args(argv)
    try:
        known = read_known(args.known)
    except (OSError, KnownFileError) as exc:
        print(exc, file=sys.stderr)
        return 2
    reports = []
    for item in args.environments:
        name, _, python = item.partition("=")
        reports.append(audit(name, Path(python or name), known, args.pip_audit))
        print(describe(reports[-1]), flush=True)
    unlisted = [f for r in reports for f in r.findings]
    if unlisted:
        print(f"\n{len(unlisted)} finding(s) not in {args.known.name}: upgrade the package, or add a line "
              "`ID  package  reason` saying why it is accepted (and list it in the README's table).", file=sys.stderr)
        return 1
    if any(r.unreachable for r in reports):
        print(f"\nThe audit could not run everywhere (see above); {len(known)} known finding(s) listed in "
              f"{args.known.name}. Not failing: nothing was found, and nothing is assumed safe.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
