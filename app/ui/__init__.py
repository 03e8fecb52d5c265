"""Reflex UI shared by every domain: the console shell and the locale switch."""
