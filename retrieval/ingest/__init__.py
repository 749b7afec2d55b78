"""Stage 1: files → plain text → documents and their measures."""
