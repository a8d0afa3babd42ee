"""Notifications to an incoming webhook (Slack's, or any that takes {"text": ...} as JSON). The
address is a secret: it is never written into what this says."""

from __future__ import annotations

import http.client
import ipaddress
import json
import urllib.error
import urllib.request
from urllib.parse import urlsplit

TIMEOUT = 10  # seconds


def refused_address(url: str) -> str | None:
    """Why `url` cannot be a webhook, or None: https:// anywhere; http:// only on this machine
    (a local relay; the message would otherwise cross the network in clear)."""
    parts = urlsplit(url.strip())
    try:
        parts.port  # noqa: B018 -- a port that is not a number raises here
    except ValueError:
        return "the webhook's address has a bad port"
    if not parts.hostname or len(url) > 1000 or any(c.isspace() or not c.isprintable() for c in url.strip()):
        return "give the webhook's whole address, https://..., with no spaces"
    if parts.scheme == "https":
        return None
    if parts.scheme == "http":
        host = parts.hostname
        try:
            local = host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            local = False
        if local:
            return None
    return "a webhook's address starts with https:// (http:// only on this machine)"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A webhook answers; it does not send us on elsewhere (another host, this machine's services)."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def post(url: str, text: str) -> str | None:
    """Send `text`; None when the webhook took it, else what failed (without the address)."""
    try:
        request = urllib.request.Request(url, data=json.dumps({"text": text}).encode(), method="POST",
                                         headers={"Content-Type": "application/json", "User-Agent": "prodops-maturity"})
        with _OPENER.open(request, timeout=TIMEOUT) as answer:
            answer.read(1000)
    except urllib.error.HTTPError as e:
        return f"the webhook answered {e.code} {e.reason}"
    except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as e:  # never its text: the address
        reason = getattr(e, "reason", e)
        return f"the webhook could not be reached ({type(reason).__name__})"
    return None
