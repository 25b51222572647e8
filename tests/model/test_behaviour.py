"""Behavioural tests of the trained models (Made-With-ML style), on hand-written sentences not in the seeds.

The model is trained in-process on the seed gold labels (conftest). These
check what a user relies on: minimum functionality, invariance to surface
changes, and the direction of clear cases.
"""

from __future__ import annotations

import pytest

from pipeline import predict


def stances(text: str, model_path: str) -> list[str | None]:
    return [s.stance for s in predict(text, model=model_path).sentences]


def boilerplate(text: str, model_path: str) -> list[bool]:
    return [s.boilerplate for s in predict(text, model=model_path).sentences]


# --- minimum functionality -------------------------------------------------------

@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("Un porte-parole de Microsoft a déclaré que l'entreprise examinerait ces questions avec attention.", "pro_microsoft"),
        ("Microsoft a répondu qu'il se réjouissait de poursuivre son partenariat à long terme avec le réseau social.", "pro_microsoft"),
        ("L'avocat d'Elon Musk accuse Microsoft d'avoir violé l'accord et utilisé illégalement les données de Twitter.", "pro_twitter"),
        ("Elon Musk a menacé de poursuivre Microsoft en justice pour avoir exploité ses données sans autorisation.", "pro_twitter"),
    ],
)
def test_clear_stance_sentences(sentence: str, expected: str, model_path: str) -> None:
    assert stances(sentence, model_path) == [expected]


@pytest.mark.parametrize(
    "line",
    [
        "Publicité",
        "4,5/5 - (112 votes)",
        "Article suivant Les plus belles plages de Bretagne",
        "LAISSER UN COMMENTAIRE",
        "S'il vous plaît entrez votre adresse e-mail ici",
        "Catégories : Technologie",
    ],
)
def test_page_furniture_is_boilerplate(line: str, model_path: str) -> None:
    text = (
        "Microsoft conteste les accusations de Twitter sur l'usage de son API.\n"
        "Le réseau social réclame un audit détaillé à l'éditeur de Windows.\n"
        f"{line}"
    )
    assert boilerplate(text, model_path)[-1] is True


def test_comment_policy_is_boilerplate(model_path: str) -> None:
    text = (
        "Twitter accuse Microsoft d'avoir abusé de ses données.\n"
        "Microsoft dit vouloir examiner la demande.\n"
        "3 Commentaires\n"
        "Nous modérons les commentaires : la fonction de commentaire est fermée 48 heures après la publication."
    )
    assert boilerplate(text, model_path)[-2:] == [True, True]


def test_article_body_is_not_boilerplate(model_path: str) -> None:
    text = (
        "Twitter accuse Microsoft d'avoir utilisé ses données sans autorisation.\n"
        "Dans une lettre adressée à Satya Nadella, l'avocat d'Elon Musk réclame un audit.\n"
        "Microsoft a indiqué qu'il examinerait ces questions."
    )
    assert boilerplate(text, model_path) == [False, False, False]


# --- invariance ------------------------------------------------------------------

@pytest.mark.parametrize(
    "a, b",
    [
        ("L'avocat d'Elon Musk accuse Microsoft d'avoir violé l'accord.",
         "L'avocat d'ELON MUSK accuse MICROSOFT d'avoir violé l'accord."),
        ('Musk a écrit : "Ils se sont entraînés illégalement avec nos données."',
         "Musk a écrit : « Ils se sont entraînés illégalement avec nos données. »"),
        ("Un porte-parole de Microsoft a déclaré : “Nous examinerons ces questions.”",
         "Un porte-parole de Microsoft a déclaré : « Nous examinerons ces questions. »"),
        ("Microsoft a refusé de payer le nouveau tarif de l’API.", "Microsoft a refusé de payer le nouveau tarif de l'API."),
    ],
)
def test_casing_and_quote_style_do_not_flip_the_label(a: str, b: str, model_path: str) -> None:
    assert stances(a, model_path) == stances(b, model_path)


# --- directional -----------------------------------------------------------------

def test_a_microsoft_denial_moves_towards_pro_microsoft(model_path: str) -> None:
    base = "Microsoft a utilisé les données de Twitter."
    denial = "Microsoft a démenti avoir utilisé les données de Twitter, a déclaré un porte-parole de Microsoft."
    p = lambda t: predict(t, model=model_path).sentences[0].p_stance["pro_microsoft"]  # noqa: E731
    assert p(denial) > p(base)
    assert stances(denial, model_path) == ["pro_microsoft"]


def test_an_accusation_moves_towards_pro_twitter(model_path: str) -> None:
    base = "Microsoft a utilisé les données de Twitter."
    accusation = "Twitter accuse Microsoft d'avoir utilisé illégalement ses données."
    p = lambda t: predict(t, model=model_path).sentences[0].p_stance["pro_twitter"]  # noqa: E731
    assert p(accusation) > p(base)


def test_net_stance_sign_follows_the_article(model_path: str) -> None:
    pro_twitter = ("Twitter accuse Microsoft d'avoir violé l'accord.\n"
                   "L'avocat d'Elon Musk dénonce un usage illégal des données.\n"
                   "Musk menace de poursuivre Microsoft en justice.")
    pro_microsoft = ("Un porte-parole de Microsoft a déclaré que l'entreprise examinerait ces questions.\n"
                     "Microsoft se réjouit de poursuivre son partenariat à long terme avec Twitter.")
    assert predict(pro_twitter, model=model_path).summary.net_stance > 0
    assert predict(pro_microsoft, model=model_path).summary.net_stance < 0


def test_training_is_deterministic(labelled_rows: list[dict]) -> None:
    from pipeline.core.bundle import fit_models
    from pipeline.core.data import records_from_rows, trainable
    from pipeline.params import load_params

    params = load_params()
    records = trainable(records_from_rows(labelled_rows), False, True)
    first, second = fit_models(records, params), fit_models(records, params)
    for a, b in zip(first, second):
        assert (a.predict_proba(records) == b.predict_proba(records)).all()


CLEAN_ARTICLE = [
    "Twitter accuse Microsoft d'avoir utilisé ses données sans autorisation.",
    "Dans une lettre adressée à Satya Nadella, l'avocat d'Elon Musk réclame un audit.",
    "Microsoft a indiqué qu'il examinerait ces questions.",
    "Le géant de Redmond n'a pas précisé quand il répondrait.",
]


@pytest.mark.parametrize("sep", ["\n", "\n\n", " "])
def test_last_sentence_of_a_page_without_furniture_is_article_text(sep: str, model_path: str) -> None:
    assert boilerplate(sep.join(CLEAN_ARTICLE), model_path) == [False] * 4


@pytest.mark.parametrize("line", ["Menu", "Accueil > Tech > Médias", "Accepter les cookies", "Publicité",
                                  "Lire aussi : Musk rachète un réseau", "Tous droits réservés", "Par Jean Dupont"])
@pytest.mark.parametrize("where", ["top", "middle", "bottom"])
def test_furniture_of_other_sites_anywhere_on_the_page(line: str, where: str, model_path: str) -> None:
    at = {"top": 0, "middle": 2, "bottom": 4}[where]
    lines = CLEAN_ARTICLE[:at] + [line] + CLEAN_ARTICLE[at:]
    assert boilerplate("\n".join(lines), model_path) == [i == at for i in range(5)]
