"""The translation table, in parts by domain; app.core.i18n merges them into one."""
