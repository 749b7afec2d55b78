"""Stage 3: a question → analysed query → ranked measures (hybrid dense + lexical)."""
