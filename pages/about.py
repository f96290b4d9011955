"""À propos des données: source, caveats, demo status, loading the real files, glossary."""
import streamlit as st

from lib.core.formatting import format_number
from lib.data.reference.french_names import count_phrase
from lib.data.official_files import citation
from lib.data.uploads import MAX_UPLOAD_MB
from lib.presentation.plain_text import markdown_text
from lib.ui import data_admin, revisions_block
from lib.ui.page import page_header


page = page_header("À propos des données", show_ti_box=False)
data = page.data
result = data.result

st.subheader("Source")
st.markdown(
    f"- **{citation(result)}** — statistiques régionales et départementales du commerce extérieur "
    "(Direction générale des douanes et droits indirects, site « le kiosque »).\n"
    f"- Données chargées : {format_number(len(result.table))} lignes, années "
    f"{', '.join(map(str, data.years))}, {result.table['department'].nunique()} départements, "
    f"{count_phrase(len(result.sources), 'fichier')}.\n"
    f"- Territoires d'industrie : {markdown_text(data.catalog.ti_source or 'aucune liste chargée')} "
    f"({len(data.catalog.industry_territories)} territoires).")
if data.is_demo:
    st.warning("Les chiffres affichés sont des **données de démonstration** : générées par l'application au format "
               "officiel, réalistes dans leur forme et calées sur quelques totaux publiés (France, Provence-Alpes-Côte "
               "d'Azur, Alpes-de-Haute-Provence, Île-de-France, Paris en 2024), mais **fictives** dans le détail. "
               "Les Territoires d'industrie de démonstration portent la mention « (démo) ».", icon="⚠️")
for warning in result.warnings:
    st.caption(f"Avertissement à la lecture des fichiers : {markdown_text(warning)}")

st.subheader("Ce que les chiffres veulent dire… et ne disent pas")
st.markdown("""
- **Importations CAF, exportations FAB**, en euros ; matériel militaire exclu. Une valeur annuelle par département,
  produit (nomenclature CPF rév. 2.1, niveau A129) et pays partenaire.
- **Lieu de dédouanement** : les flux sont comptés dans le département où les marchandises sont déclarées à
  l'arrivée ou au départ (l'établissement déclarant). Une marchandise produite dans un département peut donc
  figurer dans les exportations d'un autre ; les sièges sociaux (Paris) et les plates-formes logistiques ou portuaires concentrent des
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

# Reading rules of the figures (issue 9): one self-contained paragraph, kept apart from the prose above.
st.markdown(
    "**Montants, parts et arrondis.** Un chiffre seul s'écrit en M€, en k€ sous 0,1 M€ ; dans un tableau ou un "
    "graphique, tous les montants prennent l'unité du plus grand, et un montant trop petit pour elle s'écrit "
    "« < 0,1 M€ », jamais « 0,0 M€ ». Une part non nulle garde son signe et les décimales qu'il faut (« 0,09 % », "
    "« < 0,001 % »), à l'écran comme dans Excel ; « n.d. » signale une valeur non disponible. Un Territoire "
    "d'industrie dont les départements principaux relèvent de plusieurs régions est rapporté à ces régions "
    "réunies. Avec les fichiers officiels, seule la liste officielle définit les Territoires d'industrie.")

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

data_admin.render(data)
revisions_block.render(page)

st.subheader("Glossaire")
st.markdown("""
| Terme | Définition |
|---|---|
| Exportations (FAB) | Biens sortis vers l'étranger, valeur « franco à bord » à la frontière française. |
| Importations (CAF) | Biens entrés depuis l'étranger, valeur « coût, assurance, fret » à la frontière. |
| Solde commercial | Exportations − importations : excédent s'il est positif, déficit s'il est négatif. |
| Taux de couverture | Exportations ÷ importations. |
| A129 / A38 | Niveaux de la nomenclature de produits (CPF rév. 2.1) : 129 postes, regroupés en 38 activités. |
| « Autres » | Ce qui dépasse les dix premiers produits ou pays d'un graphique. |
| Indice de spécialisation | Part d'un produit dans le territoire ÷ sa part en France. |
| Territoire d'industrie | Programme ANCT/DGE (2023-2027) regroupant des intercommunalités industrielles. |
| Département principal | Département où un Territoire d'industrie compte au moins 5 communes. |
""")
