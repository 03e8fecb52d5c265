"""The cabinets read models: what its pages and the API list."""
