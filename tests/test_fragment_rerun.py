"""A widget that changes one chart reruns that chart only (st.fragment), measured over the real protocol."""
from __future__ import annotations

import json

from bench.protocol import AppSession
from bench.local_server import StreamlitServer


def test_balance_slider_reruns_only_its_chart(tmp_path):
    with StreamlitServer(tmp_path / "server.log") as server, AppSession(server.url, timeout=150) as session:
        page = session.open("/?territoire=dep:04&annee=2024")
        assert page.metrics > 0 and len(page.charts) >= 2
        moved = session.slide("Nombre de pays affichés", 15)
        assert moved.status == "FINISHED_FRAGMENT_RUN_SUCCESSFULLY"
        assert moved.exceptions == []
        assert moved.metrics == 0 and "Vue d'ensemble" not in moved.headings   # the rest of the page is kept
        assert len(moved.charts) == 1
        bars = json.loads(moved.charts[0])["data"]
        assert max(len(trace.get("y", [])) for trace in bars) == 15          # the chart shows 15 countries
        assert moved.bytes < page.bytes / 2
        back = session.switch_page("")                                          # a full rerun keeps the choice
        counts = [max(len(t.get("y", [])) for t in json.loads(spec)["data"]) for spec in back.charts]
        assert 15 in counts
