"""Shared vocabulary of every layer: column names, errors, French number formats, file locks."""
