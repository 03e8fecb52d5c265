"""Everything that talks to cabinets: the v1 protocol (envelope, signing, schemas) first; the MQTT
gateway, Modbus scale polling and the cabinet simulator build on it (docs/protocol.md)."""
