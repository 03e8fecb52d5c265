"""Cabinet protocol v1 (docs/protocol.md): envelope, signing, JSON Schemas, receive checks."""
