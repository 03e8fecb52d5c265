"""The registration rules: a database session in, no Reflex."""
