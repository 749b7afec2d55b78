"""Stage 2: measures → embeddings → versioned Chroma collections."""
