"""items domain."""
