"""Labelling rules: lower-cased matching gives the same votes as case-insensitive matching."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.core.rules import RULE_TASKS, RuleSet, _lower_case_safe, required_literals

RULES = RuleSet.from_file("configs/rules.yaml")
_PIECES = st.sampled_from(list("aeiouéÉÀçœŒ0123456789 .:/-()©»«!?") + [
    "Publié le ", "20 avril 2023", "12/04/2023", "10h32", "Laissez un commentaire", "COOKIES", "Newsletter",
    "Par Jean Dupont", "(AFP)", "Photo : ", "Lire aussi", "Tous droits réservés", "est une journaliste",
    "Accueil > ", "Menu", "4,5 / 5 - (12 votes)", "Publicité", "Merci de votre compréhension !",
])


def _reference(rule, text: str, previous: str) -> bool:
    """The rule as written: every pattern case-insensitive, on the text as given."""
    spec = next(item for task in RULE_TASKS for item in RULES.spec.get(task) or []
                if item["name"] == rule.name)
    if spec.get("previous") and not re.fullmatch(spec["previous"], previous.strip(), re.IGNORECASE):
        return False
    source = spec.get("fullmatch") or spec.get("search")
    if not source:
        return True
    method = re.fullmatch if "fullmatch" in spec else re.search
    return bool(method(source, text.strip(), re.IGNORECASE))


@settings(max_examples=300, deadline=None)
@given(text=st.lists(_PIECES, max_size=12).map("".join), previous=st.sampled_from(["", "Photo :", "IMAGE", "texte"]))
def test_votes_equal_case_insensitive_matching(text: str, previous: str) -> None:
    for rule in RULES.rules:
        assert rule.fires(text, previous) == _reference(rule, text, previous), rule.name
    expected = tuple(_reference(r, text, previous) for r in RULES.boilerplate_rules)
    assert RULES.boilerplate_votes(text, previous) == expected
    assert RULES.boilerplate_votes(text, previous) == expected  # from the memo


def test_votes_on_seed_sentences_equal_case_insensitive_matching(seed_sentences: list[dict]) -> None:
    previous = ""
    for row in seed_sentences:
        votes = RULES.boilerplate_votes(row["text"], previous)
        assert votes == tuple(_reference(r, row["text"], previous) for r in RULES.boilerplate_rules)
        previous = row["text"]


@pytest.mark.parametrize(
    ("source", "safe"),
    [(r"\bnewsletter\b", True), (r"^[A-ZÀ-Ý]\w+", False), (r"\x41bc", False), (r"[@-_]", False), (r"[a-zà-ÿ]+", True),
     (r"\W\S\D", True)],
)
def test_lower_case_fast_path_only_where_it_is_exact(source: str, safe: bool) -> None:
    assert _lower_case_safe(source) is safe


@pytest.mark.parametrize(
    ("source", "literals"),
    [
        (r"\bnewsletter\b|\bcookies?\b", ("cookie", "newsletter")),
        (r"^(article suivant|article précédent|lire aussi)\b", ("article précédent", "article suivant", "lire aussi")),
        (r"^(article|article suivant)\b", ("article",)),  # "article" covers "article suivant"
        (r"(?:\baccus\w*)|(?:\bviol(é|er)\w*)", ("accus", "violer", "violé")),
        (r"^\d+ commentaires?$|\bcommentaire", ("commentaire",)),  # a literal run need not start the match
        (r"a*b", ("b",)),
        (r"\d+x?", None),
        (r"(?i)newsletter", None),  # flags: not a plain literal any more
    ],
)
def test_required_literals(source: str, literals: tuple[str, ...] | None) -> None:
    assert required_literals(source) == literals


def test_required_literals_follow_groups_of_literals() -> None:
    assert required_literals(r"\b(est|était) (un|une) journaliste\b") == (
        "est un journaliste", "est une journaliste", "était un journaliste", "était une journaliste")
    pairs = ("aa|bb", "cc|dd", "ee|ff", "gg|hh", "ii|jj", "kk|ll", "mm|nn")
    expected = sorted(a + b + c + d + e + f for a in ("aa", "bb") for b in ("cc", "dd") for c in ("ee", "ff")
                      for d in ("gg", "hh") for e in ("ii", "jj") for f in ("kk", "ll"))
    assert required_literals(r"\b" + "".join(f"({p})" for p in pairs) + "x") == tuple(expected)  # 64 at most
    assert required_literals(r"(?:ab|)c") == ("c",)  # matches start with "abc" or "c": both contain "c"
    assert required_literals(r"(?:ab|)") is None  # the empty match: no literal to look for


def test_a_loaded_rule_set_compiles_its_patterns_on_first_use_and_votes_the_same(seed_sentences: list[dict]) -> None:
    import pickle

    loaded = pickle.loads(pickle.dumps(RULES))
    patterns = [p for r in loaded.rules for p in (r.pattern, r.previous) if p is not None]
    assert patterns and not any("regex" in vars(p) for p in patterns)  # nothing compiled on load
    previous = ""
    for row in seed_sentences:
        assert loaded.boilerplate_votes(row["text"], previous) == RULES.boilerplate_votes(row["text"], previous)
        assert loaded.stance(row["text"]) == RULES.stance(row["text"])
        previous = row["text"]
    assert any("regex" in vars(p) for p in patterns)


def test_an_invalid_rule_is_refused_when_the_rules_are_read() -> None:
    with pytest.raises(ValueError, match=r"rule 'broken': invalid regular expression"):
        RuleSet({"boilerplate": [{"name": "broken", "search": "(publicité"}]})


@pytest.mark.parametrize("text, fires", [
    ("— Elon Musk (@elonmusk) 19 avril 2023", True),
    ("— Camille Besson (@camille_besson_tech) 18 mai 2023", True),
    ("— Elon Musk (@elonmusk) April 19, 2023", True),
    ("— Elon Musk (@elonmusk) a répondu dans la soirée que le procès aurait lieu.", False),  # prose, not a credit
    ("Suivez-nous sur X (@lequotidien)", False),
])
def test_the_embedded_post_attribution_line_is_article_text(text: str, fires: bool) -> None:
    assert RULES.article_text(text) is fires
    assert RULES.boilerplate(text) is None or not fires  # never both on these lines


@pytest.mark.parametrize("text, fires", [
    ("4,5 / 5 - (12 votes)", True),
    ("Votre avis sur ce produit : ☆☆☆☆☆ (0 vote)", True),
    ("Note des lecteurs ★★★★☆", True),
    ("Noter cet article (38 avis)", True),
    ("Les internautes ont voté en masse pour Musk (12 votes de plus qu'hier).", False),
])
def test_rating_widgets_are_furniture(text: str, fires: bool) -> None:
    votes = dict(zip((r.name for r in RULES.boilerplate_rules), RULES.boilerplate_votes(text)))
    assert votes["rating_widget"] is fires


@pytest.mark.parametrize("text, rule, fires", [
    ("Publicité — Salon du nautisme, entrée gratuite", "advertising_label", True),
    ("CONTENU SPONSORISÉ | Investissez dès 1 €", "advertising_label", True),
    ("Annonce | La suite de cet article après la publicité", "advertising_label", True),
    ("La publicité en ligne représente l'essentiel des revenus de Twitter.", "advertising_label", False),
    ("Ouvrir dans l'appli Poche Actu — c'est plus rapide", "app_or_embed_prompt", True),
    ("Télécharger l'application", "app_or_embed_prompt", True),
    ("Voir la publication sur Twitter · 312 J'aime", "app_or_embed_prompt", True),
    ("Microsoft invite ses clients à installer l'application Bing sur leur téléphone.", "app_or_embed_prompt", False),
    ("Téléchargez l'application Le Flash pour recevoir nos alertes en temps réel.", "app_or_embed_prompt", True),
    ("Installez notre appli et recevez les alertes info", "app_or_embed_prompt", True),
    ("Téléchargez la nouvelle application Ouest-France", "app_or_embed_prompt", True),
    # review: consent in the story ("sans leur consentement") is no cookie prompt
    ("Gérer mon consentement", "newsletter_cookie_share", True),
    ("La lettre accuse Microsoft d'avoir partagé des données avec des agences sans leur consentement.",
     "newsletter_cookie_share", False),
    # review: an infinitive followed by a verb is a sentence about the app, not a prompt
    ("Télécharger l'application Bing permet désormais de discuter avec le chatbot de Microsoft.",
     "app_or_embed_prompt", False),
    ("Téléchargez l'application : Twitter l'a retirée de l'App Store, selon Musk, qui accuse Apple de censure "
     "et menace de lancer son propre téléphone.", "app_or_embed_prompt", False),
    ("À lire également : Musk relance la guerre des prix", "previous_next_teaser", True),
    ("À lire ces lignes, on comprend que Microsoft a dépassé les limites.", "previous_next_teaser", False),
    ("La suite de cet article est réservée à nos abonnés.", "paywall", True),
    ("Pour lire la suite, connectez-vous.", "paywall", True),
    ("Twitter réserve son API complète aux clients qui paient jusqu'à 42 000 dollars par mois.", "paywall", False),
    ("La coche bleue est désormais réservée aux abonnés de Twitter Blue.", "paywall", False),
    ("Article réservé aux abonnés.", "paywall", True),
    ("5 réactions", "comment_area", True),
    ("Les réactions politiques se multiplient après la lettre.", "comment_area", False),
])
def test_new_furniture_rules_keep_to_furniture(text: str, rule: str, fires: bool) -> None:
    votes = dict(zip((r.name for r in RULES.boilerplate_rules), RULES.boilerplate_votes(text)))
    assert votes[rule] is fires


@pytest.mark.parametrize("previous, text, fires", [
    ("« On ne paie pas pour des données qu'on utilisait gratuitement »", "Paul Lemaire, consultant chez Datavia", True),
    ("« Le dossier est mince »", "Inès Caron", True),
    # not below a quotation set apart, or not a name line
    ("Le groupe a répondu sobrement.", "Paul Lemaire, consultant chez Datavia", False),
    ("« Le dossier est mince »", "Partager sur Facebook", False),
    ("« Le dossier est mince »", "Par Inès Caron, le 19 mai 2023.", False),
    # a quotation that ends the article, then its credits and share bar
    ("« Le dossier est mince »", "Sophie Martin, AFP", False),
    ("« Le dossier est mince »", "Partager Facebook Twitter LinkedIn", False),
    ("« Le dossier est mince »", "Jean Dupont, journaliste au service économie", False),
    ("« Le dossier est mince »", "Elon Musk, le 12 avril 2023 à Paris", False),
])
def test_the_name_line_below_a_pull_quote_is_article_text(previous: str, text: str, fires: bool) -> None:
    assert RULES.article_text(text, previous) is fires


def test_precision_of_article_text_rules_counts_article_lines_as_correct() -> None:
    texts = ["— Elon Musk (@elonmusk) 19 avril 2023", "— Satya Nadella (@satyanadella) 20 avril 2023", "Publicité"]
    gold = [False, True, True]  # the second line mislabelled as boilerplate, to see it counted as wrong
    out = RULES.precision_on(texts, [""] * 3, gold, "article_text")
    assert out["embedded_post_attribution"] == {"fires": 2, "correct": 1, "precision": 0.5}


@pytest.mark.parametrize("previous, text, rule, fires", [
    ("Photo :", "Le siège de Microsoft à Redmond.", "caption_after_photo_label", True),
    ("Photo : Marc Jouvet / Silicium Hebdo", "Le siège de Microsoft à Redmond.", "caption_after_photo_credit", True),
    ("© Pierre Santini / La Boussole", "Le siège de Microsoft à Redmond.", "caption_after_photo_credit", True),
    # a long line below the credit is the article resuming under the picture
    ("Crédit photo : Numériscope / montage",
     "On attendait la suite depuis le tweet d'Elon Musk en avril : elle est arrivée jeudi sous la forme d'un "
     "courrier juridique de plusieurs pages.", "caption_after_photo_credit", False),
    # a sentence that merely mentions a photo is not a photo label
    ("La photo de Musk a fait le tour du réseau social.", "Le siège de Microsoft à Redmond.",
     "caption_after_photo_credit", False),
])
def test_the_line_after_a_photo_label_or_credit_is_its_caption(previous: str, text: str, rule: str,
                                                                 fires: bool) -> None:
    votes = dict(zip((r.name for r in RULES.boilerplate_rules), RULES.boilerplate_votes(text, previous)))
    assert votes[rule] is fires


@pytest.mark.parametrize("text, fires", [
    ("Bon plan : la Surface Laptop 5 passe à 899 €", True),
    ("Voir l'offre", True),
    ("♥ 214 · 37 réponses · Lire la suite sur Twitter", True),
    ("▶ VIDÉO | Notre test de la manette en 4 minutes", True),
    ("[À lire aussi] API de Twitter : la fin de l'accès gratuit", True),
    ("Microsoft a jugé que l'offre de Twitter était trop chère.", False),
    ("La suite de l'affaire se jouera sur Twitter.", False),
    ("Réactions (48)", True),
    ("Rejoignez notre chaîne WhatsApp pour ne rien manquer", True),
    ("Ils rejoignent notre analyse : l'API est devenue trop chère.", False),
    ("Les commentaires (nombreux) ont afflué.", False),
    ("Read more: Why developers are leaving the Twitter API", True),
    ("Topics: Elon Musk, Microsoft, Data", True),
    ("Read more about the letter in our newsletter.", False),
    # offers addressed to the reader, finance disclaimers, aggregators' ownership notices
    ("Chaque vendredi, recevez notre sélection des meilleurs articles : il suffit de laisser votre adresse.", True),
    ("Ouvrez votre compte en cinq minutes et profitez de 20 € offerts.", True),
    ("Sign up for our daily briefing.", True),
    ("Les informations de ce site ne constituent pas un conseil en investissement.", True),
    ("This article does not constitute investment advice.", True),
    ("Les articles restent la propriété de leurs éditeurs respectifs.", True),
    ("Toutes les informations de cette rubrique sont protégées par des droits de propriété intellectuelle.", True),
    ("Microsoft recevra la liste des questions d'ici au 7 juin.", False),
    ("Twitter dit avoir reçu des milliers de demandes de développeurs.", False),
    ("Les données restent la propriété de Twitter, selon la lettre.", False),
    ("Microsoft ne constitue pas un client comme les autres pour Twitter.", False),
    ("https://www.example.org/tech/twitter-microsoft-api-2023-05-19.html", True),
    ("Vous avez entré une adresse e-mail incorrecte !", True),
    ("La lettre a été publiée sur https://example.org le 19 mai.", False),
    ("Nous vous invitons à commenter dans le respect.", True),
    ("Les commentaires sont publiés après modération.", True),
    ("Hélène Marchetti est journaliste au service Économie depuis 2016.", True),
    ("Microsoft a publié ses commentaires sur la lettre.", False),
    ("Alex Spiro est avocat au barreau de New York.", False),
    # review: reporting about journalists and about moderation is no bio and no comment policy
    ("Casey Newton est journaliste spécialisé dans la tech et a été le premier à révéler l'affaire.", False),
    ("Depuis le rachat, les commentaires sont modérés par des algorithmes.", False),
    ("Microsoft a répondu qu'il examinerait ces questions. Avec AFP", False),  # the rule is for the credit alone
    ("Avec AFP", True),
    # a name, a middle dot, then more: bylines, an aggregator's source lines, share bars; not prose
    ("Par Inès Cartier · 18 mai 2023 · 4 commentaires", True),
    ("Le Phare · Twitter soupçonne Microsoft d'avoir pillé ses données · il y a 7 h", True),
    # review: one dot and no date is left to the model (a pull-quote name line, a kicker glued to the headline,
    # or an aggregator's "Source · headline")
    ("Le Phare · Twitter soupçonne Microsoft d'avoir pillé ses données", False),
    ("Alex Spiro · avocat d'Elon Musk et de Twitter", False),
    ("Intelligence artificielle · Elon Musk accuse Microsoft d'entraîner illégalement son IA", False),
    ("Partager · Facebook · LinkedIn · Copier le lien", True),
    ("Microsoft · Twitter", False),
    ("Le groupe cite Bing, Azure et la Xbox · une liste que Twitter conteste point par point dans sa lettre.", False),
    # a menu whose separators were lost, in French or English
    ("Accueil Actus Monde Politique Économie Sports Culture", True),
    ("News World Business Tech Politics Opinion Podcasts", True),
    # title-case words that are not section names: a headline, a list of products or people
    ("Microsoft Opens Bing Chat To Everyone Today", False),
    ("Musk's Twitter Takes On Microsoft In A Business Fight That Could Reshape The Tech World", False),
    ("Xbox Series X Surface Laptop Azure Bing", False),
    # section names in a sentence with lower-case words
    ("Le Monde et Les Echos parlent de Sport, Culture et Économie", False),
])
def test_floor_rules_are_furniture_but_neither_votes_nor_features(text: str, fires: bool) -> None:
    assert RULES.floor(text) is fires
    # a floor rule is not a boilerplate rule: it adds no vote (and so no model feature, no label)
    assert {r.name for r in RULES.floor_rules}.isdisjoint(r.name for r in RULES.boilerplate_rules)
