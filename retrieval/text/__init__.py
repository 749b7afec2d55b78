"""Shared text utilities below every stage: normalisation, tokens, unit names, the English→Chinese bridge."""
