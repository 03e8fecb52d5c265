"""The items pages' states: one module per page, its components in pages/."""
