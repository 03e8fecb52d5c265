"""The org rules: a database session in, no Reflex."""
