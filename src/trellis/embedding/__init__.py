"""Sentence embeddings from the offline all-MiniLM-L6-v2 model, with an on-disk cache for
taxonomy label vectors."""

from trellis.embedding.cache import cache_key
from trellis.embedding.encoder import MODEL_NAME, Encoder, get_encoder, model_path

__all__ = ["MODEL_NAME", "Encoder", "cache_key", "get_encoder", "model_path"]
