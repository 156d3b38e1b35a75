"""Ingest service: clients POST articles; they are validated, stored and queued for analysis."""
