"""`python -m ingest_service --host H --port P`: the ingest service under gunicorn."""

from __future__ import annotations

from ingest_service.app import create_app
from newsflow.core.logs import configure_logging
from newsflow.core.settings import Settings
from newsflow.http.serving import parse_server_args, serve


def main() -> None:
    """Serve the ingest app."""
    args = parse_server_args("Newsflow ingest service", default_port=8001)
    configure_logging(Settings().log_level)
    serve(create_app, args, "newsflow-ingest")


if __name__ == "__main__":
    main()
