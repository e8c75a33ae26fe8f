"""Validated, all-or-nothing import of HRIS files (CSV/JSON) and export back to the same formats."""
