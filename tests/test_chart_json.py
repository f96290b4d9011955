"""The charts' JSON is written by orjson (declared in requirements.txt for it): st.plotly_chart serialises
every chart at every rerun, three times faster than with the json module. What the browser receives must
not change with the engine."""
from __future__ import annotations

import json

import plotly.io as pio

from lib.outputs.report import report_items
from lib.ui import screen_theme


def test_plotly_writes_json_with_orjson():
    """What st.plotly_chart calls (`to_json(figure, validate=False)`, default engine) is orjson's output."""
    figure = {"data": [{"type": "bar", "x": ["a", "b", "c"], "y": [1e-07, float("nan"), 1.5]}]}
    written = pio.to_json(figure, validate=False)
    assert '"y":[1e-7,null,1.5]' in written           # orjson's float; the json module writes « 1e-07 »
    assert '"y":[1e-07,null,1.5]' in pio.to_json(figure, validate=False, engine="json")   # NaN: null in both


def test_every_chart_of_a_territory_reads_the_same_with_either_engine(app_data):
    territory = app_data.catalog.resolve("dep:13")
    charts = [item for item in report_items(app_data.cube, app_data.catalog, territory, app_data.latest_year)
              if item.build is not None]
    assert len(charts) >= 10
    for item in charts:
        for figure in (item.build().to_dict(), screen_theme.for_screen(item.build().to_dict())):
            fast = json.loads(pio.to_json(figure, validate=False, engine="orjson"))
            slow = json.loads(pio.to_json(figure, validate=False, engine="json"))
            assert fast == slow, item.key          # the same numbers, exactly
