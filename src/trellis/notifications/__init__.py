"""Notifications: schemas and service."""
