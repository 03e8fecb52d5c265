"""Cabinets with no controller of their own, driven over a site's Modbus TCP network
(docs/lan-cabinets.md): `python -m hardware.lan`."""
