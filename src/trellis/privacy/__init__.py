"""A person's rights over their data: a full export (GDPR art. 15/20) and erasure (art. 17)."""
