"""The approvals rules: a database session in, no Reflex."""
