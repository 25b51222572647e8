"""Small hand-written pages for the unit tests of the evaluation and the models.

Every sentence here was written for these tests: four "scraped" articles (gold
labels) on fictional sites, and authored pages of three fictional sites, each
line labelled under docs/LABELS.md.  Rows have the shape the label stage writes,
and :func:`records` turns them into model records with the real
:func:`pipeline.core.data.records_from_rows` (which calls ``context_records``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pipeline import config
from pipeline.core.data import records_from_rows
from pipeline.core.rules import RuleSet

BP = "boilerplate"

#: (article id, outlet, [(sentence, label)]); each sentence on a line of its own.
SCRAPED: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("s1", "Le Veilleur Tech", [
        ("Twitter reproche à Microsoft un usage abusif de ses données", "pro_twitter"),
        ("Publié le 19/05/2023 à 09:14", BP),
        ("Dans un courrier adressé à Satya Nadella, l'avocat Alex Spiro affirme que Microsoft a dépassé "
         "les limites d'utilisation prévues.", "pro_twitter"),
        ("Le texte réclame un audit complet d'ici au 7 juin.", "pro_twitter"),
        ("Microsoft indique qu'il examinera ces questions et y répondra comme il se doit.", "pro_microsoft"),
        ("Une API permet à un logiciel d'interroger automatiquement les données d'un service.", "neutral"),
        ("Lire aussi : la saison des festivals commence sous la pluie", BP),
        ("Partager sur Facebook", BP),
    ]),
    ("s2", "Info Quotidienne", [
        ("Elon Musk s'en prend de nouveau à Microsoft", "pro_twitter"),
        ("Accueil > Technologie", BP),
        ("Selon la lettre, les applications du groupe auraient sollicité l'API plus de 780 millions de fois "
         "en 2022.", "pro_twitter"),
        ("Le réseau social demande aussi des précisions sur le partage de données avec des agences publiques.",
         "pro_twitter"),
        ("Un porte-parole de l'éditeur de Windows a dit souhaiter poursuivre un partenariat de long terme.",
         "pro_microsoft"),
        ("Musk avait cofondé OpenAI en 2015 avant de quitter l'organisation en 2018.", "neutral"),
        ("Publicité", BP),
        ("3 commentaires", BP),
    ]),
    ("s3", "Le Fil Numérique", [
        ("Microsoft temporise face aux reproches de Twitter", "pro_microsoft"),
        ("Photo : le siège de Microsoft à Redmond", BP),
        ("La firme de Redmond promet d'étudier la demande avec attention.", "pro_microsoft"),
        ("Le courrier ne mentionne pourtant jamais l'entraînement d'intelligences artificielles.", "pro_microsoft"),
        ("Twitter accuse Microsoft d'avoir refusé de payer le nouveau tarif de son API.", "pro_twitter"),
        ("Ce tarif peut atteindre 42 000 dollars par mois.", "neutral"),
        ("Inscrivez-vous à notre newsletter", BP),
    ]),
    ("s4", "Courrier du Web", [
        ("L'accès à l'API de Twitter au cœur d'une dispute", "neutral"),
        ("Tags : Twitter, Microsoft, API", BP),
        ("Microsoft a retiré Twitter de son outil publicitaire Smart Campaigns en avril.", "neutral"),
        ("Elon Musk avait alors répondu par un tweet évoquant un procès.", "pro_twitter"),
        ("Le groupe dit attendre avec intérêt la suite de sa collaboration avec la plateforme.", "pro_microsoft"),
        ("Microsoft a investi plusieurs milliards de dollars dans OpenAI, créateur de ChatGPT.", "neutral"),
        ("Article suivant : un avion atterrit sans son train avant", BP),
    ]),
]

#: Authored pages: (article id, site, [(sentence, label)]); two pages per site, each site with its own furniture.
AUTHORED: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("a1", "Gazette du Plateau", [
        ("Menu", BP),
        ("Twitter met en cause les pratiques de Microsoft", "pro_twitter"),
        ("Le réseau social estime que son partenaire a ignoré les quotas d'accès.", "pro_twitter"),
        ("Microsoft assure vouloir répondre de façon appropriée.", "pro_microsoft"),
        ("Gazette du Plateau, tous droits réservés", BP),
    ]),
    ("a2", "Gazette du Plateau", [
        ("Menu", BP),
        ("Le prix de l'API de Twitter fait débat", "neutral"),
        ("Les développeurs doivent désormais payer pour lire les messages publiés.", "neutral"),
        ("Gazette du Plateau, tous droits réservés", BP),
    ]),
    ("a3", "Octet Hebdo", [
        ("Rechercher", BP),
        ("Musk menace Microsoft de poursuites", "pro_twitter"),
        ("L'entreprise de Redmond se dit attachée à la relation avec Twitter.", "pro_microsoft"),
        ("Abonnez-vous pour lire la suite", BP),
    ]),
    ("a4", "Octet Hebdo", [
        ("Rechercher", BP),
        ("OpenAI et Microsoft resserrent leurs liens", "neutral"),
        ("Le partenariat se chiffre en milliards de dollars.", "neutral"),
        ("Abonnez-vous pour lire la suite", BP),
    ]),
    ("a5", "Portail Azur", [
        ("Retour en haut", BP),
        ("Twitter exige un rapport avant le 7 juin", "pro_twitter"),
        ("Microsoft répond qu'il étudiera la lettre.", "pro_microsoft"),
        ("Laisser un commentaire", BP),
    ]),
    ("a6", "Portail Azur", [
        ("Retour en haut", BP),
        ("La course à l'intelligence artificielle s'accélère", "neutral"),
        ("Google prépare sa réponse à ChatGPT.", "neutral"),
        ("Laisser un commentaire", BP),
    ]),
]

_RULES: RuleSet | None = None


def _rules() -> RuleSet:
    global _RULES
    if _RULES is None:
        _RULES = RuleSet.from_file(config.CONFIGS_DIR / "rules.yaml")
    return _RULES


def page_rows(article_id: str, outlet: str, lines: Sequence[tuple[str, str]], source: str = "scraped",
              label_source: str = "gold") -> list[dict[str, Any]]:
    """Rows as the label stage writes them, one sentence per line, rule votes from the real rules file."""
    rows = []
    for i, (text, label) in enumerate(lines):
        previous = lines[i - 1][0] if i else ""
        bp = None if label_source == "none" else label == BP
        rows.append({
            "article_id": article_id, "key": f"{article_id}:{i}", "text": text, "line": i, "n_lines": len(lines),
            "boilerplate": bp, "stance": None if bp or bp is None else label,
            "label_source": label_source, "source": source, "outlet": outlet,
            "rule_boilerplate": _rules().boilerplate(text, previous), "rule_stance": _rules().stance(text),
        })
    return rows


def all_rows(with_authored: bool = True, unlabelled: bool = True) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for art, outlet, lines in SCRAPED:
        rows += page_rows(art, outlet, lines)
    if unlabelled:  # a scraped page nobody labelled: never trained on, never evaluated
        rows += page_rows("s5", "Le Veilleur Tech", [("Une page sans étiquette sur le même sujet.", "neutral"),
                                                     ("Une autre phrase encore.", "neutral")], label_source="none")
    if with_authored:
        for art, outlet, lines in AUTHORED:
            rows += page_rows(art, outlet, lines, source="authored", label_source="authored")
    return rows


def records(with_authored: bool = True, unlabelled: bool = True) -> list[dict[str, Any]]:
    return records_from_rows(all_rows(with_authored, unlabelled))
