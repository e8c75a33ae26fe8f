"""Role similarity: the most similar roles by content, for O*NET, ESCO and the company's roles."""
