"""Outputs layer: the report registry and the files users download (PNG, Excel, Word)."""
