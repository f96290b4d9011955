"""À propos des données: source, caveats, demo status, loading the real files, glossary."""
import logging
import re

import streamlit as st

from lib.errors import DataFileError
from lib.formatting import format_number
from lib.reference.french_names import count_phrase
from lib.official_files import citation
from lib.uploads import MAX_UPLOAD_MB, accept_uploads
from lib.ui import loaders
from lib.ui.page import page_header
from lib.ui.widgets import french_file_uploader

_log = logging.getLogger(__name__)


def _escape_markdown(text: str) -> str:
    """File names and cell values are echoed as text, never as Markdown (links, images, colours…)."""
    return re.sub(r"([\\`*_{}\[\]<>#|~$!])", r"\\\1", " ".join(text.split()))


page = page_header("À propos des données", show_ti_box=False)
data = page.data
result = data.result

st.subheader("Source")
st.markdown(
    f"- **{citation(result.release_date)}** — statistiques régionales et départementales du commerce extérieur "
    "(Direction générale des douanes et droits indirects, site « le kiosque »).\n"
    f"- Données chargées : {format_number(len(result.table))} lignes, années "
    f"{', '.join(map(str, data.years))}, {result.table['department'].nunique()} départements, "
    f"{count_phrase(len(result.sources), 'fichier')}.\n"
    f"- Territoires d'industrie : {data.catalog.ti_source or 'aucune liste chargée'} "
    f"({len(data.catalog.industry_territories)} territoires).")
if data.is_demo:
    st.warning("Les chiffres affichés sont des **données de démonstration** : générées par l'application au format "
               "officiel, réalistes dans leur forme et calées sur quelques totaux publiés (France, Provence-Alpes-Côte "
               "d'Azur, Alpes-de-Haute-Provence, Île-de-France, Paris en 2024), mais **fictives** dans le détail. "
               "Les Territoires d'industrie de démonstration portent la mention « (démo) ».", icon="⚠️")
for warning in result.warnings:
    st.caption(f"Avertissement à la lecture des fichiers : {warning}")

st.subheader("Ce que les chiffres veulent dire… et ne disent pas")
st.markdown("""
- **Importations CAF, exportations FAB**, en euros ; matériel militaire exclu. Une valeur annuelle par département,
  produit (nomenclature CPF rév. 2.1, niveau A129) et pays partenaire.
- **Lieu de dédouanement** : les flux sont comptés dans le département où les marchandises sont déclarées à
  l'arrivée ou au départ (l'établissement déclarant). Un bien fabriqué dans un département A peut être exporté
  depuis un département B ; les sièges sociaux (Paris) et les plates-formes logistiques ou portuaires concentrent des
  flux produits ou consommés ailleurs (par exemple les hydrocarbures dans les zones industrialo-portuaires).
- **Les échanges entre régions françaises ne sont pas comptés** ; les départements d'outre-mer ne comptent que leurs
  échanges avec l'étranger.
- **Secret statistique « passif »** : une entreprise peut demander qu'une cellule ne soit pas publiée. Une case absente
  signifie « non publié », pas zéro ; la somme d'un département peut différer légèrement de son total publié.
- **France = somme des 101 départements**, région = somme de ses départements, calculées par l'application.
- **Territoires d'industrie** : les données douanières s'arrêtent au département. Un territoire est lu à travers ses
  départements principaux (au moins 5 de ses communes), et ses chiffres sont toujours présentés comme des
  **données départementales**.
""")

st.subheader("Charger les fichiers officiels")
st.markdown(f"""
1. Sur le site des douanes (« le kiosque », rubrique *Données régionales*), téléchargez les fichiers annuels
   `region_XX_A.zip` de chaque région (les 18 pour des totaux France complets).
2. Déposez-les ci-dessous (ZIP, ou les fichiers `REGION_XX_A_IMPORT.xlsx` / `_EXPORT.xlsx`, ou un CSV de mêmes
   colonnes), avec si vous le souhaitez la liste des communes des Territoires d'industrie (`liste-ti-com2023-….csv`,
   data.gouv.fr). {MAX_UPLOAD_MB} Mo au plus par fichier. Chaque fichier est entièrement vérifié, seul et avec les
   fichiers déjà retenus, avant d'être retenu : en cas d'erreur, rien ne change.
3. En ligne de commande : `python -m lib.cli fetch` (machine connectée) ou `python -m lib.cli import CHEMIN…`.
""")
_outcome = st.session_state.pop("upload_outcome", None)
if _outcome:   # set just before the rerun that made every page use the new files
    st.success(_outcome["message"], icon="✅")
    for warning in _outcome["warnings"]:
        st.warning(_escape_markdown(warning), icon="⚠️")
french_file_uploader(f"Glissez-déposez vos fichiers ici — {MAX_UPLOAD_MB} Mo au plus par fichier • ZIP, XLSX, CSV")
with st.form("upload_form", clear_on_submit=True):
    uploaded = st.file_uploader("Fichiers des douanes et liste des Territoires d'industrie",
                                type=["zip", "xlsx", "csv"], accept_multiple_files=True, key="uploads",
                                max_upload_size=MAX_UPLOAD_MB)
    submitted = st.form_submit_button("Vérifier et charger", type="primary")
if submitted:
    if not uploaded:
        st.warning("Aucun fichier choisi.")
    else:
        report = None
        try:
            with st.spinner("Vérification des fichiers…"):
                report = accept_uploads([(f.name, f.getvalue()) for f in uploaded])
        except DataFileError as exc:
            st.error(f"Fichier refusé : {_escape_markdown(str(exc))} "
                     "Les données déjà chargées restent utilisées.", icon="🚫")
        except Exception as exc:  # a user's file must never break the page
            _log.exception("échec inattendu pendant la vérification d'un envoi")
            st.error(f"Les fichiers n'ont pas pu être vérifiés (erreur inattendue : {type(exc).__name__}). "
                     "Rien n'a été modifié : les données déjà chargées restent utilisées.", icon="🚫")
        if report is not None:
            loaders.reload_data()
            what = ", ".join(report.kept)
            rows = (f" — {format_number(report.rows)} valeurs lues ; l'application utilise désormais "
                    f"{format_number(report.total_rows)} lignes, {report.departments} départements"
                    if report.trade_files else "")
            st.session_state["upload_outcome"] = {
                "message": _escape_markdown(f"Fichiers retenus : {what}{rows}.")
                + " Toutes les pages utilisent désormais ces données.",
                "warnings": report.warnings}
            st.rerun()

st.subheader("Glossaire")
st.markdown("""
| Terme | Définition |
|---|---|
| Exportations (FAB) | Biens sortis vers l'étranger, valeur « franco à bord » à la frontière française. |
| Importations (CAF) | Biens entrés depuis l'étranger, valeur « coût, assurance, fret » à la frontière. |
| Solde commercial | Exportations − importations : excédent (vert) ou déficit (rouge). |
| Taux de couverture | Exportations ÷ importations. |
| A129 / A38 | Niveaux de la nomenclature de produits (CPF rév. 2.1) : 129 postes, regroupés en 38 activités. |
| « Autres » | Ce qui dépasse les dix premiers produits ou pays d'un graphique. |
| Indice de spécialisation | Part d'un produit dans le territoire ÷ sa part en France. |
| Territoire d'industrie | Programme ANCT/DGE (2023-2027) regroupant des intercommunalités industrielles. |
| Département principal | Département où un Territoire d'industrie compte au moins 5 communes. |
""")
