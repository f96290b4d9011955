"""Analysis layer: the trade cube and every figure computed from it (pure pandas)."""
