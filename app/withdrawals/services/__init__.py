"""The withdrawals rules: a database session in, no Reflex."""
