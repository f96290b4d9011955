"""Alias of the address /donnees (« À propos des données »)
for a fresh plain `streamlit run`: see lib/ui/first_visit.py."""
from lib.ui.first_visit import run_router

run_router()
