"""The Teams app manifest: valid JSON, the bot's id as a documented placeholder, its icons present at the right size."""

from __future__ import annotations

import json
import re
import struct

from stack.config import ROOT

TEAMS = ROOT / "teams"


def test_the_manifest_names_the_bot_by_a_placeholder_the_readme_documents():
    manifest = json.loads((TEAMS / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["id"] == manifest["bots"][0]["botId"] == "{{BOTFRAMEWORK_APP_ID}}"
    placeholders = set(re.findall(r"\{\{([A-Z_]+)\}\}", (TEAMS / "manifest.json").read_text(encoding="utf-8")))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert placeholders and all(f"{{{{{p}}}}}" in readme for p in placeholders)
    assert len(manifest["name"]["short"]) <= 30 and len(manifest["description"]["short"]) <= 80


def test_the_icons_are_pngs_of_the_sizes_teams_requires():
    manifest = json.loads((TEAMS / "manifest.json").read_text(encoding="utf-8"))
    for kind, size in (("color", 192), ("outline", 32)):
        head = (TEAMS / manifest["icons"][kind]).read_bytes()[:24]
        assert head[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", head[16:24]) == (size, size)
