"""Applications: schemas and service."""
