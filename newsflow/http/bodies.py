"""Reading JSON request bodies defensively: media type, size, syntax, then pydantic."""

from __future__ import annotations

import json
from typing import Any

from flask import Request

from newsflow.http.problems import Problem

JSON_MEDIA_TYPES = ("application/json",)
"""Media types a JSON body may be sent as (plus any `+json` suffix type)."""

UTF8_NAMES = frozenset({"utf-8", "utf8"})
"""The only charset a JSON body may declare (RFC 8259: JSON exchanged between systems is UTF-8)."""

DISCARD_AT_MOST = 64 * 1024 * 1024
"""Most bytes of a refused body read and thrown away so that its sender hears the 413.

A client that writes its whole body before reading (Python's urllib, many scripts) gets a
connection reset, not the answer, if the server closes while body bytes are still arriving;
nginx reads and discards the body for the same reason. Past this bound the sender is cut off."""

DISCARD_CHUNK = 64 * 1024
"""Bytes read per call while discarding."""


def read_json(request: Request, max_bytes: int) -> Any:
    """Return the parsed JSON body, or raise the 415, 413 or 400 problem that fits."""
    _require_json_media_type(request)
    raw = _read_limited(request, max_bytes)
    try:
        return json.loads(raw.decode("utf-8"))  # strictly UTF-8: json.loads(bytes) guesses UTF-16
    except RecursionError as exc:
        raise Problem(
            400, "Bad Request", "The JSON body is nested too deeply.", kind="malformed-json"
        ) from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise Problem(
            400, "Bad Request", f"The body is not valid JSON: {_reason(exc)}", kind="malformed-json"
        ) from exc


def _require_json_media_type(request: Request) -> None:
    media_type = request.mimetype or ""
    if media_type not in JSON_MEDIA_TYPES and not media_type.endswith("+json"):
        raise unsupported("Send the body as JSON with 'Content-Type: application/json'.")
    if request.mimetype_params.get("charset", "utf-8").lower() not in UTF8_NAMES:
        raise unsupported("JSON bodies must be UTF-8 (RFC 8259); drop the charset parameter.")
    if request.headers.get("Content-Encoding", "identity").strip().lower() != "identity":
        raise unsupported("Compressed bodies are not accepted; send the JSON uncompressed.")


def unsupported(detail: str) -> Problem:
    """Return the 415 problem for a body we do not read."""
    return Problem(415, "Unsupported Media Type", detail, kind="unsupported-media-type")


def _read_limited(request: Request, max_bytes: int) -> bytes:
    if request.content_length is not None and request.content_length > max_bytes:
        _discard(request)
        raise too_large(max_bytes)
    raw = request.stream.read(max_bytes + 1)
    if len(raw) > max_bytes:
        _discard(request)
        raise too_large(max_bytes)
    return raw


def _discard(request: Request) -> None:
    """Read what is left of a refused body, up to DISCARD_AT_MOST, and drop it."""
    if (request.content_length or 0) > DISCARD_AT_MOST:
        return  # too much to wait for: the sender is cut off
    left = DISCARD_AT_MOST
    while left > 0 and (chunk := request.stream.read(min(DISCARD_CHUNK, left))):
        left -= len(chunk)


def too_large(max_bytes: int) -> Problem:
    """Return the 413 problem for a body over the limit."""
    return Problem(
        413, "Content Too Large", f"The body exceeds {max_bytes} bytes.", kind="body-too-large"
    )


def _reason(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at line {exc.lineno} column {exc.colno}"
    return "it is not UTF-8" if isinstance(exc, UnicodeDecodeError) else str(exc)
