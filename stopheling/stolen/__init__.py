"""The police register of stolen goods: models, import, lookup (uses the matching core)."""
