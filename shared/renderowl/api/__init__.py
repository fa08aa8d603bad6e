"""The HTTP API: routes (Powertools REST resolver), auth, the error envelope, OpenAPI."""
