"""The reports read models: what its pages and the API list."""
