"""Products: CPF rév. 2.1 at the A129 level (same codes as NA 2008 A129), with their A38 roll-up.

Labels are INSEE's, with typographic apostrophes and doubled spaces normalised for display.
Unknown codes never raise: the customs files may carry codes outside the 129 (to be kept, labelled).
"""
from __future__ import annotations

import pandas as pd

UNKNOWN_GROUP = "ZZ"
UNKNOWN_GROUP_LABEL = "Non référencé"

# (code, INSEE label, short label for charts, at most 32 characters)
_PRODUCTS: list[tuple[str, str, str]] = [
    ("A01Z", "Culture et production animale, chasse et services annexes", "Produits agricoles"),
    ("A02Z", "Sylviculture et exploitation forestière", "Produits sylvicoles"),
    ("A03Z", "Pêche et aquaculture", "Pêche et aquaculture"),
    ("B05Z", "Extraction de houille et de lignite", "Houille et lignite"),
    ("B06Z", "Extraction d'hydrocarbures", "Hydrocarbures naturels"),
    ("B07Z", "Extraction de minerais métalliques", "Minerais métalliques"),
    ("B08Z", "Autres industries extractives", "Autres produits extractifs"),
    ("B09Z", "Services de soutien aux industries extractives", "Services extractifs"),
    ("C10A", "Transformation et conservation de la viande et préparation de produits à base de "
             "viande", "Viandes"),
    ("C10B", "Transformation et conservation de poisson, de crustacés et de mollusques",
     "Poissons transformés"),
    ("C10C", "Transformation et conservation de fruits et légumes", "Fruits et légumes transformés"),
    ("C10D", "Fabrication d'huiles et graisses végétales et animales", "Huiles et graisses"),
    ("C10E", "Fabrication de produits laitiers", "Produits laitiers"),
    ("C10F", "Travail des grains ; fabrication de produits amylacés", "Grains et produits amylacés"),
    ("C10G", "Fabrication de produits de boulangerie-pâtisserie et de pâtes alimentaires",
     "Boulangerie et pâtes"),
    ("C10H", "Fabrication d'autres produits alimentaires", "Autres produits alimentaires"),
    ("C10K", "Fabrication d'aliments pour animaux", "Aliments pour animaux"),
    ("C11Z", "Fabrication de boissons", "Boissons"),
    ("C12Z", "Fabrication de produits à base de tabac", "Produits à base de tabac"),
    ("C13Z", "Fabrication de textiles", "Textiles"),
    ("C14Z", "Industrie de l'habillement", "Habillement"),
    ("C15Z", "Industrie du cuir et de la chaussure", "Cuir et chaussures"),
    ("C16Z", "Travail du bois et fabrication d'articles en bois et en liège, à l'exception des "
             "meubles ; fabrication d'articles en vannerie et sparterie", "Bois et articles en bois"),
    ("C17A", "Fabrication de pâte à papier, de papier et de carton", "Pâte à papier, papier, carton"),
    ("C17B", "Fabrication d'articles en papier ou en carton", "Articles en papier ou carton"),
    ("C18Z", "Imprimerie et reproduction d'enregistrements", "Imprimés et enregistrements"),
    ("C19Z", "Cokéfaction et raffinage", "Produits pétroliers raffinés"),
    ("C20A", "Fabrication de produits chimiques de base, de produits azotés et d'engrais, de "
             "matières plastiques de base et de caoutchouc synthétique", "Produits chimiques de base"),
    ("C20B", "Fabrication de savons, de produits d'entretien et de parfums",
     "Savons, parfums, entretien"),
    ("C20C", "Fabrication d'autres produits chimiques et de fibres artificielles ou synthétiques",
     "Autres produits chimiques"),
    ("C21Z", "Industrie pharmaceutique", "Produits pharmaceutiques"),
    ("C22A", "Fabrication de produits en caoutchouc", "Produits en caoutchouc"),
    ("C22B", "Fabrication de produits en plastique", "Produits en plastique"),
    ("C23A", "Fabrication de verre et d'articles en verre", "Verre et articles en verre"),
    ("C23B", "Fabrication d'autres produits minéraux non métalliques hors verre",
     "Autres minéraux non métalliques"),
    ("C24A", "Sidérurgie et première transformation de l'acier", "Produits sidérurgiques"),
    ("C24B", "Production de métaux précieux et d'autres métaux non ferreux",
     "Métaux précieux et non ferreux"),
    ("C24C", "Fonderie", "Produits de fonderie"),
    ("C25A", "Fabrication d'éléments en métal pour la construction", "Éléments en métal (construction)"),
    ("C25B", "Fabrication de réservoirs, citernes et conteneurs métalliques ; fabrication de "
             "générateurs de vapeur, à l'exception des chaudières pour le chauffage central",
     "Réservoirs, citernes, conteneurs"),
    ("C25C", "Fabrication d'armes et de munitions", "Armes et munitions"),
    ("C25D", "Forge, traitement des métaux, usinage", "Forge, traitement des métaux"),
    ("C25E", "Fabrication de coutellerie, d'outillage, de quincaillerie et d'autres ouvrages en "
             "métaux", "Outillage, quincaillerie"),
    ("C26A", "Fabrication de composants et cartes électroniques", "Composants électroniques"),
    ("C26B", "Fabrication d'ordinateurs et d'équipements périphériques", "Ordinateurs et périphériques"),
    ("C26C", "Fabrication d'équipements de communication", "Équipements de communication"),
    ("C26D", "Fabrication de produits électroniques grand public", "Électronique grand public"),
    ("C26E", "Fabrication d'instruments et d'appareils de mesure, d'essai et de navigation ; "
             "horlogerie", "Mesure, navigation, horlogerie"),
    ("C26F", "Fabrication d'équipements d'irradiation médicale, d'équipements électromédicaux et "
             "électrothérapeutiques", "Équipements électromédicaux"),
    ("C26G", "Fabrication de matériels optique et photographique ; fabrication de supports "
             "magnétiques et optiques", "Optique et photographie"),
    ("C27A", "Fabrication d'appareils ménagers", "Appareils ménagers"),
    ("C27B", "Fabrication d'autres équipements électriques", "Autres équipements électriques"),
    ("C28A", "Fabrication de machines et équipements d'usage général", "Machines d'usage général"),
    ("C28B", "Fabrication de machines agricoles et forestières", "Machines agricoles"),
    ("C28C", "Fabrication de machines de formage des métaux et de machines-outils", "Machines-outils"),
    ("C28D", "Fabrication d'autres machines d'usage spécifique", "Machines d'usage spécifique"),
    ("C29A", "Construction de véhicules automobiles ; fabrication de carrosseries et remorques",
     "Automobiles"),
    ("C29B", "Fabrication d'équipements automobiles", "Équipements automobiles"),
    ("C30A", "Construction navale", "Navires et bateaux"),
    ("C30B", "Construction de locomotives et d'autre matériel ferroviaire roulant",
     "Matériel ferroviaire"),
    ("C30C", "Construction aéronautique et spatiale", "Aéronefs et engins spatiaux"),
    ("C30D", "Construction de véhicules militaires de combat", "Véhicules militaires de combat"),
    ("C30E", "Fabrication de matériels de transport n.c.a.", "Autres matériels de transport"),
    ("C31Z", "Fabrication de meubles", "Meubles"),
    ("C32A", "Fabrication d'articles de joaillerie, bijouterie et d'instruments de musique",
     "Bijoux et instruments de musique"),
    ("C32B", "Fabrication d'instruments et de fournitures à usage médical et dentaire",
     "Matériel médical et dentaire"),
    ("C32C", "Fabrication d'articles de sport, jeux et jouets et autres activités manufacturières",
     "Jeux, jouets, articles de sport"),
    ("C33Z", "Réparation et installation de machines et d'équipements", "Réparation et installation"),
    ("D35A", "Production, transport et distribution d'électricité", "Électricité"),
    ("D35B", "Production et distribution de combustibles gazeux, de vapeur et d'air conditionné",
     "Gaz, vapeur, air conditionné"),
    ("E36Z", "Captage, traitement et distribution d'eau", "Eau"),
    ("E37Z", "Collecte et traitement des eaux usées", "Eaux usées"),
    ("E38Z", "Collecte, traitement et élimination des déchets ; récupération",
     "Déchets et récupération"),
    ("E39Z", "Dépollution et autres services de gestion des déchets", "Dépollution"),
    ("F41A", "Promotion immobilière", "Promotion immobilière"),
    ("F41B", "Construction de bâtiments résidentiels et non résidentiels", "Construction de bâtiments"),
    ("F42Z", "Génie civil", "Génie civil"),
    ("F43Z", "Travaux de construction spécialisés", "Travaux spécialisés"),
    ("G45Z", "Commerce et réparation d'automobiles et de motocycles", "Commerce automobile"),
    ("G46Z", "Commerce de gros, à l'exception des automobiles et des motocycles", "Commerce de gros"),
    ("G47Z", "Commerce de détail, à l'exception des automobiles et des motocycles",
     "Commerce de détail"),
    ("H49A", "Transports ferroviaires", "Transport ferroviaire"),
    ("H49B", "Autres transports terrestres de voyageurs", "Autres transports de voyageurs"),
    ("H49C", "Transports routiers de fret et par conduites", "Transport routier de fret"),
    ("H50Z", "Transports par eau", "Transport par eau"),
    ("H51Z", "Transports aériens", "Transport aérien"),
    ("H52Z", "Entreposage et services auxiliaires des transports", "Entreposage et logistique"),
    ("H53Z", "Activités de poste et de courrier", "Poste et courrier"),
    ("I55Z", "Hébergement", "Hébergement"),
    ("I56Z", "Restauration", "Restauration"),
    ("J58Z", "Édition", "Produits de l'édition"),
    ("J59Z", "Production de films cinématographiques, de vidéo et de programmes de télévision ; "
             "enregistrement sonore et édition musicale", "Films, vidéos, enregistrements"),
    ("J60Z", "Programmation et diffusion", "Programmation et diffusion"),
    ("J61Z", "Télécommunications", "Télécommunications"),
    ("J62Z", "Programmation, conseil et autres activités informatiques", "Services informatiques"),
    ("J63Z", "Services d'information", "Services d'information"),
    ("K64Z", "Activités des services financiers, hors assurance et caisses de retraite",
     "Services financiers"),
    ("K65Z", "Assurance", "Assurance"),
    ("K66Z", "Activités auxiliaires de services financiers et d'assurance", "Auxiliaires financiers"),
    ("L68A", "Activités des marchands de biens immobiliers et activités immobilières pour compte "
             "de tiers", "Marchands de biens immobiliers"),
    ("L68B", "Location et exploitation de biens immobiliers propres ou loués", "Location immobilière"),
    ("M69Z", "Activités juridiques et comptables", "Juridique et comptable"),
    ("M70Z", "Activités des sièges sociaux ; conseil de gestion", "Sièges sociaux et conseil"),
    ("M71Z", "Activités d'architecture et d'ingénierie ; activités de contrôle et analyses "
             "techniques", "Architecture et ingénierie"),
    ("M72Z", "Recherche-développement scientifique", "Recherche-développement"),
    ("M73Z", "Publicité et études de marché", "Publicité et études de marché"),
    ("M74Z", "Autres activités spécialisées, scientifiques et techniques",
     "Autres activités spécialisées"),
    ("M75Z", "Activités vétérinaires", "Services vétérinaires"),
    ("N77Z", "Activités de location et location-bail", "Location et location-bail"),
    ("N78Z", "Activités liées à l'emploi", "Emploi"),
    ("N79Z", "Activités des agences de voyage, voyagistes, services de réservation et activités "
             "connexes", "Agences de voyage"),
    ("N80Z", "Enquêtes et sécurité", "Enquêtes et sécurité"),
    ("N81Z", "Services relatifs aux bâtiments et aménagement paysager", "Services aux bâtiments"),
    ("N82Z", "Activités administratives et autres activités de soutien aux entreprises",
     "Soutien aux entreprises"),
    ("O84Z", "Administration publique et défense ; sécurité sociale obligatoire",
     "Administration publique"),
    ("P85Z", "Enseignement", "Enseignement"),
    ("Q86Z", "Activités pour la santé humaine", "Santé humaine"),
    ("Q87Z", "Hébergement médico-social et social", "Hébergement médico-social"),
    ("Q88Z", "Action sociale sans hébergement", "Action sociale"),
    ("R90Z", "Activités créatives, artistiques et de spectacle", "Arts et spectacles"),
    ("R91Z", "Bibliothèques, archives, musées et autres activités culturelles",
     "Musées, archives, patrimoine"),
    ("R92Z", "Organisation de jeux de hasard et d'argent", "Jeux de hasard et d'argent"),
    ("R93Z", "Activités sportives, récréatives et de loisirs", "Sports et loisirs"),
    ("S94Z", "Activités des organisations associatives", "Organisations associatives"),
    ("S95Z", "Réparation d'ordinateurs et de biens personnels et domestiques",
     "Réparation de biens personnels"),
    ("S96Z", "Autres services personnels", "Autres services personnels"),
    ("T97Z", "Activités des ménages en tant qu'employeurs de personnel domestique",
     "Ménages employeurs"),
    ("T98Z", "Activités indifférenciées des ménages en tant que producteurs de biens et services "
             "pour usage propre", "Production des ménages"),
    ("U99Z", "Activités des organisations et organismes extraterritoriaux",
     "Organismes extraterritoriaux"),
]

# A38 (NA 2008): (code, INSEE label, short label ≤ 32 characters)
_GROUPS: list[tuple[str, str, str]] = [
    ("AZ", "Agriculture, sylviculture et pêche", "Agriculture, sylviculture, pêche"),
    ("BZ", "Industries extractives", "Industries extractives"),
    ("CA", "Fabrication de denrées alimentaires, de boissons et de produits à base de tabac",
     "Produits agroalimentaires"),
    ("CB", "Fabrication de textiles, industries de l'habillement, industrie du cuir et de la "
           "chaussure", "Textile, habillement, cuir"),
    ("CC", "Travail du bois, industries du papier et imprimerie", "Bois, papier, imprimerie"),
    ("CD", "Cokéfaction et raffinage", "Produits pétroliers raffinés"),
    ("CE", "Industrie chimique", "Produits chimiques"),
    ("CF", "Industrie pharmaceutique", "Produits pharmaceutiques"),
    ("CG", "Fabrication de produits en caoutchouc et en plastique ainsi que d'autres produits "
           "minéraux non métalliques", "Caoutchouc, plastique, minéraux"),
    ("CH", "Métallurgie et fabrication de produits métalliques à l'exception des machines et des "
           "équipements", "Métaux et produits métalliques"),
    ("CI", "Fabrication de produits informatiques, électroniques et optiques",
     "Informatique, électronique"),
    ("CJ", "Fabrication d'équipements électriques", "Équipements électriques"),
    ("CK", "Fabrication de machines et équipements n.c.a.", "Machines et équipements"),
    ("CL", "Fabrication de matériels de transport", "Matériels de transport"),
    ("CM", "Autres industries manufacturières ; réparation et installation de machines et "
           "d'équipements", "Autres produits manufacturés"),
    ("DZ", "Production et distribution d'électricité, de gaz, de vapeur et d'air conditionné",
     "Électricité, gaz, vapeur"),
    ("EZ", "Production et distribution d'eau ; assainissement, gestion des déchets et dépollution",
     "Eau, déchets, dépollution"),
    ("FZ", "Construction", "Construction"),
    ("GZ", "Commerce ; réparation d'automobiles et de motocycles", "Commerce"),
    ("HZ", "Transports et entreposage", "Transports et entreposage"),
    ("IZ", "Hébergement et restauration", "Hébergement et restauration"),
    ("JA", "Édition, audiovisuel et diffusion", "Édition, audiovisuel, diffusion"),
    ("JB", "Télécommunications", "Télécommunications"),
    ("JC", "Activités informatiques et services d'information", "Services informatiques"),
    ("KZ", "Activités financières et d'assurance", "Finance et assurance"),
    ("LZ", "Activités immobilières", "Immobilier"),
    ("MA", "Activités juridiques, comptables, de gestion, d'architecture, d'ingénierie, de "
           "contrôle et d'analyses techniques", "Juridique, conseil, ingénierie"),
    ("MB", "Recherche-développement scientifique", "Recherche-développement"),
    ("MC", "Autres activités spécialisées, scientifiques et techniques",
     "Autres services spécialisés"),
    ("NZ", "Activités de services administratifs et de soutien", "Services administratifs"),
    ("OZ", "Administration publique", "Administration publique"),
    ("PZ", "Enseignement", "Enseignement"),
    ("QA", "Activités pour la santé humaine", "Santé humaine"),
    ("QB", "Hébergement médico-social et social et action sociale sans hébergement",
     "Action sociale et médico-sociale"),
    ("RZ", "Arts, spectacles et activités récréatives", "Arts, spectacles, loisirs"),
    ("SZ", "Autres activités de services", "Autres services"),
    ("TZ", "Activités des ménages en tant qu'employeurs ; activités indifférenciées des ménages en "
           "tant que producteurs de biens et services pour usage propre", "Activités des ménages"),
    ("UZ", "Activités extra-territoriales", "Organismes extraterritoriaux"),
    (UNKNOWN_GROUP, UNKNOWN_GROUP_LABEL, UNKNOWN_GROUP_LABEL),
]

# A38 groups that split a section by NAF division (first division of each group).
_SPLIT_SECTIONS: dict[str, list[tuple[int, str]]] = {
    "C": [(10, "CA"), (13, "CB"), (16, "CC"), (19, "CD"), (20, "CE"), (21, "CF"), (22, "CG"),
          (24, "CH"), (26, "CI"), (27, "CJ"), (28, "CK"), (29, "CL"), (31, "CM")],
    "J": [(58, "JA"), (61, "JB"), (62, "JC")],
    "M": [(69, "MA"), (72, "MB"), (73, "MC")],
    "Q": [(86, "QA"), (87, "QB")],
}

# Services whose CPF classes receive goods in the CN → CPF correspondence, so customs publish them:
# printed books and newspapers (58), recorded media (59), architects' plans (71),
# photographs (74), works of art (90), collectors' pieces and antiques (91).
_GOODS_OUTSIDE_A_TO_E = {"J58Z", "J59Z", "M71Z", "M74Z", "R90Z", "R91Z"}


def _a38_of(code: str) -> str:
    """The A38 group follows from section letter + NAF division (the first 3 characters)."""
    section, division = code[0], int(code[1:3])
    if section not in _SPLIT_SECTIONS:
        return section + "Z"
    group = ""
    for first_division, candidate in _SPLIT_SECTIONS[section]:
        if division >= first_division:
            group = candidate
    return group


def _is_goods(code: str) -> bool:
    """Goods = sections A to E (agriculture, mining, manufacturing, energy, water and waste), plus the
    few service divisions that physical goods are classified in."""
    return code[0] in "ABCDE" or code in _GOODS_OUTSIDE_A_TO_E


PRODUCT_GROUPS = pd.DataFrame(_GROUPS, columns=["code", "label", "short_label"])
_GROUP_SHORT = {code: short for code, _, short in _GROUPS}
_GROUP_LABEL = {code: label for code, label, _ in _GROUPS}

PRODUCTS = pd.DataFrame(_PRODUCTS, columns=["code", "label", "short_label"])
PRODUCTS["group_code"] = PRODUCTS["code"].map(_a38_of)
PRODUCTS["group_label"] = PRODUCTS["group_code"].map(_GROUP_SHORT)
PRODUCTS["is_goods"] = PRODUCTS["code"].map(_is_goods).astype(bool)
GOODS_CODES = frozenset(PRODUCTS.loc[PRODUCTS["is_goods"], "code"])

_LABEL = {code: label for code, label, _ in _PRODUCTS}
_SHORT = {code: short for code, _, short in _PRODUCTS}
_GROUP = dict(zip(PRODUCTS["code"], PRODUCTS["group_code"]))


def _key(code) -> str:
    return str(code).strip().upper()


def is_known_product(code) -> bool:
    return _key(code) in _LABEL


def product_label(code) -> str:
    key = _key(code)
    return _LABEL.get(key, f"code non référencé ({key})")


def product_short_label(code) -> str:
    key = _key(code)
    return _SHORT.get(key, f"code non référencé ({key})")


def product_group(code) -> str:
    return _GROUP.get(_key(code), UNKNOWN_GROUP)


def group_label(group_code) -> str:
    return _GROUP_LABEL.get(_key(group_code), UNKNOWN_GROUP_LABEL)


def group_short_label(group_code) -> str:
    return _GROUP_SHORT.get(_key(group_code), UNKNOWN_GROUP_LABEL)


def is_goods(code) -> bool:
    return _key(code) in GOODS_CODES
