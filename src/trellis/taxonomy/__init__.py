"""Taxonomies: ESCO and O*NET release readers, import and look-up."""
