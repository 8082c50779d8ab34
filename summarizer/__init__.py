"""Who-said-what: quote extraction and attribution, offline and deterministic."""
