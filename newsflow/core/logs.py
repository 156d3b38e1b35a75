"""Logging set-up for the processes (never logs article text or keys)."""

from __future__ import annotations

import logging

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s[%(process)d]: %(message)s"
"""One line per record, with the process id (several workers share a terminal)."""


def configure_logging(level: str) -> None:
    """Send logs to stderr at the given level."""
    logging.basicConfig(level=level.upper(), format=LOG_FORMAT)
