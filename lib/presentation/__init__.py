"""Presentation layer: French texts, palettes, plotly figures and table models."""
