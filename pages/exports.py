"""Exportations: the Sankey of products → destination countries."""
from lib.core.schema import EXPORT
from lib.ui.flow_page import render_flow_page

render_flow_page(EXPORT)
