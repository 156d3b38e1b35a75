"""API service: the read-only REST API over articles, analyses and entities."""
