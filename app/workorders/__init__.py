"""workorders domain."""
