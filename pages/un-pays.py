"""Alias of the address /un-pays (« Un pays, plusieurs territoires »)
for a fresh plain `streamlit run`: see lib/ui/first_visit.py."""
from lib.ui.first_visit import run_router

run_router()
