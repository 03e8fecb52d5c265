"""The demo rules: a database session in, no Reflex."""
