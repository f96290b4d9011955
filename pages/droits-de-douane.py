"""Alias of the address /droits-de-douane (« Droits de douane : exposition »)
for a fresh plain `streamlit run`: see lib/ui/first_visit.py."""
from lib.ui.first_visit import run_router

run_router()
