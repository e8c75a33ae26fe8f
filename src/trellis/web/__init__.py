"""The web tier: the JSON API under /api/v1 and the HTML portal. Only this package imports FastAPI."""
