"""The backup rules: a database session in, no Reflex."""
