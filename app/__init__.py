"""Cabinet cloud: multi-tenant SaaS for smart office-supply withdrawal cabinets."""
