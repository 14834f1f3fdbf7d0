"""Absolute links that leave the app: the certificate's verification address (printed and in its QR code),
links in reminder emails and in group-robot messages.

They start with ``PUBLIC_URL`` (``TRAINER_PUBLIC_URL``, e.g. ``https://train.example.internal`` or
``https://portal.example/train`` behind a path prefix). Without it, a request falls back to the address the
request came in on (often ``127.0.0.1:5101`` behind a proxy, which nobody outside can open) and the app logs a
warning once per process; outside a request (cron, workers) there is no address to fall back on, so the link is
left out (``None``).
"""

import logging

from flask import current_app, has_request_context, request

log = logging.getLogger(__name__)
_WARNED = "trainer.links.warned"


def public_base() -> str | None:
    """``PUBLIC_URL`` without its trailing slash; else the request's host URL (with a warning once); else None."""
    configured = (current_app.config.get("PUBLIC_URL") or "").strip().rstrip("/")
    if configured:
        return configured
    if not has_request_context():
        return None
    if not current_app.extensions.get(_WARNED):
        current_app.extensions[_WARNED] = True
        log.warning("PUBLIC_URL is not set: absolute links use the request's address %s; set TRAINER_PUBLIC_URL "
                    "to the address people outside reach the site at", request.host_url)
    return (request.host_url.rstrip("/") + request.script_root).rstrip("/")


def external_url(endpoint: str, **values) -> str | None:
    """The absolute URL of ``endpoint`` under :func:`public_base`, or None when there is none (see module doc).
    The path is built without the request's script root: ``PUBLIC_URL`` carries any prefix itself."""
    base = public_base()
    if base is None:
        return None
    path = current_app.url_map.bind("", url_scheme="https").build(endpoint, values)
    return base + path
