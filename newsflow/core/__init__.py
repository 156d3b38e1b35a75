"""The domain: articles, analyses and events, their settings, Redis keys and stores.

It imports no service and no HTTP library: the services, the HTTP layer (`newsflow.http`) and
the tools (`newsflow.tools`) build on it.
"""
