"""Alias of the address /carte (« Carte de France »)
for a fresh plain `streamlit run`: see lib/ui/first_visit.py."""
from lib.ui.first_visit import run_router

run_router()
