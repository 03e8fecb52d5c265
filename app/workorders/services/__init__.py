"""The workorders rules: a database session in, no Reflex."""
