"""Accounts: users with roles, sessions, API tokens, login rate limiting, permissions."""
