"""Hostile and broken requests on every endpoint: a 4xx problem+json, never a 5xx, no writes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import redis

PROBLEM = "application/problem+json"
JSON = "application/json"
DEEP = b"[" * 100_000 + b"]" * 100_000
"""100,000 nested arrays: deeper than any parser's recursion limit."""

STORED = {"id": "known-1", "text": "Estonia summoned the Russian envoy.", "url": "https://x.org/a"}
"""An article already in Redis, so that "unchanged" means something."""


def body(raw: bytes | str, content_type: str | None = JSON, **headers: str) -> dict[str, Any]:
    """Return test-client keyword arguments for a raw body with a media type."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    kwargs: dict[str, Any] = {"data": data, "headers": headers}
    if content_type is not None:
        kwargs["content_type"] = content_type
    return kwargs


ARTICLE_BODIES = {
    "truncated": (body(b'{"text": "unfinished'), 400),
    "empty body": (body(b""), 400),
    "not JSON": (body(b"text=hello"), 400),
    "trailing garbage": (body(b'{"text": "a"} x'), 400),
    "single quotes": (body(b"{'text': 'a'}"), 400),
    "raw invalid UTF-8": (body(b'{"text": "a\xff\xfe b"}'), 400),
    "UTF-16 body": (body('{"text": "a"}'.encode("utf-16")), 400),
    "100000 nested arrays": (body(DEEP), 400),
    "nested objects": (body(b'{"a":' * 50_000 + b"1" + b"}" * 50_000), 400),
    "nested field": (body(b'{"text": "a", "title": ' + b"[" * 500 + b"]" * 500 + b"}"), 422),
    "no media type": (body(b'{"text": "a"}', content_type=None), 415),
    "text/plain": (body(b'{"text": "a"}', "text/plain"), 415),
    "form": (body(b"text=a", "application/x-www-form-urlencoded"), 415),
    "multipart": (body(b"--x--", "multipart/form-data; boundary=x"), 415),
    "latin-1 charset": (body(b'{"text": "a"}', "application/json; charset=latin-1"), 415),
    "gzip encoding": (body(b'{"text": "a"}', JSON, **{"Content-Encoding": "gzip"}), 415),
    "array not object": (body(b'[{"text": "a"}]'), 422),
    "string not object": (body(b'"text"'), 422),
    "null": (body(b"null"), 422),
    "NaN": (body(b"NaN"), 422),
    "no text": (body(b'{"title": "t"}'), 422),
    "text null": (body(b'{"text": null}'), 422),
    "text number": (body(b'{"text": 5}'), 422),
    "text list": (body(b'{"text": ["a"]}'), 422),
    "text NaN": (body(b'{"text": NaN}'), 422),
    "empty text": (body(b'{"text": ""}'), 422),
    "blank text": (body(b'{"text": " \\n\\t\\u00a0\\u2003 "}'), 422),
    "NUL in text": (body(b'{"text": "a\\u0000b"}'), 422),
    "lone surrogate in text": (body(b'{"text": "a \\ud800 b"}'), 422),
    "lone low surrogate in title": (body(b'{"text": "a", "title": "\\udfff"}'), 422),
    "surrogate in url": (body(b'{"text": "a", "url": "http://\\ud800.org"}'), 422),
    "unknown field": (body(b'{"text": "a", "admin": true}'), 422),
    "bad date": (body(b'{"text": "a", "published_at": "2025-13-45"}'), 422),
    "date words": (body(b'{"text": "a", "published_at": "yesterday"}'), 422),
    "date infinity": (body(b'{"text": "a", "published_at": 1e400}'), 422),
    "date huge": (body(b'{"text": "a", "published_at": 99999999999999999999}'), 422),
    "year 9999 with offset": (
        body(b'{"text": "a", "published_at": "9999-12-31T23:59:59-23:59"}'),
        422,
    ),
    "year 1 with offset": (
        body(b'{"text": "a", "published_at": "0001-01-01T00:00:00+23:59"}'),
        422,
    ),
    "unix time string": (body(b'{"text": "a", "published_at": "1700000000"}'), 422),
    "ftp url": (body(b'{"text": "a", "url": "ftp://x.org/a"}'), 422),
    "javascript url": (body(b'{"text": "a", "url": "javascript:alert(1)"}'), 422),
    "url without host": (body(b'{"text": "a", "url": "http://"}'), 422),
    "url number": (body(b'{"text": "a", "url": 5}'), 422),
    "bad id": (body(b'{"text": "a", "id": "../../etc"}'), 422),
    "id with space": (body(b'{"text": "a", "id": "a b"}'), 422),
    "long id": (body(b'{"text": "a", "id": "' + b"a" * 200 + b'"}'), 422),
    "bad language": (body(b'{"text": "a", "language": "english!"}'), 422),
    "long title": (body(b'{"text": "a", "title": "' + b"t" * 2000 + b'"}'), 422),
}
"""Bodies POST /articles must refuse, with the status each deserves."""


@pytest.fixture
def stored(ingest_client: Any, redis_client: redis.Redis) -> Iterator[dict[bytes, bytes]]:
    """Store one article, then yield a snapshot of every Redis key and value."""
    assert ingest_client.post("/articles", json=STORED).status_code == 202
    yield snapshot(redis_client)


def snapshot(client: redis.Redis) -> dict[bytes, bytes]:
    """Return every key with its serialized value."""
    return {key: client.dump(key) or b"" for key in client.keys()}


def assert_problem(response: Any, status: int) -> None:
    """Assert the response is the expected 4xx as problem+json."""
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == PROBLEM
    if response.request.method != "HEAD":
        assert response.json["status"] == status and response.json["title"]


@pytest.mark.parametrize("kwargs, status", ARTICLE_BODIES.values(), ids=ARTICLE_BODIES.keys())
def test_post_article_refuses(
    ingest_client: Any,
    redis_client: redis.Redis,
    stored: dict[bytes, bytes],
    kwargs: dict[str, Any],
    status: int,
) -> None:
    assert_problem(ingest_client.post("/articles", **kwargs), status)
    assert snapshot(redis_client) == stored


BATCH_BODIES = {
    "truncated": (body(b'[{"text": "a"}'), 400),
    "100000 nested arrays": (body(DEEP), 400),
    "raw invalid UTF-8": (body(b'[{"text": "\xc3\x28"}]'), 400),
    "no media type": (body(b"[]", content_type=None), 415),
    "object not array": (body(b'{"text": "a"}'), 422),
    "null": (body(b"null"), 422),
    "501 items": (body(b"[" + b",".join([b'{"text": "a"}'] * 501) + b"]"), 413),
}
"""Bodies POST /articles/batch must refuse as a whole."""


@pytest.mark.parametrize("kwargs, status", BATCH_BODIES.values(), ids=BATCH_BODIES.keys())
def test_post_batch_refuses(
    ingest_client: Any,
    redis_client: redis.Redis,
    stored: dict[bytes, bytes],
    kwargs: dict[str, Any],
    status: int,
) -> None:
    assert_problem(ingest_client.post("/articles/batch", **kwargs), status)
    assert snapshot(redis_client) == stored


def test_batch_refuses_each_bad_item_and_writes_none_of_them(
    ingest_client: Any, redis_client: redis.Redis, stored: dict[bytes, bytes]
) -> None:
    objects = [kwargs["data"] for kwargs, status in ARTICLE_BODIES.values() if status == 422]
    items = b", ".join(raw for raw in objects if raw.startswith(b"{"))
    response = ingest_client.post("/articles/batch", **body(b"[" + items + b", 5, null, []]"))
    assert response.status_code == 200
    results = response.json["items"]
    assert len(results) > 20
    for result in results:
        assert result["status"] == 422 and result["problem"]["status"] == 422, result
    assert snapshot(redis_client) == stored


def test_oversized_bodies_are_413(
    settings: Any, redis_client: redis.Redis, stored: dict[bytes, bytes]
) -> None:
    from ingest_service.app import create_app
    from newsflow.core.connection import connect

    small = settings.model_copy(update={"max_article_bytes": 1000})
    client = create_app(small, connect(small)).test_client()
    big = {"text": "x" * 2000}
    assert_problem(client.post("/articles", json=big), 413)
    lying = {"CONTENT_LENGTH": "99999999999"}
    assert_problem(client.post("/articles", json={"text": "a"}, environ_overrides=lying), 413)
    batch = client.post("/articles/batch", json=[big, {"text": "small enough"}])
    assert [item["status"] for item in batch.json["items"]] == [413, 202]
    redis_client.flushdb()


READ_REQUESTS = {
    "limit zero": ("/articles?limit=0", 422),
    "limit negative": ("/articles?limit=-1", 422),
    "limit float": ("/articles?limit=1.5", 422),
    "limit exponent": ("/articles?limit=1e3", 422),
    "limit huge": ("/articles?limit=99999999999999999999999999", 422),
    "limit empty": ("/articles?limit=", 422),
    "limit junk": ("/articles?limit=%ff%00", 422),
    "forged cursor": ("/articles?cursor=bm90LWFuLWlk", 400),
    "cursor not base64": ("/articles?cursor=%ff%fe", 400),
    "cursor surrogate bytes": ("/articles?cursor=%ED%A0%80", 400),
    "cursor NUL": ("/articles?cursor=%00", 400),
    "cursor empty": ("/articles?cursor=", 400),
    "cursor too long": ("/articles?cursor=" + "A" * 401, 422),
    "id NUL": ("/articles/%00", 422),
    "id invalid UTF-8": ("/articles/%ff", 422),
    "id surrogate bytes": ("/articles/%ED%A0%80", 422),
    "id with space": ("/articles/a%20b", 422),
    "id RTL override": ("/articles/%E2%80%AE", 422),
    "id too long": ("/articles/" + "a" * 5000, 422),
    "id traversal": ("/articles/..%2f..%2fetc", 404),
    "unknown id": ("/articles/not-there", 404),
    "entity no colon": ("/entities/nocolon", 422),
    "entity CRLF": ("/entities/org:nato%0d%0aX-Injected:%20y", 422),
    "entity too long": ("/entities/org:" + "x" * 300, 422),
    "entity glob": ("/entities/org:*", 404),
    "entity invalid UTF-8": ("/entities/org:%ff", 404),
    "entity NUL": ("/entities/org:%00", 404),
    "entity surrogate bytes": ("/entities/org:%ED%A0%80", 404),
    "label lower case": ("/entities?label=gpe", 422),
    "label junk": ("/entities?label=%00%ff", 422),
    "q empty": ("/entities?q=", 422),
    "q too long": ("/entities?q=" + "x" * 201, 422),
    "entities limit junk": ("/entities?limit=abc", 422),
    "unknown path": ("/articles/a/b", 404),
    "percent junk path": ("/%ff%00", 404),
}
"""Read API requests that must be refused."""


@pytest.mark.parametrize("path, status", READ_REQUESTS.values(), ids=READ_REQUESTS.keys())
def test_read_api_refuses(
    api_client: Any,
    redis_client: redis.Redis,
    stored: dict[bytes, bytes],
    path: str,
    status: int,
) -> None:
    assert_problem(api_client.get(path), status)
    assert snapshot(redis_client) == stored


@pytest.mark.parametrize(
    "path", ["/entities?q=%00", "/entities?q=*", "/entities?q=[", "/entities?q=%ED%A0%80"]
)
def test_odd_entity_searches_find_nothing_rather_than_fail(
    api_client: Any, redis_client: redis.Redis, stored: dict[bytes, bytes], path: str
) -> None:
    response = api_client.get(path)
    assert response.status_code == 200 and response.json == {"items": []}
    assert snapshot(redis_client) == stored


WRONG_METHODS = [
    ("ingest", "GET", "/articles"),
    ("ingest", "PUT", "/articles"),
    ("ingest", "DELETE", "/articles"),
    ("ingest", "PATCH", "/articles/batch"),
    ("ingest", "GET", "/articles/batch"),
    ("ingest", "POST", "/healthz"),
    ("ingest", "DELETE", "/readyz"),
    ("api", "POST", "/articles"),
    ("api", "DELETE", "/articles/known-1"),
    ("api", "PUT", "/entities"),
    ("api", "POST", "/entities/org:nato"),
    ("api", "POST", "/openapi/openapi.json"),
]
"""Methods no endpoint takes."""


@pytest.mark.parametrize("app, method, path", WRONG_METHODS)
def test_wrong_method_is_405(
    ingest_client: Any,
    api_client: Any,
    redis_client: redis.Redis,
    stored: dict[bytes, bytes],
    app: str,
    method: str,
    path: str,
) -> None:
    client = ingest_client if app == "ingest" else api_client
    response = client.open(path, method=method, json={"text": "sneaky"})
    assert_problem(response, 405)
    assert response.headers["Allow"]
    assert snapshot(redis_client) == stored


@pytest.mark.parametrize(
    "app, path",
    [
        ("ingest", "/articles"),
        ("ingest", "/articles/batch"),
        ("api", "/articles"),
        ("api", "/articles/known-1"),
        ("api", "/entities"),
        ("api", "/entities/org:nato"),
        ("api", "/healthz"),
    ],
)
def test_head_and_options_never_fail(
    ingest_client: Any,
    api_client: Any,
    redis_client: redis.Redis,
    stored: dict[bytes, bytes],
    app: str,
    path: str,
) -> None:
    client = ingest_client if app == "ingest" else api_client
    options = client.options(path)
    assert options.status_code in (200, 204) and options.headers["Allow"]
    head = client.head(path)
    assert head.status_code in (200, 404, 405) and head.get_data() == b""
    if head.status_code >= 400:
        assert head.mimetype == PROBLEM
    assert snapshot(redis_client) == stored
