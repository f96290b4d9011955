"""Alias of the address /importations (« Importations »)
for a fresh plain `streamlit run`: see lib/ui/first_visit.py."""
from lib.ui.first_visit import run_router

run_router()
