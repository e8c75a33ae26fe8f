"""Profiles: schemas and service."""
