"""The inventory rules: a database session in, no Reflex."""
