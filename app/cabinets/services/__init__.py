"""The cabinets rules: a database session in, no Reflex."""
