"""The withdrawals read models: what its pages and the API list."""
