"""Stage 4: ranked measures → an answer with citations, offline or through an LLM."""
