"""The webhooks rules: a database session in, no Reflex."""
