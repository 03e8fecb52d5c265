"""withdrawals domain."""
