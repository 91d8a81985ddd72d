"""Debian's chromium for the browser tests: installed when missing (as `make chromium` does), never downloaded by playwright."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

CHROMIUM = Path("/usr/lib/chromium/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def ensure_chromium() -> Path:
    """The chromium binary; apt-get installs it first when it is missing (root, or sudo)."""
    if CHROMIUM.exists():
        return CHROMIUM
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    if not shutil.which("apt-get") or (sudo and not shutil.which("sudo")):
        raise RuntimeError(f"{CHROMIUM} is missing and cannot be installed here: install Debian's chromium package.")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update"], check=True, env=env, capture_output=True)
    subprocess.run([*sudo, "apt-get", "install", "-y", "chromium"], check=True, env=env, capture_output=True)
    if not CHROMIUM.exists():
        raise RuntimeError(f"apt-get installed chromium, but {CHROMIUM} is still missing.")
    return CHROMIUM
