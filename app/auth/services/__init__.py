"""The auth rules: a database session in, no Reflex."""
