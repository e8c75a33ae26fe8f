"""The audit trail: record append-only events and search them."""
