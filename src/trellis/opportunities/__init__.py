"""Opportunities: schemas and service."""
