"""The pure core: algorithms on plain data (standard library, numpy, scipy). No I/O here."""
