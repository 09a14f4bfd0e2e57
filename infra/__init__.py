"""Local stack, content seeding and OpenAPI tooling (not deployed)."""
