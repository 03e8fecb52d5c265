"""The items pages' components: one module per page, its state in state/."""
