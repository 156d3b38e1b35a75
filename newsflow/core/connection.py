"""Redis clients built from settings (the one place that reads redis_url)."""

from __future__ import annotations

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from newsflow.core.settings import Settings


def connect(settings: Settings) -> redis.Redis:
    """Return a client for request handlers: short timeouts, so a dead Redis means a fast 503."""
    return redis.Redis.from_url(
        settings.redis_url,
        socket_timeout=settings.redis_timeout_seconds,
        socket_connect_timeout=settings.redis_timeout_seconds,
        health_check_interval=30,
        # One immediate retry heals a connection a restarted Redis dropped; more would
        # push the 503 past the two seconds a client should wait.
        retry=Retry(NoBackoff(), 1),
    )


def connect_worker(settings: Settings) -> redis.Redis:
    """Return a client for RQ workers, whose blocking dequeues must outlast a socket timeout."""
    return redis.Redis.from_url(
        settings.redis_url,
        socket_connect_timeout=max(settings.redis_timeout_seconds, 5.0),
        health_check_interval=30,
    )
