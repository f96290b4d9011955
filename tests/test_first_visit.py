"""The ecosystem's `streamlit run streamlit_app.py`: a shared link to a sub-page, as the very first request of
a freshly started server, opens that page (no « Page not found »), with the `pages/` folder kept."""
from __future__ import annotations

import re

from bench.protocol import AppSession
from bench.local_server import PROJECT_DIR, StreamlitServer


def test_every_french_address_has_its_legacy_alias():
    """Streamlit's legacy lookup finds a file named after each address of the router (see lib/ui/first_visit)."""
    addresses = re.findall(r'url_path="([^"]+)"', (PROJECT_DIR / "streamlit_app.py").read_text())
    assert len(addresses) == 10
    for address in addresses:
        alias = PROJECT_DIR / "pages" / f"{address}.py"
        assert alias.is_file(), f"alias manquant : pages/{address}.py"
        assert "run_router()" in alias.read_text()


def test_sub_page_link_is_the_first_request_of_a_plain_streamlit_run(tmp_path):
    with StreamlitServer(tmp_path / "server.log", plain=True) as server:
        with AppSession(server.url, timeout=150) as session:
            first = session.open("/exportations?territoire=dep:04&annee=2024")
            assert not first.page_not_found, "Streamlit a envoyé « Page not found » au premier visiteur"
            assert first.status == "FINISHED_SUCCESSFULLY"
            assert first.exceptions == []
            assert first.headings[0] == "Exportations"
            assert any("Alpes-de-Haute-Provence" in heading for heading in first.headings)
            # the router's navigation (French addresses), not the legacy list of files, is what the browser kept
            assert {"exportations", "importations", "comparaison", "donnees"} <= set(session.pages)
            assert "exports" not in session.pages
            # and the session goes on normally
            after = session.switch_page("importations")
            assert after.headings[0] == "Importations" and not after.page_not_found
