"""The audit rules: a database session in, no Reflex."""
