"""The sms rules: a database session in, no Reflex."""
