"""Skills: linking free text to the active taxonomy's skills, search and autocomplete."""
