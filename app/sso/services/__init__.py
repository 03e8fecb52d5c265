"""The sso rules: a database session in, no Reflex."""
