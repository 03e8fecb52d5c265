"""The quotas rules: a database session in, no Reflex."""
