"""The notify rules: a database session in, no Reflex."""
