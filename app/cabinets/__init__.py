"""cabinets domain."""
