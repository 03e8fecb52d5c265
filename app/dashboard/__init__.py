"""dashboard domain."""
