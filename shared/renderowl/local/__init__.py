"""The local cloud: moto in server mode, an embedded Postgres, an HTTP gateway and an event pump."""
