"""Which web origins may call Brobygger from a browser (CORS), read from the environment.

Plain Python: the launcher (`.venv`), the web server (`.venv`) and the Rasa channels (`.venv-rasa`)
all read the same setting through it. BROBYGGER_CORS_ORIGINS is a comma-separated list of origins
(`https://brobygger.example.dk, http://localhost:8080`), or `*` for any; unset, only the chat
page's own origins are allowed: `http://<host>:<web port>` and its localhost / 127.0.0.1 / [::1]
variants. A page on the host it calls (the Host header; e.g. both behind one proxy) is always allowed,
and a request without an `Origin` header (not from a browser) is not a CORS matter.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

VARIABLE = "BROBYGGER_CORS_ORIGINS"
ANY = "*"
DEFAULT_WEB_PORT = 8080  # as stack.config: the page's origin when Rasa is started without the launcher
DEFAULT_PORTS = {"http": 80, "https": 443}
_ORIGIN = re.compile(r"^(?P<scheme>https?)://(?P<host>\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(?P<port>\d{1,5}))?/?$")
_WILDCARD_HOSTS = {"0.0.0.0", "::", "[::]", ""}


class OriginError(ValueError):
    """A configured origin is not of the form scheme://host[:port]; the message names it."""


def normalize(origin: str) -> str:
    """An origin as a browser sends it: lower case, no trailing slash, no default port. OriginError if malformed."""
    m = _ORIGIN.match(origin.strip().lower())
    if not m or (m["port"] and not 0 < int(m["port"]) < 65536):
        raise OriginError(f"{VARIABLE}: {origin.strip()!r} is not an origin such as https://brobygger.example.dk "
                          "or http://localhost:8080 (scheme, host and port only, no path).")
    port = int(m["port"]) if m["port"] else DEFAULT_PORTS[m["scheme"]]
    suffix = "" if port == DEFAULT_PORTS[m["scheme"]] else f":{port}"
    return f"{m['scheme']}://{m['host']}{suffix}"


def page_origins(host: str, web_port: int) -> tuple[str, ...]:
    """The chat page's own origins, as browsers name them, for a web server on host:web_port."""
    hosts = ["localhost", "127.0.0.1", "[::1]"]
    host = host.strip().lower()
    if host not in _WILDCARD_HOSTS:
        hosts.insert(0, f"[{host}]" if ":" in host and not host.startswith("[") else host)
    return tuple(dict.fromkeys(normalize(f"http://{h}:{web_port}") for h in hosts))


def same_host(origin: str, host: str | None) -> bool:
    """True when a normalised origin names the host (and port) of the request's Host header."""
    host = (host or "").strip().lower()
    if not host:
        return False
    scheme, netloc = origin.split("://", 1)
    return host in (netloc, f"{netloc}:{DEFAULT_PORTS[scheme]}")


@dataclass(frozen=True)
class Origins:
    allowed: tuple[str, ...]  # normalised origins, or ("*",) for any

    @classmethod
    def from_env(cls, host: str = "127.0.0.1", web_port: int = DEFAULT_WEB_PORT,
                 env: Mapping[str, str] | None = None) -> "Origins":
        raw = ((os.environ if env is None else env).get(VARIABLE) or "").strip()
        if not raw:
            return cls(page_origins(host, web_port))
        items = [item.strip() for item in raw.split(",") if item.strip()]
        if ANY in items:
            if len(items) > 1:
                raise OriginError(f"{VARIABLE}: '*' allows every origin; give it alone or list the origins.")
            return cls((ANY,))
        return cls(tuple(dict.fromkeys(normalize(item) for item in items)))

    @property
    def any(self) -> bool:
        return self.allowed == (ANY,)

    def allows(self, origin: str | None, host: str | None = None) -> bool:
        """True for an origin on the list (any origin with `*`), or the same host the request was sent to
        (`host`: its Host header; a page calling its own server, also behind a proxy). An absent
        Origin is not a browser's cross-site request: allowed."""
        if not origin or self.any:
            return True
        try:
            normalized = normalize(origin)
        except OriginError:
            return False  # "null" (sandboxed frames, files) and anything malformed
        return normalized in self.allowed or same_host(normalized, host)

    def as_env(self) -> str:
        """The resolved list, as the launcher hands it to Rasa."""
        return ",".join(self.allowed)
