"""The items rules: a database session in, no Reflex."""
