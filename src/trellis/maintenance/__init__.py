"""Backups, restores and retention purges."""
