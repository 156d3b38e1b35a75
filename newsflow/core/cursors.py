"""Pagination cursors: where a listing stands, as an opaque URL-safe token (base64 JSON)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class InvalidCursor(ValueError):
    """A pagination cursor that this API did not hand out (or handed out for another listing)."""


def pack(values: list[Any]) -> str:
    """Return the cursor holding these JSON values."""
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def unpack(cursor: str, read: Callable[[list[Any]], T]) -> T:
    """Return what `read` makes of a cursor's values; raise InvalidCursor if it cannot."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(values, list):
            raise ValueError("not a list")
        return read(values)
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError, KeyError) as exc:
        raise InvalidCursor(cursor) from exc
