"""wall domain: the wall-mounted real-time dashboard and its display tokens."""
