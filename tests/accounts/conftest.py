"""Cheap argon2 parameters for the tests (the real defaults cost ~0.5 s a hash on a busy CI box)."""

from argon2 import PasswordHasher

from trellis.accounts import service

service._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
