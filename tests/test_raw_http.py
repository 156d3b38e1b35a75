"""HTTP the server cannot parse never reaches Flask; gunicorn must still answer problem+json."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from collections.abc import Callable

import pytest

PROBLEM = "application/problem+json"


def raw_exchange(port: int, request: bytes) -> tuple[int, str, bytes]:
    """Send raw bytes, return the status, the Content-Type and the body of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, payload = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers.get("Content-Type", ""), payload


RAW_REQUESTS = {
    "garbage request line": (b"HELLO\r\n\r\n", 400),
    "bad method": (b"G(T / HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    "bad version": (b"GET / HTTP/9.9\r\nHost: x\r\n\r\n", 400),
    "URI too long": (b"GET /" + b"a" * 10_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
    "header name junk": (b"GET / HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n", 400),
    "too many headers": (
        b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: y\r\n" % n for n in range(200)) + b"\r\n",
        431,
    ),
}
"""Requests the HTTP server refuses before the app sees them."""


@pytest.mark.e2e
@pytest.mark.parametrize("request_bytes, status", RAW_REQUESTS.values(), ids=RAW_REQUESTS.keys())
def test_the_server_refuses_unparseable_http_as_problem_json(
    start_ingest: Callable[..., str], request_bytes: bytes, status: int
) -> None:
    port = int(start_ingest().rsplit(":", 1)[1])
    code, content_type, payload = raw_exchange(port, request_bytes)
    assert code == status and content_type == PROBLEM
    assert json.loads(payload)["status"] == status


@pytest.mark.e2e
@pytest.mark.parametrize("megabytes", [2, 5, 20])
def test_a_client_that_sends_the_whole_body_first_still_reads_its_413(
    start_ingest: Callable[..., str], megabytes: int
) -> None:
    """urllib writes the whole body before it reads a byte of the answer; closing on it early
    would reset the connection under it (BrokenPipeError) instead of telling it why."""
    body = json.dumps({"title": "t", "text": "x" * (megabytes * 1_000_000)}).encode()
    request = urllib.request.Request(
        start_ingest() + "/articles",
        data=body,
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 413
    assert refused.value.headers["Content-Type"] == PROBLEM
    assert json.loads(refused.value.read())["status"] == 413
