"""Importations: the Sankey of origin countries → products."""
from lib.core.schema import IMPORT
from lib.ui.flow_page import render_flow_page

render_flow_page(IMPORT)
