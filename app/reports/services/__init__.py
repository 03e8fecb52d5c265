"""The reports rules: a database session in, no Reflex."""
