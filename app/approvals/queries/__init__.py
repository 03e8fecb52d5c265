"""The approvals read models: what its pages and the API list."""
