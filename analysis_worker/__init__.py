"""Analysis worker: RQ workers that extract entities and CAMEO events from stored articles."""
