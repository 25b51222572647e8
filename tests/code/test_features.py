"""Feature extraction: the cached vectoriser gives exactly scikit-learn's matrices."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from pipeline.core.features import CachedTfidfVectorizer, CharNgramAnalyzer, CueFeatures, FrenchAnalyzer, strip_accents

TRAIN = [
    "Microsoft a refusé de payer l'accès à l'API de Twitter.",
    "Selon l'avocat d'Elon Musk, la société aurait violé l'accord.",
    "Un porte-parole de Microsoft a déclaré : « Nous examinerons la lettre. »",
    "Publié le 20/04/2023 à 10h32 — Mis à jour à 11:05",
    "Twitter réclame un audit ; Microsoft prend acte.",
    "Ça, c'est   un test\tavec  des espaces\u00a0insécables et ŒUVRES.",
]

# Letters, accents, punctuation, apostrophes, hyphens, assorted whitespace, and the training texts' words
# (so that word pairs of the vocabulary come up).
_PIECES = st.sampled_from(list("abcdeéèàçôœÉÀŒ'-«»?!.,:; \t\n\u00a0\u202fXYZ0123456789")
                         + [f"{w} " for w in " ".join(TRAIN).split()])
_TEXT = st.lists(_PIECES, max_size=40).map("".join)
_TEXTS = st.lists(_TEXT, min_size=1, max_size=8)


def _pair(analyzer: object) -> tuple[TfidfVectorizer, CachedTfidfVectorizer]:
    slow = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True).fit(TRAIN)
    fast = CachedTfidfVectorizer(analyzer=analyzer, sublinear_tf=True).fit(TRAIN)
    return slow, fast


def _assert_same(a: object, b: object) -> None:
    a, b = a.tocsr(), b.tocsr()
    assert a.shape == b.shape
    assert abs(a - b).max() < 1e-12 if a.nnz or b.nnz else True
    assert np.array_equal(a.toarray() != 0, b.toarray() != 0)


@pytest.mark.parametrize(
    "analyzer",
    [FrenchAnalyzer((1, 2), stem=True), FrenchAnalyzer((1, 2), stem=False), FrenchAnalyzer((2, 3), stem=False),
     CharNgramAnalyzer((3, 4)), CharNgramAnalyzer((2, 5)), CharNgramAnalyzer((4, 6))],
    ids=["words-stem", "words", "bigrams-trigrams", "chars-3-4", "chars-2-5", "chars-4-6"],
)
@settings(max_examples=60, deadline=None)
@given(texts=_TEXTS)
def test_cached_transform_equals_sklearn(analyzer: object, texts: list[str]) -> None:
    slow, fast = _pair(analyzer)
    _assert_same(slow.transform(texts), fast.transform(texts))
    _assert_same(slow.transform(texts), fast.transform(texts))  # second call: from the token cache


def test_cached_transform_on_training_texts_is_not_empty() -> None:
    slow, fast = _pair(FrenchAnalyzer((1, 2), stem=True))
    X = fast.transform(TRAIN)
    assert X.nnz > 0
    _assert_same(slow.transform(TRAIN), X)


@settings(max_examples=200, deadline=None)
@given(text=_TEXT)
def test_char_analyzer_matches_sklearn_char_wb(text: str) -> None:
    for ngram_range in ((2, 5), (4, 6)):
        reference = TfidfVectorizer(analyzer="char_wb", ngram_range=ngram_range, preprocessor=strip_accents).build_analyzer()
        assert sorted(CharNgramAnalyzer(ngram_range)(text)) == sorted(reference(text))


def test_french_analyzer_splits_elisions_and_strips_accents() -> None:
    assert FrenchAnalyzer((1, 1), stem=False)("L'Élysée s'inquiète") == ["l", "elysee", "s", "inquiete"]
    assert "l avocat" in FrenchAnalyzer((1, 2), stem=False)("l'avocat d'Elon")


def test_token_cache_is_not_pickled() -> None:
    import pickle

    _, fast = _pair(CharNgramAnalyzer((3, 4)))
    fast.transform(TRAIN)
    assert fast.__dict__.get("_token_cache")
    assert "_token_cache" not in pickle.loads(pickle.dumps(fast)).__dict__


def test_saved_vectoriser_keeps_its_vocabulary_and_output() -> None:
    import joblib
    import io

    _, fast = _pair(FrenchAnalyzer((1, 2), stem=True))
    buffer = io.BytesIO()
    joblib.dump(fast, buffer)
    buffer.seek(0)
    loaded = joblib.load(buffer)
    assert loaded.vocabulary_ == fast.vocabulary_
    _assert_same(fast.transform(TRAIN), loaded.transform(TRAIN))


def _plain_cue_counts(cues: CueFeatures, text: str) -> list[float]:
    """The cue counts without the lexicon index: each group's whole alternation, run on every text."""
    import math
    import re

    return [math.log1p(len(re.findall("|".join(f"(?:{p})" for p in cues.cues[g]), text.lower())))
            for g in cues.groups_]


def test_cue_counts_with_prefilter_equal_plain_regex_counts(seed_sentences: list[dict]) -> None:
    from pipeline.core.bundle import load_yaml

    cues = CueFeatures(load_yaml("configs/cues.yaml"), quote_context=False).fit([])
    assert any(found is not None for found in cues.index_.literals)  # the prefilter is in use
    texts = [row["text"] for row in seed_sentences] + ["Pas de commentaire ?", "N'a pas répondu", "", "IA et OpenAI"]
    for text in texts:
        assert cues._counts(text) == _plain_cue_counts(cues, text), text


_CUE_PIECES = st.sampled_from([
    "Microsoft a répondu", "porte-parole de Microsoft", "selon Twitter", "Musk a accusé", "la lettre indique",
    "OpenAI", "ChatGPT", "critique", "n'a pas", "n'a pas encore répondu", "demandes de commentaire", "sans commentaire",
    "nous", "notre", "pas", "ne", "jamais", "?", "«", "»", "toutefois", "mention", "emoji", " ", ". ", "x", "IA", "ia",
])


@settings(max_examples=300, deadline=None)
@given(text=st.lists(_CUE_PIECES, max_size=15).map("".join))
def test_cue_prefilter_never_changes_a_count(text: str) -> None:
    from pipeline.core.bundle import load_yaml

    cues = CueFeatures(load_yaml("configs/cues.yaml"), quote_context=False).fit([])
    assert cues._counts(text) == _plain_cue_counts(cues, text)


def test_token_cache_stays_bounded_and_results_stay_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.core.features as features

    monkeypatch.setattr(features, "TOKEN_CACHE_MAX", 10)
    slow, fast = _pair(FrenchAnalyzer((1, 2), stem=False))
    texts = [f"mot{i} autre{i} Microsoft a refusé de payer" for i in range(40)]
    _assert_same(slow.transform(texts), fast.transform(texts))
    assert len(fast.__dict__["_token_cache"]) <= 10


def test_the_headline_is_found_after_the_top_furniture() -> None:
    from pipeline.core.features import context_records, find_headline

    page = ["Accueil | Tech | Jeux", "Le Vigilant / Économie / Numérique",
            "Colmar : la fête du vin ouvre ses portes", "Par Marion Lecerf", "Le 19 mai 2023 à 9 h 58",
            "La manifestation s'installe pour trois jours au parc des expositions, avec des concerts chaque soir.",
            "Les organisateurs attendent environ vingt mille visiteurs, un chiffre comparable à l'an dernier.",
            "Lire aussi : un autre titre sans point final"]
    lines = list(range(len(page)))
    assert find_headline(page, lines) == 2
    records = context_records(page, lines, len(page))
    assert [r["is_headline"] for r in records] == [i == 2 for i in range(len(page))]
    assert all(r["headline"] == page[2] for r in records)


def test_a_cookie_prompt_above_the_headline_does_not_end_the_top_of_the_page() -> None:
    from pipeline.core.features import find_headline

    page = ["Accueil › Économie", "Nous utilisons des cookies pour mesurer l'audience et personnaliser les contenus.",
            "Accepter / Paramétrer", "Colmar : la fête du vin ouvre ses portes", "Par Marion Lecerf",
            "La manifestation s'installe pour trois jours au parc des expositions, avec des concerts chaque soir.",
            "Les organisateurs attendent environ vingt mille visiteurs, un chiffre comparable à l'an dernier."]
    assert find_headline(page, list(range(len(page)))) == 3


def test_consent_in_a_standfirst_still_ends_the_top_of_the_page() -> None:
    # review: "sans son consentement" in a standfirst is reporting, not a cookie prompt
    from pipeline.core.features import find_headline

    page = ["Accueil › Tech", "Musk accuse Microsoft d'avoir entraîné son IA avec les tweets",
            "Le milliardaire reproche au groupe d'avoir exploité les données du réseau social sans son consentement.",
            "Photo d'illustration sans point final",
            "La manifestation s'installe pour trois jours au parc des expositions, avec des concerts chaque soir.",
            "Les organisateurs attendent environ vingt mille visiteurs, un chiffre comparable à l'an dernier."]
    assert find_headline(page, list(range(len(page)))) == 1


def test_a_taxonomy_line_under_the_headline_is_not_the_headline() -> None:
    from pipeline.core.features import find_headline

    page = ["Le Carnet de Louise", "Colmar : la fête du vin ouvre ses portes", "Publié le 20 mai 2023",
            "Catégories : Vie locale, Culture",
            "La manifestation s'installe pour trois jours au parc des expositions, avec des concerts chaque soir.",
            "Les organisateurs attendent environ vingt mille visiteurs, un chiffre comparable à l'an dernier."]
    assert find_headline(page, list(range(len(page)))) == 1
    page[3] = "Tags : fête du vin, Colmar, Alsace"
    assert find_headline(page, list(range(len(page)))) == 1


def test_a_listing_page_without_a_body_has_no_headline() -> None:
    from pipeline.core.features import context_records, longest_prose_run

    # A tag page: teaser headlines, each with one line of summary; no two prose lines in a row.
    page = ["Accueil | Tech | Jeux", "Sujet : Elon Musk",
            "Elon Musk s'en prend à Microsoft sur les données",
            "Le patron de Twitter reproche au groupe de Redmond un usage de l'API au-delà de son contrat.",
            "Une nouvelle console portable annoncée pour la rentrée",
            "Le constructeur promet une autonomie de dix heures et un écran plus lumineux que l'an dernier.",
            "Page 1 sur 4 | Suivante"]
    lines = list(range(len(page)))
    assert longest_prose_run(page, lines) == 1
    records = context_records(page, lines, len(page))
    assert not any(r["is_headline"] for r in records)
    assert all(r["headline"] == "" for r in records)
    # The same teasers followed by a body of two paragraphs: a page with an article, and a headline.
    body = page[:3] + ["Le milliardaire accuse Microsoft d'avoir exploité l'API du réseau social plus que prévu.",
                       "Microsoft a répondu qu'il examinerait ces questions et y répondrait de manière appropriée."]
    assert longest_prose_run(body, list(range(len(body)))) == 2
    assert [r["is_headline"] for r in context_records(body, list(range(len(body))), len(body))].count(True) == 1


def test_lines_after_a_teaser_heading_are_in_its_block_until_a_body_resumes() -> None:
    from pipeline.core.features import TEASER_BLOCK_LINES, context_records

    body = "Le milliardaire accuse Microsoft d'avoir exploité l'API du réseau social plus que prévu par le contrat."
    page = [body, body.replace("milliardaire", "patron de Tesla"), "Sur le même sujet",
            "Twitter réclame un audit à Microsoft", "Le réseau social veut savoir ce que Redmond a fait de ses données.",
            "Musk et OpenAI, une longue histoire", body.replace("Microsoft", "Redmond"), body, "Dernière ligne"]
    lines = list(range(len(page)))
    flags = [r["after_teaser_heading"] for r in context_records(page, lines, len(page))]
    # the heading itself is furniture for the rules; the teasers after it are in the block; two prose lines
    # in a row (a body again) close it
    assert flags == [0, 0, 0, 1, 1, 1, 1, 0, 0]
    long_block = ["À lire aussi"] + [f"Titre numéro {i} sans point" for i in range(TEASER_BLOCK_LINES + 2)]
    flags = [r["after_teaser_heading"] for r in context_records(long_block, list(range(len(long_block))),
                                                                len(long_block))]
    assert flags == [0] + [1] * TEASER_BLOCK_LINES + [0, 0]
    # a prose line that happens to start like a heading opens nothing
    prose = ["En ce moment, les développeurs quittent l'API de Twitter les uns après les autres, faute de moyens.",
             "Un titre sans point final"]
    assert [r["after_teaser_heading"] for r in context_records(prose, [0, 1], 2)] == [0, 0]


def test_the_comment_area_starts_at_a_comment_heading_below_the_body() -> None:
    from pipeline.core.features import context_records

    body = "Le milliardaire accuse Microsoft d'avoir exploité l'API du réseau social plus que prévu par le contrat."
    comment = "Encore une histoire de gros sous entre milliardaires, pendant ce temps le plein coûte toujours plus cher."
    # "12 commentaires" by the byline, above the article: no comment area there.
    page = ["Twitter contre Microsoft", "Par Léa Martin", "12 commentaires", body, body, "Partager",
            "12 commentaires", "Papy38 — " + comment, "Mélusine — " + comment, "Mentions légales"]
    flags = [r["in_comment_area"] for r in context_records(page, list(range(len(page))), len(page))]
    assert flags == [0, 0, 0, 0, 0, 0, 0, 1, 1, 1]


@pytest.mark.parametrize("heading, opens", [
    ("12 commentaires", True), ("Commentaires (12)", True), ("Réactions (2)", True), ("Vos réactions", True),
    ("Laisser un commentaire", True),
    ("Les réactions", False), ("Réactions", False),  # article intertitles too ("Les réactions politiques")
])
def test_which_headings_open_the_comment_area(heading: str, opens: bool) -> None:
    from pipeline.core.features import context_records

    body = "Le milliardaire accuse Microsoft d'avoir exploité l'API du réseau social plus que prévu par le contrat."
    page = ["Twitter contre Microsoft", body, body, heading, body, "Fin"]
    flags = [r["in_comment_area"] for r in context_records(page, list(range(len(page))), len(page))]
    assert flags[4:] == ([1.0, 1.0] if opens else [0.0, 0.0])


def test_dated_teaser_items_in_a_row_make_a_block_but_an_article_under_its_date_does_not() -> None:
    from pipeline.core.features import context_records

    body = "Le milliardaire accuse Microsoft d'avoir exploité l'API du réseau social plus que prévu par le contrat."
    summary = "Le groupe de Redmond promet d'étudier les questions posées par l'avocat."
    page = ["Twitter contre Microsoft : la lettre de l'avocat", "Par Léa Martin · 19 mai 2023", body, body, body,
            "Microsoft répond à Twitter", summary, "il y a 3 h",
            "Musk menace Microsoft d'un procès", "20 avril 2023",
            "Mentions légales : tous droits réservés à la rédaction, reproduction interdite sans accord."]
    flags = [r["in_dated_items"] for r in context_records(page, list(range(len(page))), len(page))]
    # two items (headline + summary, headline) with their date lines; the article and its date line are not
    assert flags == [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0]
    # one dated item is no block; an embedded post's attribution line is no date line; a live blog's bare
    # times are no date lines either
    for lines in (["Microsoft répond à Twitter", summary, "il y a 3 h", body, body],
                  ["Microsoft répond à Twitter", "— Léa Martin (@lmartin) 19 mai 2023", "Musk menace Microsoft",
                   "— Léa Martin (@lmartin) 20 mai 2023", body],
                  ["14h05", "Microsoft répond à Twitter", "13h40", "Musk menace Microsoft", body]):
        flags = [r["in_dated_items"] for r in context_records(lines, list(range(len(lines))), len(lines))]
        assert flags == [0] * len(lines)


def test_an_article_with_dated_sentences_and_intertitles_is_no_block_of_teaser_items() -> None:
    from pipeline.core.features import context_records

    # sentences that hold a date are no date lines; the headline and the standfirst are never items
    page = ["Twitter accuse Microsoft d'utilisation abusive de ses données",
            "Le réseau social réclame des comptes au groupe de Redmond sur l'usage de son interface.",
            "Publié le 19 mai 2023 à 10h05", "Lecture 3 min", "Mis à jour le 19 mai 2023 à 12h30",
            "Le milliardaire accuse Microsoft d'avoir exploité l'API du réseau social plus que prévu par le contrat.",
            "Il menace depuis avril de porter l'affaire devant les tribunaux si rien ne change d'ici là.",
            "Une lettre pour commencer", "La lettre d'Alex Spiro est datée du 28 avril 2023.",
            "Réaction mesurée de Microsoft", "Microsoft a répondu le 2 mai 2023.",
            "La suite se jouera avant le 7 juin, date butoir fixée par le réseau social."]
    assert [r["in_dated_items"] for r in context_records(page, list(range(len(page))), len(page))] == [0] * len(page)
    # without a body the page has no headline of its own, but a reading time is still no teaser headline
    page = [page[0], page[1], page[2], page[3], page[4]]
    assert [r["in_dated_items"] for r in context_records(page, list(range(len(page))), len(page))] == [0] * len(page)


def test_a_long_line_without_final_punctuation_after_a_paragraph_is_the_body_cut_off() -> None:
    from pipeline.core.features import context_records

    body = "Le milliardaire accuse Microsoft d'avoir exploité l'API du réseau social plus que prévu par le contrat."
    cut = "Reste à savoir si le réseau social ira jusqu'au procès, ce que personne à Redmond ne semble croi"
    page = ["Twitter contre Microsoft", body, body, cut,
            # not a cut paragraph: a box whose last words are a button, a labelled teaser, a menu, a headline
            body, "Newsletter : recevez chaque matin l'essentiel de la tech dans votre boîte mail. Je m'inscris",
            body, "Vidéo — Elon Musk et l'intelligence artificielle, ses déclarations les plus marquantes en images",
            body, "Accueil | Monde | Économie | Tech | Culture | Sport | Vidéos | Podcasts | Newsletters | Jeux",
            body, "Musk contre Microsoft : la lettre de l'avocat",
            # a site's prompt, and a teaser of another story (no topic word of the page)
            body, "Recevez gratuitement chaque matin les dernières nouvelles du réseau social dans votre boîte mail",
            body, "Un avion perd son train d'atterrissage au décollage de l'aéroport de Montréal sans faire de blessé",
            body]
    flags = [r["cut_off_body"] for r in context_records(page, list(range(len(page))), len(page))]
    assert flags[3] == 1.0
    assert sum(flags) == 1.0


def test_the_last_line_of_a_page_cut_off_after_article_text_is_the_body() -> None:
    from pipeline.core.features import context_records

    body = "Le milliardaire accuse Microsoft d'avoir exploité l'API du réseau social plus que prévu par le contrat."
    # shares topic words with the page (Microsoft, réseau social)
    cut = "Microsoft a promis d'étudier ces questions du réseau social et d'y répondre en temps voulu, sans plus de précisi"
    # shares none
    aside = "Je prends le pari que cette histoire finira comme les autres, beaucoup de bruit puis plus rien du tou"

    def last_flag(page: list[str]) -> float:
        return context_records(page, list(range(len(page))), len(page))[-1]["cut_off_body"]

    # right after a paragraph: where the scraper stopped, no topic word needed
    assert last_flag([body, body, aside]) == 1.0
    # after a short sentence, or across an ad label, a newsletter box or a live blog's time
    assert last_flag([body, body, "Twitter n'a pas répondu.", cut]) == 1.0
    assert last_flag([body, body, "Publicité", cut]) == 1.0
    assert last_flag([body, body, "Abonnez-vous à notre lettre du matin", "S'inscrire", cut]) == 1.0
    assert last_flag([body, body, "08:55", cut]) == 1.0
    assert last_flag([body, body, "Publicité", aside]) == 1.0
    # not after a teaser's title, a teaser heading, a label that introduces what follows (review: a teaser,
    # a caption, an author bio, a newsletter box), nor too far below the body
    for gap in (["Twitter : une nouvelle patronne nommée à la tête du réseau social américain"], ["Sur le même sujet"],
                ["Article suivant"], ["Recommandé pour vous"], ["© Reuters"], ["Julien Lausson"], ["Newsletter"],
                ["Publicité", "Partager", "Copier le lien"]):
        assert last_flag([body, body, *gap, cut]) == 0.0, gap
    # nor a box's call to the reader
    assert last_flag([body, body, "Télécharger l'application du journal sur l'App Store et Google Play dès maintenant"]) == 0.0


def test_the_comment_area_ends_after_its_last_line() -> None:
    from pipeline.core.features import COMMENT_AREA_LINES, context_records

    body = "Le milliardaire accuse Microsoft d'avoir exploité l'API du réseau social plus que prévu par le contrat."
    page = [body, body, "3 commentaires"] + [f"Lecteur {i} — {body}" for i in range(COMMENT_AREA_LINES + 2)]
    flags = [r["in_comment_area"] for r in context_records(page, list(range(len(page))), len(page))]
    assert flags == [0, 0, 0] + [1] * COMMENT_AREA_LINES + [0, 0]


def test_a_body_is_a_run_of_paragraphs_across_ad_labels_or_one_long_paragraph() -> None:
    from pipeline.core.features import longest_prose_run

    p = "Le milliardaire accuse Microsoft d'avoir exploité l'API du réseau social plus que prévu par le contrat."
    # an ad label between two paragraphs neither breaks nor extends the run
    assert longest_prose_run(["Titre de l'article", p, "Publicité", p], [0, 1, 2, 3]) == 2
    # a teaser headline of five words or more between two summaries breaks it
    assert longest_prose_run([p, "Un autre titre sans point final", p], [0, 1, 2]) == 1
    # a brief: one paragraph of three sentences
    assert longest_prose_run(["Titre de la brève", p, p, p], [0, 1, 1, 1]) == 2


def test_without_a_headline_like_line_before_the_prose_the_first_sentence_is_the_headline() -> None:
    from pipeline.core.features import find_headline

    prose = "Microsoft a indiqué qu'il examinerait les questions posées par le cabinet d'avocats de Twitter."
    assert find_headline([prose, "Une deuxième phrase."], [0, 1]) == 0
    assert find_headline(["Menu", "Rechercher", prose], [0, 1, 2]) == 0  # too short to be headlines
    assert find_headline([], []) == 0


def test_the_items_of_a_list_a_body_sentence_introduces_are_marked() -> None:
    from pipeline.core.features import context_records

    body = "Le milliardaire accuse Microsoft d'avoir exploité l'API du réseau social plus que prévu par le contrat."
    page = ["Twitter contre Microsoft", body, "La lettre énumère les services mis en cause :", "Bing", "Azure",
            "Xbox One", body, "Sur le même sujet :", "Musk menace Microsoft d'un procès", "Partager"]
    flags = [r["in_list"] for r in context_records(page, list(range(len(page))), len(page))]
    # The items and the sentence that introduces them (article text too), not what follows a teaser heading
    # ending with ":".
    assert flags == [0, 0, 1, 1, 1, 1, 0, 0, 0, 0]


def test_a_colon_line_outside_a_body_opens_no_list() -> None:
    from pipeline.core.features import context_records

    page = ["Rubriques", "Retrouvez tous nos articles sur le sujet :", "Musk menace Microsoft", "Bing change de nom"]
    assert [r["in_list"] for r in context_records(page, list(range(len(page))), len(page))] == [0, 0, 0, 0]


def test_a_list_ends_at_a_sentence_or_a_long_line() -> None:
    from pipeline.core.features import LIST_ITEMS, context_records

    body = "Le milliardaire accuse Microsoft d'avoir exploité l'API du réseau social plus que prévu par le contrat."
    page = [body, "Les services concernés sont les suivants :", "Bing", "Le moteur de recherche est le plus cité.",
            "Azure"]
    assert [r["in_list"] for r in context_records(page, list(range(len(page))), len(page))] == [0, 1, 1, 0, 0]
    many = [body, "Les services concernés sont les suivants :"] + [f"Service {i}" for i in range(LIST_ITEMS + 2)]
    flags = [r["in_list"] for r in context_records(many, list(range(len(many))), len(many))]
    assert flags == [0, 1] + [1] * LIST_ITEMS + [0, 0]


def test_the_standfirst_below_the_headline_opens_the_article() -> None:
    from pipeline.core.features import context_records

    body = "Le milliardaire accuse Microsoft d'avoir exploité l'API du réseau social plus que prévu par le contrat."
    page = ["Accueil | Tech | Économie", "Twitter contre Microsoft : la lettre de l'avocat",
            "L'avocat d'Elon Musk réclame des comptes au groupe de Redmond sur son usage des données.",
            "Par Léa Martin", body, body]
    flags = [r["opens_article"] for r in context_records(page, list(range(len(page))), len(page))]
    assert flags == [0, 0, 1, 0, 0, 0]


@pytest.mark.parametrize("below", [
    "Par Léa Martin, le 19 mai 2023",  # a byline: too short
    "Nous utilisons des cookies pour mesurer l'audience Accepter | Paramétrer",  # no sentence ending
])
def test_a_short_or_unfinished_line_below_the_headline_is_no_standfirst(below: str) -> None:
    from pipeline.core.features import context_records

    body = "Le milliardaire accuse Microsoft d'avoir exploité l'API du réseau social plus que prévu par le contrat."
    page = ["Twitter contre Microsoft : la lettre de l'avocat", below, body, body]
    assert [r["opens_article"] for r in context_records(page, list(range(len(page))), len(page))] == [0, 0, 0, 0]


def test_a_short_label_ending_with_a_colon_inside_the_body_opens_a_list() -> None:
    from pipeline.core.features import context_records

    body = "Le casque tient ses promesses sur la durée, avec une autonomie confortable et un son équilibré."
    page = ["Test du casque Aria", body, body, "Les plus :", "un confort remarquable", "une autonomie solide",
            "Les moins :", "pas de détection du port", body,
            # a tag label and a prompt to the reader are no lists of the article
            "Mots-clés :", "Audio", "Casques", body, "Retrouvez nos tests :", "Casques sans fil", body,
            # a list stops at a teaser heading
            "Les modèles comparés :", "Aria 700", "À lire aussi", "Musk accuse Microsoft d'avoir pillé les données de Twitter"]
    flags = [r["in_list"] for r in context_records(page, list(range(len(page))), len(page))]
    # the labels that introduce items are article text too; "Les moins :" follows the first list's items
    assert flags[3:8] == [1, 1, 1, 1, 1]
    assert flags[9:12] == [0, 0, 0] and flags[13:15] == [0, 0]
    assert flags[16:20] == [1, 1, 0, 0]
