"""Skill extraction from job descriptions and CVs (plain text, PDF, DOCX)."""
