"""The aggregate tables: stage insights (and, later, impact and trends)."""
