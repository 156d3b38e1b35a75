"""What the ingest model accepts and refuses, field by field."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from newsflow.core.models import ArticleIn


def test_minimal_article_is_just_text() -> None:
    article = ArticleIn.model_validate({"text": "NATO ministers met in Brussels."})
    assert article.text == "NATO ministers met in Brussels."
    assert article.id is None and article.published_at is None


def test_published_at_without_zone_is_utc() -> None:
    article = ArticleIn.model_validate({"text": "x", "published_at": "2025-10-14T06:00:00"})
    assert article.published_at == datetime(2025, 10, 14, 6, tzinfo=UTC)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "   \n\t "}, "text"),
        ({"text": "a\x00b"}, "text"),
        ({"text": "lone \ud800 surrogate"}, "text"),
        ({"text": 42}, "text"),
        ({}, "text"),
        ({"text": "x", "url": "ftp://example.org/a"}, "url"),
        ({"text": "x", "url": "not a url"}, "url"),
        ({"text": "x", "published_at": "last Tuesday"}, "published_at"),
        ({"text": "x", "id": "has space"}, "id"),
        ({"text": "x", "id": "../../etc"}, "id"),
        ({"text": "x", "language": "english!"}, "language"),
        ({"text": "x", "unknown": 1}, "unknown"),
    ],
)
def test_bad_fields_are_named(payload: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        ArticleIn.model_validate(payload)
    assert field in {str(error["loc"][0]) for error in caught.value.errors()}
