"""`python -m api_service --host H --port P`: the read API under gunicorn."""

from __future__ import annotations

from api_service.app import create_app
from newsflow.logs import configure_logging
from newsflow.serving import parse_server_args, serve
from newsflow.settings import Settings


def main() -> None:
    """Serve the API app."""
    args = parse_server_args("Newsflow read API", default_port=8000)
    configure_logging(Settings().log_level)
    serve(create_app, args, "newsflow-api")


if __name__ == "__main__":
    main()
