"""Data layer: customs files, parquet cache, demo, download, versions, uploads, reference tables."""
