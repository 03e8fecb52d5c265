"""Phone whitelist and employee self-registration (service layer)."""
