"""`python -m api_service --host H --port P`: the read API under gunicorn."""

from __future__ import annotations

import sys

from sqlalchemy.exc import OperationalError

from api_service.app import create_app
from newsflow.core.database import SchemaNotReady, connect_database, require_current_schema
from newsflow.core.logs import configure_logging
from newsflow.core.settings import Settings
from newsflow.http.serving import parse_server_args, serve


def main() -> None:
    """Serve the API app."""
    args = parse_server_args("Newsflow read API", default_port=8000)
    settings = Settings()
    configure_logging(settings.log_level)
    try:
        require_current_schema(connect_database(settings))
    except SchemaNotReady as exc:
        sys.exit(f"api_service: {exc}")
    except OperationalError:
        pass  # PostgreSQL down: serve, answering 503 until it is back
    serve(create_app, args, "newsflow-api")


if __name__ == "__main__":
    main()
