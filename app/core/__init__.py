"""Shared plumbing: settings, database, tenancy, event bus, jobs, i18n."""
