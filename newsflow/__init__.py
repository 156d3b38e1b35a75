"""Newsflow's shared code, in three layers the services build on.

- `newsflow.core`: the domain (models, settings, Redis keys, the stores); no service, no HTTP.
- `newsflow.http`: the HTTP layer shared by ingest_service and api_service.
- `newsflow.tools`: the `newsflow` command line and the developer tools.
"""
