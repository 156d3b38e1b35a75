"""API keys: who may call the article endpoints, checked in constant time before any view runs."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

from flask import Flask, current_app, g, request

from newsflow.http.problems import Problem

OPEN_PATHS = frozenset({"/healthz", "/readyz", "/docs", "/", "/desk/config.json"})
"""Paths anyone may call: probes, the docs redirect, the desk's page and config (plus everything
under /openapi and the desk's files: a browser loads them before the user can give a key)."""

DESK_ASSETS_PREFIX = "/desk/assets/"
"""The desk's scripts and styles."""

OPEN_PREFIX = "/openapi"
"""The OpenAPI document and its docs pages."""

KEY_HEADER = "X-API-Key"
"""The header a key may come in, besides `Authorization: Bearer`."""

EXTENSION = "newsflow.api_keys"
"""Where the digests of the accepted keys live in `app.extensions`."""

MISSING_KEY_DETAIL = "Send an API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'."
"""What a 401 without any key says."""

SECURITY_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer"},
    "apiKey": {"type": "apiKey", "in": "header", "name": KEY_HEADER},
}
"""OpenAPI security schemes of the two ways to send a key."""

SECURITY: list[dict[str, list[str]]] = [{"bearer": []}, {"apiKey": []}]
"""OpenAPI security requirement of a protected operation: either scheme."""


def is_open(path: str, method: str) -> bool:
    """Tell whether a request needs neither a key nor a rate limit (probes, docs, preflight)."""
    in_docs = path == OPEN_PREFIX or path.startswith(OPEN_PREFIX + "/")
    in_desk = path.startswith(DESK_ASSETS_PREFIX)
    return method == "OPTIONS" or path in OPEN_PATHS or in_docs or in_desk


def digest(key: str) -> bytes:
    """Hash a key, so comparisons take the same time whatever its length."""
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).digest()


def presented_key() -> str | None:
    """Return the key the request carries (Bearer token or X-API-Key), if any."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return request.headers.get(KEY_HEADER, "").strip() or None


def matching_key_id(presented: str | None, digests: Sequence[bytes]) -> str | None:
    """Return which accepted key matches ("1", "2", ...), comparing against every key."""
    if presented is None:
        return None
    candidate = digest(presented)
    matched = None
    for number, known in enumerate(digests, 1):
        # No early exit: the time taken does not depend on which key, if any, matched.
        if hmac.compare_digest(candidate, known):
            matched = str(number)
    return matched


def current_key_id() -> str | None:
    """Return the id of the accepted key this request carries (None without one), once."""
    if "api_key_id" not in g:
        g.api_key_id = matching_key_id(presented_key(), current_app.extensions.get(EXTENSION, []))
    return g.api_key_id


def client_identity() -> str:
    """Return who is calling, for rate limits: the key's number (not the key), else the address."""
    key_id = current_key_id()
    return f"key:{key_id}" if key_id else f"addr:{request.remote_addr or 'unknown'}"


def unauthorized(sent: bool) -> Problem:
    """Return the 401 problem, with the challenge that names the scheme."""
    detail = "The API key is not valid." if sent else MISSING_KEY_DETAIL
    return Problem(
        401,
        "Unauthorized",
        detail,
        kind="unauthorized",
        headers={"WWW-Authenticate": 'Bearer realm="newsflow"'},
    )


def init_app(app: Flask, keys: Sequence[str], required: bool) -> None:
    """Require one of the keys on every non-open endpoint, when required and any key is set."""
    app.extensions[EXTENSION] = [digest(key) for key in keys]
    if not (required and keys):
        return

    @app.before_request
    def _require_key() -> None:
        if not is_open(request.path, request.method) and current_key_id() is None:
            raise unauthorized(sent=presented_key() is not None)
