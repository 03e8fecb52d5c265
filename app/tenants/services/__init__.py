"""The tenants rules: a database session in, no Reflex."""
