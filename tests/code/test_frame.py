"""The reporting-frame features (pipeline/core/frame.py) and the frame vote (pipeline/core/models.py).

Sentences are written for these tests; the lexicon is the real ``configs/frame_fr.yaml``.
Each test pins the columns one rule of the frame produces, so a regression in
who-is-the-subject, negation or clause handling shows up here by name.
"""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.core.bundle import load_yaml
from pipeline.core.features import context_records
from pipeline.core.frame import CAP, FrameFeatures
from pipeline.core.models import FrameVote, build_stance_model
from pipeline.params import load_params


@pytest.fixture(scope="module")
def frame() -> FrameFeatures:
    return FrameFeatures(load_yaml(load_params().train.frame_file)).fit([])


def columns(frame: FrameFeatures, text: str) -> dict[str, int]:
    """The non-zero columns of one sentence, as counts (the transform divides them by CAP)."""
    row = frame.transform([text])[0]
    return {name: int(round(v * CAP)) for name, v in zip(frame.names_, row) if v}


def voices(frame: FrameFeatures, text: str) -> tuple[int, int]:
    c = columns(frame, text)
    return c.get("voices_twitter", 0), c.get("voices_microsoft", 0)


def assert_leans(frame: FrameFeatures, text: str, twitter: int, microsoft: int) -> None:
    """The sentence's voices lean the way the expected counts do (which side is larger, or neither)."""
    tw, ms = voices(frame, text)
    assert (tw > ms, ms > tw) == (twitter > microsoft, microsoft > twitter), (tw, ms)


def test_the_subject_of_an_accusation_voices_its_side(frame) -> None:
    c = columns(frame, "Le milliardaire accuse Microsoft de tricherie.")
    assert c["subject_twitter_accuse"] == 1
    assert c["object_microsoft_accuse"] == 1
    assert voices(frame, "Le milliardaire accuse Microsoft de tricherie.") == (1, 0)


def test_an_actor_after_a_comma_is_not_the_object_of_the_act_before_it(frame) -> None:
    c = columns(frame, "Musk menace, Nadella apaise")
    assert c["subject_twitter_threaten"] == 1
    assert c["subject_microsoft_goodwill"] == 1
    assert "object_microsoft_threaten" not in c
    assert voices(frame, "Musk menace, Nadella apaise") == (1, 1)


def test_an_actor_governed_by_a_preposition_is_not_a_subject(frame) -> None:
    # "par Microsoft" is the agent of a passive, not who speaks; Twitter is the subject.
    c = columns(frame, "Twitter, longtemps choyé par Microsoft, réclame désormais des explications.")
    assert c.get("subject_twitter_demand") == 1
    assert "subject_microsoft_demand" not in c


def test_a_denial_turns_around_the_wrongdoing_it_governs(frame) -> None:
    c = columns(frame, "Microsoft dément avoir dépassé les quotas.")
    assert c["subject_microsoft_deny"] == 1
    assert c["negated_subject_microsoft_wrongdoing"] == 1
    assert "subject_microsoft_wrongdoing" not in c
    assert voices(frame, "Microsoft dément avoir dépassé les quotas.") == (0, 2)


def test_a_negated_denial_turns_nothing_around(frame) -> None:
    c = columns(frame, "Microsoft ne conteste pas avoir dépassé les quotas.")
    assert c["negated_subject_microsoft_deny"] == 1
    assert c["subject_microsoft_wrongdoing"] == 1
    assert voices(frame, "Microsoft ne conteste pas avoir dépassé les quotas.") == (2, 0)


def test_a_quotation_is_voiced_by_the_speaker_named_after_it(frame) -> None:
    text = "« Tout a été fait dans les règles », a déclaré Microsoft."
    assert columns(frame, text)["quoted_microsoft"] == 1


def test_a_quotation_without_an_inverted_speaker_belongs_to_the_first_subject(frame) -> None:
    # The actor after the closing quote is a complement ("face à Microsoft"), not the speaker.
    text = "Musk parle d'un « pillage organisé » face à Microsoft."
    c = columns(frame, text)
    assert c["quoted_twitter"] == 1
    assert "quoted_microsoft" not in c


def test_selon_laquelle_is_not_an_attribution(frame) -> None:
    assert "attributed_to_microsoft" not in columns(frame, "La rumeur selon laquelle Microsoft paierait enfle.")
    assert columns(frame, "Selon Microsoft, les accès étaient conformes.")["attributed_to_microsoft"] == 1


def test_an_attribution_source_ends_at_the_comma(frame) -> None:
    # The source is "la lettre"; Microsoft, after the comma, is the subject of the main clause.
    assert "attributed_to_microsoft" not in columns(frame, "Selon la lettre, Microsoft a consulté l'API.")
    assert columns(frame, "Selon la lettre de Twitter, Microsoft a consulté l'API.")["attributed_to_twitter"] == 1


def test_what_a_concessive_clause_voices_does_not_count(frame) -> None:
    # The main clause (after the comma) dominates: LABELS.md rule 3.
    assert voices(frame, "Même si le milliardaire menace, Microsoft se dit serein.") == (0, 1)
    assert voices(frame, "Reste à savoir si Musk attaquera Microsoft en justice.") == (0, 0)
    # Without the concession both are counted.
    assert voices(frame, "Le milliardaire menace, Microsoft se dit serein.") == (1, 1)


def test_discrediting_language_voices_the_other_side(frame) -> None:
    assert columns(frame, "Musk et son éternel bluff")["discredited_twitter"] == 1
    assert voices(frame, "Musk et son éternel bluff") == (0, 2)  # the writer's framing weighs 2
    assert voices(frame, "Microsoft et sa langue de bois") == (2, 0)


@pytest.mark.parametrize("text, target", [
    ("Nouveau coup de sang d'Elon Musk contre Microsoft", "twitter"),  # the actor right after: "de X"
    ("Microsoft dénonce le bluff de Musk", "twitter"),  # right after wins over the actor before
    ("La menace de Musk relève surtout de la posture.", "twitter"),  # nearest before, even as an object
    ("Un effet d'annonce de plus pour Microsoft", "microsoft"),  # none before: first after, same clause
])
def test_discrediting_words_apply_to_the_actor_they_are_about(frame, text: str, target: str) -> None:
    c = columns(frame, text)
    assert c.get(f"discredited_{target}") == 1
    assert not any(k.startswith("discredited_") and not k.endswith(target) for k in c)


def test_a_denial_that_carries_its_own_negation_is_not_negated(frame) -> None:
    assert voices(frame, "Chez Microsoft, on assure n'avoir rien à se reprocher.") == (0, 1)


def test_not_ruling_out_a_lawsuit_is_a_threat(frame) -> None:
    c = columns(frame, "Le milliardaire n'exclut pas des poursuites judiciaires contre Microsoft.")
    assert c.get("subject_twitter_threaten", 0) >= 1
    assert "negated_subject_twitter_threaten" not in c
    assert voices(frame, "Le milliardaire n'exclut pas des poursuites judiciaires contre Microsoft.") == (1, 0)


@pytest.mark.parametrize("text, twitter", [
    ("Pourquoi X réclame-t-il des comptes à Microsoft ?", 1),
    ("X et Microsoft se renvoient la balle.", 1),
    ("Xbox Series X|S, Xbox One", 0),  # the console, not the network
    ("X.AI, la nouvelle société d'IA", 0),  # Musk's AI company
    ("Un rapport de 3 x 4 pages", 0),  # a lower-case x
])
def test_x_alone_is_twitter_only_when_written_as_a_name(frame, text: str, twitter: int) -> None:
    assert columns(frame, text).get("mentions_twitter", 0) == twitter


@pytest.mark.parametrize("text, side", [
    ("Aucune autorisation n'a été demandée pour ces usages, soutient l'avocat de Twitter.", "twitter"),
    ("Les accès respectaient les conditions de l'époque, affirme Microsoft.", "microsoft"),
])
def test_a_closing_attribution_gives_the_whole_claim_to_its_speaker(frame, text: str, side: str) -> None:
    c = columns(frame, text)
    assert c["claimed_by_" + side] == 1
    other = "microsoft" if side == "twitter" else "twitter"
    assert c.get("voices_" + side, 0) > c.get("voices_" + other, 0)


def test_an_attribution_that_does_not_close_the_sentence_claims_nothing(frame) -> None:
    c = columns(frame, "Microsoft, affirme-t-on à Redmond, a respecté les conditions, et Twitter conteste.")
    assert not any(k.startswith("claimed_by_") for k in c)


@pytest.mark.parametrize("text", [
    "Microsoft explique que la hausse des tarifs de Twitter l'a poussé à partir.",
    "Microsoft assure avoir toujours respecté les règles de Twitter.",
    # about the dispute without naming Twitter: the API, the questions, the partnership
    "Microsoft rappelle que l'API était gratuite à l'époque des faits.",
    "Le groupe de Redmond explique que ces questions concernent des usages anciens.",
])
def test_a_microsoft_statement_on_the_dispute_is_its_claim(frame, text: str) -> None:
    c = columns(frame, text)
    assert c["claimed_by_microsoft"] == 1
    assert c["voices_microsoft"] > c.get("voices_twitter", 0)


@pytest.mark.parametrize("text", [
    "Microsoft annonce que Smart Campaigns ne gérera plus Twitter.",  # a decision announced: procedure
    "Microsoft n'a pas expliqué pourquoi Twitter a disparu de son outil.",  # a statement not made
    "Microsoft explique que son outil change le 25 avril.",  # nothing about the other side
])
def test_announcements_and_statements_not_made_claim_nothing(frame, text: str) -> None:
    assert "claimed_by_microsoft" not in columns(frame, text)


def test_an_actor_after_que_is_the_subject_of_its_own_clause(frame) -> None:
    c = columns(frame, "Twitter explique que Microsoft a dépassé les plafonds.")
    assert c["subject_microsoft_wrongdoing"] == 1
    assert "subject_twitter_wrongdoing" not in c
    assert "object_microsoft_say" not in c  # not the object of "explique" either
    assert "claimed_by_twitter" not in c  # Twitter's statements are not claims (STATEMENT_SIDES)
    assert voices(frame, "Twitter explique que Microsoft a dépassé les plafonds.") == (1, 0)


def test_an_actor_between_the_comma_and_the_verb_is_its_speaker(frame) -> None:
    # Not the inverted form ("…, indique X"): the letter says it, about Microsoft's applications.
    c = columns(frame, "Malgré ces limites, la lettre indique que les applications de Microsoft ont dépassé les plafonds.")
    assert c["subject_twitter_say"] == 1
    assert "subject_microsoft_say" not in c


@pytest.mark.parametrize("text, side", [
    ("« Microsoft ment », a dénoncé Musk.", "twitter"),  # an actor inside the quotation, before the mark
    ("« Twitter a tort », a répondu Microsoft.", "microsoft"),
])
def test_an_actor_inside_a_short_quotation_does_not_cancel_the_inverted_speaker(frame, text: str,
                                                                                 side: str) -> None:
    twitter, microsoft = voices(frame, text)
    assert (twitter > microsoft) if side == "twitter" else (microsoft > twitter)


@pytest.mark.parametrize("text", [
    # review of this release: a first version of AIMED_AT, of the English statements and of the closing
    # attribution voiced a side in each of these (all neutral: third parties, nouns, other business)
    "Bruxelles reproche à Microsoft d'avoir lié Teams à sa suite Office.",
    "The FTC sued Microsoft in December to block its $69 billion Activision deal.",
    "Demand for Microsoft's Azure cloud services grew 27% in the quarter.",
    "Les développeurs examinent les nouvelles conditions d'accès à l'API de Twitter.",
    "A spokesperson for the European Commission said it was studying the questions raised by Twitter's exit.",
    "The company will cut 10,000 jobs by the end of March, Microsoft said.",
    "Threads passed 100 million sign-ups in five days, the platform said.",
    "Microsoft cooperated with the FBI in the investigation of the hack of its email servers.",
    "Microsoft skips E3 again this year and will hold its own Xbox showcase in June.",
    "Microsoft now lets Teams users add more participants to a meeting than was previously allowed.",
])
def test_english_and_aimed_at_rules_keep_to_their_sense(frame, text: str) -> None:
    assert voices(frame, text) == (0, 0), columns(frame, text)


def test_an_english_statement_after_a_colon_is_still_microsofts_claim(frame) -> None:
    other_business = "Microsoft said it had reached an agreement with Sony to keep Call of Duty on PlayStation."
    assert "claimed_by_microsoft" not in columns(frame, other_business)
    assert columns(frame, "Microsoft said: Twitter misread how we used its data.")["claimed_by_microsoft"] == 1


@pytest.mark.parametrize("text, twitter, microsoft", [
    # English reporting language
    ("Microsoft a posé ses conditions à Twitter.", 0, 0),  # "posé" is not "calm"
    ("Musk a mis sa menace à exécution contre Microsoft.", 1, 0),  # a threat carried out is Twitter's
    ("Musk mettra-t-il ses menaces à exécution ?", 0, 2),  # the writer's doubt; the open question voices no act
    ("Le milliardaire critique Larry Page, qu'il juge trop insouciant.", 0, 0),  # "il juge" is no judge
    ("Microsoft a pris au sérieux les demandes de Twitter.", 0, 0),
    ("Microsoft a sans aucun doute respecté le contrat.", 0, 0),
    ("Microsoft règle en règle générale ses abonnements.", 0, 0),  # "en règle générale" is no denial
    ("La firme d'Elon Musk accuse Microsoft.", 1, 0),  # "la firme" of someone else is not Microsoft
])
def test_lexicon_entries_keep_to_their_sense(frame, text: str, twitter: int, microsoft: int) -> None:
    assert voices(frame, text) == (twitter, microsoft)


def test_two_sides_joined_by_et_are_not_one_subject(frame) -> None:
    assert voices(frame, "Twitter et Microsoft collaborent depuis des années.") == (0, 0)
    assert voices(frame, "Microsoft collabore avec Twitter depuis des années.") == (0, 1)


def test_pour_at_the_start_attributes_like_selon(frame) -> None:
    assert columns(frame, "Pour Redmond, les chiffres avancés par le réseau social sont erronés.")["attributed_to_microsoft"] == 1
    assert not any(k.startswith("attributed_to_") for k in columns(frame, "Il a payé pour Microsoft, dit-on."))
    # a purpose clause is not a source
    purpose = columns(frame, "Pour contrer Microsoft, Musk a lancé une offensive.")
    assert not any(k.startswith("attributed_to_") for k in purpose)


def test_the_letter_speaks_for_twitter(frame) -> None:
    assert columns(frame, "Selon la lettre, Microsoft a dépassé les limites.")["attributed_to_twitter"] == 1


def test_the_writer_framing_outweighs_the_claim_it_frames(frame) -> None:
    twitter, microsoft = voices(frame, "Musk brandit un procès qui ne sera jamais suivi d'effet.")
    assert microsoft > twitter


def test_english_pages_get_the_same_frame(frame) -> None:
    assert voices(frame, "Musk threatened to sue Microsoft over the data.") == (2, 0)  # threatened, sue
    assert voices(frame, "Microsoft denied having shared data with government agencies.") == (0, 2)
    assert voices(frame, "Microsoft has not denied exceeding the limits.")[0] >= 1
    assert voices(frame, "Microsoft said it looked forward to its partnership with Twitter.")[1] >= 1


# --- FrameVote ------------------------------------------------------------------------------------------

TRAIN = [
    ("Le calendrier de la procédure est connu.", "neutral"),
    ("L'API est une interface de programmation.", "neutral"),
    ("Les deux groupes se sont rencontrés en 2020.", "neutral"),
    ("OpenAI a été fondée en 2015.", "neutral"),
    ("Twitter accuse Microsoft.", "pro_twitter"),
    ("Musk menace de porter plainte.", "pro_twitter"),
    ("L'avocat exige un audit.", "pro_twitter"),
    ("Microsoft dément tout abus.", "pro_microsoft"),
    ("Redmond se dit serein.", "pro_microsoft"),
    ("Le groupe de Redmond promet d'examiner la lettre.", "pro_microsoft"),
]


def _records(texts: list[str]) -> list[dict]:
    return [context_records([t], [0], 1, doc=f"d{i}")[0] for i, t in enumerate(texts)]


@pytest.fixture(scope="module")
def stance_pipeline():
    p = load_params(overrides={"train.stance.frame_vote_floor": 0.0, "train.stance.calibration_cv": 0})
    return build_stance_model(p.train.stance, 0, load_yaml(p.train.cues_file), load_yaml(p.train.frame_file))


@pytest.mark.parametrize("floor", [0.9, 0.7])
def test_frame_vote_raises_the_voiced_side_only(stance_pipeline, frame, floor: float) -> None:
    X, y = _records([t for t, _ in TRAIN]), [lab for _, lab in TRAIN]
    vote = FrameVote(stance_pipeline, floor=floor).fit(X, y)
    tests = ["Le réseau social réclame des comptes à la firme de Redmond.",  # Twitter voiced
             "Microsoft rejette ces reproches.",  # Microsoft voiced
             "Selon Microsoft, le milliardaire menace.",  # both, equally: the classifier decides
             "La conférence a lieu à Paris."]  # nothing voiced
    test = _records(tests)
    base = vote.model_.predict_proba(test)
    out = vote.predict_proba(test)
    classes = list(vote.classes_)
    np.testing.assert_allclose(out.sum(axis=1), 1.0)
    for i, (text, side) in enumerate(zip(tests, ["pro_twitter", "pro_microsoft", None, None])):
        t, m = voices(frame, text)
        assert (side is None) == (t == m)
        if side is None:
            np.testing.assert_array_equal(out[i], base[i])
        else:
            j = classes.index(side)
            assert out[i, j] == pytest.approx(max(base[i, j], floor))
            assert vote.predict(test)[i] == side
            others = [k for k in range(len(classes)) if k != j]
            if base[i, j] < floor:  # the other classes keep their proportions
                assert out[i, others[0]] * base[i, others[1]] == pytest.approx(out[i, others[1]] * base[i, others[0]])


@pytest.mark.parametrize("text", [
    "Le bras de fer entre Microsoft et le réseau social se durcit.",
    "Musk accuse, Microsoft dément : les deux groupes se renvoient la balle.",
    "Twitter and Microsoft traded accusations on Friday.",
])
def test_a_reciprocal_sentence_voices_neither_side_more(frame, text: str) -> None:
    c = columns(frame, text)
    assert c["reciprocal"] >= 1  # "Musk accuse, Microsoft dément : …" also sets two clauses side by side
    t, m = voices(frame, text)
    assert t == m


def test_frame_vote_raises_neutral_where_the_sides_are_set_against_each_other(stance_pipeline) -> None:
    X, y = _records([t for t, _ in TRAIN]), [lab for _, lab in TRAIN]
    vote = FrameVote(stance_pipeline, floor=0.9).fit(X, y)
    test = _records(["Twitter accuse Microsoft, et les deux groupes se renvoient la balle.",
                     "Twitter accuse Microsoft."])
    out = vote.predict_proba(test)
    neutral, twitter = list(vote.classes_).index("neutral"), list(vote.classes_).index("pro_twitter")
    assert out[0, neutral] >= 0.9
    assert vote.predict(test).tolist() == ["neutral", "pro_twitter"]
    assert out[1, twitter] >= 0.9


def test_frame_vote_without_frame_features_says_what_to_change() -> None:
    p = load_params(overrides={"train.stance.use_frame_features": False, "train.stance.calibration_cv": 0})
    model = build_stance_model(p.train.stance, 0, load_yaml(p.train.cues_file), None)
    X, y = _records([t for t, _ in TRAIN]), [lab for _, lab in TRAIN]
    with pytest.raises(ValueError, match="frame_vote_floor: 0"):
        model.fit(X, y)


def test_frame_vote_refuses_a_floor_outside_0_1(stance_pipeline) -> None:
    X, y = _records([t for t, _ in TRAIN]), [lab for _, lab in TRAIN]
    with pytest.raises(ValueError, match="floor must be in"):
        FrameVote(stance_pipeline, floor=1.5).fit(X, y)



@pytest.mark.parametrize("text", [
    "Contacté par notre rédaction, Microsoft n'avait pas donné suite vendredi soir.",
    "Le porte-parole de Microsoft n'a pas répondu à nos questions.",
    "Twitter n'a pas précisé quand il comptait saisir la justice.",
    "Microsoft declined to comment on the letter.",
])
def test_a_side_that_does_not_answer_the_press_voices_nobody(frame, text: str) -> None:
    c = columns(frame, text)
    assert c["no_comment"] == 1
    assert voices(frame, text) == (0, 0)


def test_not_answering_an_accusation_is_not_a_no_comment(frame) -> None:
    # Only an unanswered press request is silent: a side that leaves the charges unanswered is not.
    c = columns(frame, "Microsoft n'a pas répondu aux accusations de Twitter.")
    assert "no_comment" not in c
    assert c["negated_subject_microsoft_answer"] == 1


def test_what_comes_after_a_no_comment_clause_still_counts(frame) -> None:
    # The span ends at the clause break: the emoji after the comma still frames Twitter (LABELS.md §2).
    assert voices(frame, "Twitter n'a pas donné suite, sinon par un emoji.")[1] >= 1


@pytest.mark.parametrize("text", [
    "Elon Musk figure parmi les signataires d'une lettre ouverte réclamant une pause dans l'IA.",
    "Musk accuse Google de négliger les risques de l'IA.",
    "Le milliardaire s'en prend à Larry Page.",
])
def test_an_act_of_or_against_a_third_party_voices_nobody(frame, text: str) -> None:
    # LABELS.md §4: Musk attacking Google or Larry Page is AI-race background.
    assert voices(frame, text) == (0, 0)


def test_musk_attacking_openai_is_still_twitters_side(frame) -> None:
    assert voices(frame, "Musk accuse OpenAI de trahir sa mission.")[0] >= 1


def test_an_open_question_on_what_comes_next_voices_no_act(frame) -> None:
    assert voices(frame, "Elon Musk ira-t-il jusqu'au procès ?") == (0, 0)
    assert voices(frame, "Elon Musk va jusqu'au procès.")[0] >= 1


@pytest.mark.parametrize("text", [
    "Musk attaque, Nadella rassure",
    "Twitter accuse Microsoft d'avoir abusé de ses données ; Microsoft répond qu'il examinera les questions.",
    "Données de Twitter : Musk accuse, Microsoft se dit prêt à répondre",
])
def test_two_sides_in_clauses_side_by_side_hold_equal_weight(frame, text: str) -> None:
    # Rule 3: two main clauses, each opened by one side's actor, set the sides side by side.
    assert columns(frame, text)["reciprocal"] == 1
    twitter, microsoft = voices(frame, text)
    assert twitter == microsoft > 0


@pytest.mark.parametrize("text", [
    # a concessive first clause does not stand beside the main one: Microsoft's clause dominates
    "Twitter a beau accuser Microsoft d'usage abusif, le groupe de Redmond se dit prêt à poursuivre le partenariat.",
    # the clause after the comma is opened by no actor: one side speaks
    "Twitter somme Microsoft de lui remettre, d'ici au 7 juin, un état détaillé de son utilisation des données.",
])
def test_clauses_that_are_not_side_by_side_keep_their_side(frame, text: str) -> None:
    assert "reciprocal" not in columns(frame, text)
    twitter, microsoft = voices(frame, text)
    assert twitter != microsoft


def test_two_sources_side_by_side_hold_equal_weight(frame) -> None:
    text = "Selon Twitter, Microsoft a abusé de son API ; selon Microsoft, il s'agit d'un malentendu."
    assert columns(frame, text)["reciprocal"] == 1
    # one source alone is not a face-off, whatever the other side is said to have done
    assert "reciprocal" not in columns(frame, "Selon la lettre, Microsoft aurait dépassé les limites de l'accord.")


def test_ce_dernier_stands_for_the_last_actor_named(frame) -> None:
    text = ("Le réseau social reproche au géant du logiciel d'avoir dépassé les limites, "
            "et ce dernier promet d'étudier ces reproches.")
    c = columns(frame, text)
    assert c["subject_microsoft_goodwill"] == 1  # "ce dernier" is the software giant
    assert c["reciprocal"] == 1  # "…, et ce dernier promet …" stands beside the accusation


@pytest.mark.parametrize("text, twitter, microsoft", [
    # insistence is no negation: Musk keeps attacking
    ("Le milliardaire ne cesse de reprocher à Microsoft son appétit pour les données.", 1, 0),
    ("Musk n'hésite pas à accuser Microsoft de pillage.", 1, 0),
    ("Elon Musk n'a pas accusé Microsoft de fraude.", 0, 1),  # a real negation still turns the act around
    # Microsoft's statements and goodwill, in French and English
    ("Microsoft dit avoir toujours respecté l'accord avec Twitter.", 0, 1),
    ("Le groupe de Redmond se penchera sur les questions de l'avocat.", 0, 1),
    ("Microsoft said it would keep working with Twitter.", 0, 1),
    # what the writer says Microsoft is not, and what the letter leaves out
    ("Microsoft ne possède d'ailleurs pas OpenAI.", 0, 2),
    ("The letter does not repeat the charge about AI training.", 0, 2),
    # calm answers and the wish to keep working together
    ("Microsoft joue la conciliation face au milliardaire.", 0, 1),
    ("Le groupe de Redmond se dit désireux de poursuivre sa collaboration avec Twitter.", 0, 1),
    ("Microsoft assure vouloir continuer à travailler avec le réseau social.", 0, 1),
    # what the letter does not say, and threats left without follow-up
    ("La lettre ne précise pas quelles agences auraient reçu les données.", 0, 1),
    ("Le milliardaire brandit souvent des procès sans y donner suite.", 0, 1),
    ("Le volume avancé par Twitter dépasse de loin les plafonds.", 1, 0),  # a figure put forward by a side
    ("Un milliardaire coutumier des menaces", 0, 1),
    ("L'accès gratuit est si bridé qu'il ne sert plus à grand-chose.", 0, 1),
    ("Dans la lettre, pas une ligne sur les modèles d'IA.", 0, 1),
    # one-sided framing words kept to their sense: a tool "bridé" or time saved is no side's framing
    ("Microsoft a bridé son assistant Bing après quelques dérapages.", 0, 0),
    ("Les développeurs utilisent ChatGPT pour gagner du temps.", 0, 0),
    ("Le projet d'IA d'Elon Musk a coûté des millions d'euros pour rien.", 0, 0),
    # English omissions name whoever leaves something out
    ("Microsoft's statement does not say whether it will pay the new price.", 1, 0),
    # English coverage of Twitter's letter; after "says", the actor opens the reported clause (no "that")
    ("Twitter says Microsoft took more data than it was allowed to.", 1, 0),
    ("Microsoft declined to pay for the new tier, the letter says.", 1, 0),
])
def test_insistence_statements_and_omissions(frame, text: str, twitter: int, microsoft: int) -> None:
    assert_leans(frame, text, twitter, microsoft)


def test_after_an_english_verb_of_saying_the_actor_is_the_subject_of_the_reported_clause(frame) -> None:
    c = columns(frame, "The letter claims Microsoft violated the agreement.")
    assert c["subject_microsoft_wrongdoing"] == 1 and "subject_twitter_wrongdoing" not in c


def test_a_word_of_saying_after_a_determiner_is_a_noun_and_names_no_speaker(frame) -> None:
    # "au tweet du milliardaire" is the tweet, not "…, tweete le milliardaire" closing the sentence
    text = "La lettre reste vague sur les agences, contrairement au tweet du milliardaire."
    assert "claimed_by_twitter" not in columns(frame, text)
    assert columns(frame, "Microsoft a dépassé les plafonds, tweete le milliardaire.")["claimed_by_twitter"] == 1


@pytest.mark.parametrize("text, weakened", [
    ("Dans sa réponse, Microsoft ne dit pas un mot des agences gouvernementales.", "microsoft"),
    ("La lettre de l'avocat ne mentionne pas l'entraînement des IA.", "twitter"),
    ("Il n'est pas fait mention de l'entraînement de l'IA.", "twitter"),  # no actor: the letter's omission
    ("Le courrier de Me Spiro ne dit rien des modèles d'IA, à la différence du message du milliardaire.", "twitter"),
])
def test_an_omission_weakens_whoever_leaves_it_out(frame, text: str, weakened: str) -> None:
    assert columns(frame, text)[f"framing_weakens_{weakened}"] == 1


@pytest.mark.parametrize("text, twitter, microsoft", [
    ("Rien, dans le courrier de l'avocat, ne permet d'affirmer que Microsoft a entraîné ses IA.", 0, 2),
    ("Toujours pas de plainte de Musk contre Microsoft.", 0, 2),  # the threat left unexecuted
    ("Aucune plainte n'a été déposée à ce stade.", 0, 0),  # a bare fact (rule 2)
    ("Rien ne permet pour l'instant d'affirmer que Microsoft a vendu ces tweets.", 0, 2),
    ("La menace lancée en avril par Musk n'a débouché sur rien.", 0, 2),
    ("Ses ultimatums finissent le plus souvent dans le silence.", 0, 2),
])
def test_doubt_and_unexecuted_threats_are_framing(frame, text: str, twitter: int, microsoft: int) -> None:
    assert voices(frame, text) == (twitter, microsoft)


@pytest.mark.parametrize("text, twitter, microsoft", [
    # review of this release: each of these was voiced wrongly by a first version of a new rule
    ("Twitter n'a réagi que par un emoji.", 0, 2),  # not a no-comment: the emoji answer (LABELS.md §2)
    ("Microsoft n'a pas répondu à ses demandes d'audit.", 1, 0),  # the other side's demands, not the press
    ("Microsoft did not respond to the accusations in the letter.", 1, 0),
    ("Elon Musk accuse : Microsoft aurait utilisé illégalement les données.", 3, 0),  # one side, two clauses
    ("Aussi le milliardaire réclamera-t-il des dommages et intérêts à Microsoft.", 2, 0),  # no question mark
    ("Le milliardaire menace OpenAI et Google de poursuites.", 1, 0),  # OpenAI among the targets (§4)
    ("Elon Musk le juge trop timoré face à OpenAI.", 0, 0),  # "le juge" is a pronoun and a verb
])
def test_new_rules_keep_to_their_sense(frame, text: str, twitter: int, microsoft: int) -> None:
    assert voices(frame, text) == (twitter, microsoft)


def test_a_no_comment_span_ends_at_a_coordination(frame) -> None:
    assert columns(frame, "Microsoft n'a pas commenté mais dément tout abus.")["subject_microsoft_deny"] == 1


def test_ce_dernier_before_a_noun_is_no_actor(frame) -> None:
    c = columns(frame, "Twitter accuse Microsoft, et ce dernier trimestre a été marqué par des abus.")
    assert "reciprocal" not in c and c.get("mentions_microsoft", 0) == 1


def test_a_preposition_before_the_software_giant_still_governs_it(frame) -> None:
    c = columns(frame, "Le courrier envoyé par Twitter au géant du logiciel réclame des comptes.")
    assert "subject_microsoft_demand" not in c and c["mentions_microsoft"] == 1


@pytest.mark.parametrize("text, twitter, microsoft", [
    # an act aimed at one side with no subject named: the other side speaks (AIMED_AT)
    ("Elle reproche à Microsoft d'avoir dépassé les limites fixées.", 1, 0),
    ("Il est demandé à Microsoft de fournir la liste des services concernés.", 1, 0),
    ("Elle dit vouloir continuer à travailler avec le réseau social sur la durée.", 0, 1),
    # not when the act is aimed at the side that would speak, nor at a third party
    ("Elle reproche à Google de freiner la concurrence.", 0, 0),
    ("Il répond à Microsoft par une nouvelle lettre.", 0, 0),
])
def test_an_act_aimed_at_one_side_with_no_subject_voices_the_other(frame, text: str, twitter: int,
                                                                   microsoft: int) -> None:
    assert voices(frame, text) == (twitter, microsoft)


def test_an_english_statement_on_the_dispute_is_microsofts_claim_but_an_announcement_is_not(frame) -> None:
    assert columns(frame, "Microsoft said it would review the questions raised in the letter.")[
        "claimed_by_microsoft"] == 1
    announcement = "In April, Microsoft said it would drop Twitter from its Smart Campaigns tool from April 25."
    assert "claimed_by_microsoft" not in columns(frame, announcement)
    # the French rule is unchanged: a statement that names the other side is a claim
    assert columns(frame, "Microsoft explique que Twitter lui facturait un tarif démesuré.")["claimed_by_microsoft"] == 1


@pytest.mark.parametrize("text, twitter, microsoft", [
    ("A Microsoft spokesperson said the company would study the lawyers' questions carefully.", 0, 2),
    ("The software giant said it valued its long-running relationship with Twitter.", 0, 2),
    ("Musk has not said whether he intends to sue.", 0, 0),  # an open question, like "n'a pas précisé si"
    ("Microsoft may also have passed some of that data to government agencies, the letter says.", 2, 0),
    ("Twitter says Microsoft pulled far more data from the platform than their agreement allowed.", 1, 0),
    ("A spokesperson for Twitter answered with an emoji.", 0, 1),  # Twitter's own spokesperson is no actor
    # round 17: evidence not given is the writer's framing against whoever fails to give it
    ("Le milliardaire n'a pas fourni de preuves à l'appui de son accusation.", 0, 1),
    ("En avril, Elon Musk avait dénoncé un entraînement illégal, sans étayer ses propos.", 0, 1),
    # a face-off named as such holds both sides in equal weight (rule 3)
    ("Le bras de fer oppose un réseau social en quête de revenus à un géant du logiciel peu pressé de payer.", 0, 0),
    ("Entre Twitter qui accuse et Microsoft qui promet de répondre, difficile de savoir qui a raison.", 0, 0),
    # a clause opened by an actor after "et le": two main clauses side by side (rule 3)
    ("Le réseau social reproche à Microsoft d'avoir dépassé les plafonds, et le géant du logiciel promet de répondre.",
     0, 0),
    # what Microsoft never paid for is its wrongdoing (LABELS.md §2: "refused to pay")
    ("Un chiffre vertigineux pour un accès que Microsoft n'a jamais payé.", 1, 0),
    # criticism is an accusation: Musk criticising OpenAI is Twitter's side (LABELS.md §4), Google is not
    ("Le milliardaire a également critiqué OpenAI pour être devenu une entreprise à but lucratif.", 1, 0),
    ("Elon Musk critique Google pour son retard dans l'IA.", 0, 0),
    # not paying is the writer's framing against Microsoft (LABELS.md §2: Microsoft "refused to pay")
    ("Sachant que Microsoft ne paie actuellement pas Twitter pour ces données.", 1, 0),
    # round 18: "tandis que" after a comma sets two clauses side by side (rule 3); opening the sentence it
    # is subordinate and the main clause wins
    ("Twitter dénonce un abus, tandis que Microsoft se dit ouvert au dialogue.", 0, 0),
    ("Tandis que Microsoft se dit ouvert au dialogue, Twitter réclame un audit complet.", 1, 0),
    ("While Musk talks of a lawsuit, Microsoft says it will review the concerns.", 0, 1),
    ("L'un exige un audit avant le 7 juin, l'autre promet de préserver un partenariat de longue date.", 0, 0),
    ("Ni Twitter ni Microsoft n'ont souhaité répondre à nos questions.", 0, 0),
    ("Ces accusations ne reposent, pour l'heure, que sur des chiffres fournis par Twitter lui-même.", 0, 1),
    ("Le patron de Tesla n'a rien d'un observateur désintéressé.", 0, 1),
    # review of this release: each of these was voiced wrongly by a first version of a new entry
    ("Elon Musk dénonce un conflit d'intérêts chez Microsoft, premier actionnaire d'OpenAI.", 1, 0),
    ("La défense de Microsoft ne repose que sur une promesse de réponse.", 1, 0),
    ("Microsoft a riposté en rappelant que son accord avec Twitter l'autorisait à utiliser l'API.", 0, 0),
    ("Le pari d'Elon Musk sur une API payante ne paie pas encore, selon plusieurs analystes.", 0, 0),
    ("Twitter ne paie pas le loyer de son siège de San Francisco.", 0, 0),
    ("Les nouveaux tarifs de Twitter, très critiqués par les développeurs, ont changé la donne.", 0, 0),
    ("Elon Musk reconnaît que la situation financière de Twitter reste critique.", 0, 0),
    ("Dans ce conflit opposant Twitter à Microsoft, l'avocat de Musk accuse le groupe d'avoir violé l'accord.", 1, 0),
    ("Musk a fait le vide dans les équipes de Twitter en licenciant près de 80 % du personnel.", 0, 0),
    # round 19: after a comma, a verb of saying followed by its own clause is no inverted form: the actor in
    # that clause is not the speaker
    ("Musk fired back, tweeting that Microsoft had trained illegally on Twitter's data.", 1, 0),
    ("Elon Musk a promis des poursuites, en affirmant que Microsoft avait nourri illégalement ses modèles.", 1, 0),
    ("« Nous examinerons ces questions », a déclaré Microsoft.", 0, 1),  # the inverted form itself
    # round 19: giving up paying is Microsoft's; giving up a vocation is nobody's framing; an answer's omission
    # is Microsoft's; lawsuits that never came frame Twitter
    ("Selon le courrier, l'usage a duré jusqu'en avril, lorsque Microsoft a renoncé à payer le nouvel accès.", 1, 0),
    ("Le milliardaire reproche à OpenAI d'avoir renoncé à sa vocation initiale.", 1, 0),
    ("Une réponse qui ne dit rien des volumes de données en cause.", 1, 0),
    ("Le milliardaire a déjà promis des procès qui ne sont jamais venus.", 0, 1),
])
def test_which_way_the_voices_lean(frame, text: str, twitter: int, microsoft: int) -> None:
    """This release's readings (rounds 16-18 and the two reviews): which side, if any, the sentence voices more."""
    assert_leans(frame, text, twitter, microsoft)


@pytest.mark.parametrize("text, twitter, microsoft", [
    # the writer's point after "mais" outweighs the claim conceded before it
    ("Le réseau social accuse Microsoft d'avoir aspiré ses données, mais sa lettre ne dit rien de l'IA.", 0, 1),
    ("Microsoft promet d'examiner les questions, mais il n'a jamais payé pour l'accès à l'API.", 1, 0),
    ("Twitter accuses Microsoft of misusing its data, but the letter does not mention AI training.", 0, 1),
    # nothing voiced after "mais": the claim before it counts
    ("Twitter accuse Microsoft d'avoir aspiré ses données, mais l'affaire remonte à 2022.", 1, 0),
    # "mais aussi" adds, it does not contrast
    ("Twitter accuse Microsoft d'avoir dépassé les limites, mais aussi d'avoir partagé des données.", 1, 0),
])
def test_a_contrast_makes_what_follows_it_the_sentences_point(frame, text: str, twitter: int,
                                                             microsoft: int) -> None:
    assert_leans(frame, text, twitter, microsoft)


@pytest.mark.parametrize("text, twitter, microsoft", [
    # round 20: what a side leaves out, in more words
    ("La lettre ne souffle mot de l'entraînement des modèles.", 0, 1),
    ("Les chiffres de la lettre ne disent rien de ce que l'accord permettait.", 0, 1),
    ("Le milliardaire ne précise quel modèle aurait été entraîné.", 0, 1),
    ("The letter never explains how the figures were reached.", 0, 1),
    # doubts on the case and its motives; volumes far beyond; paying rather than leaving
    ("Rien dans le courrier ne permet d'établir un partage de données.", 0, 1),
    ("Une façon de rentabiliser une API que les développeurs boudent.", 0, 2),
    ("Lawyers describe the letter as thin.", 0, 1),
    ("Les volumes dépassent de très loin les plafonds.", 1, 0),
    ("Microsoft a préféré rompre plutôt que payer.", 1, 0),
    ("Le milliardaire pilonne OpenAI depuis des mois.", 1, 0),
    # and not outside their sense
    ("Musk souffle un mot à l'oreille de ses avocats.", 0, 0),  # no "ne … mot"
    ("Les volumes ont dépassé les prévisions du marché.", 0, 0),  # "dépassé" alone frames nobody
    ("The thinnest laptop Microsoft ever made went on sale.", 0, 0),
])
def test_round_20_lexicon_entries_keep_to_their_sense(frame, text: str, twitter: int, microsoft: int) -> None:
    assert_leans(frame, text, twitter, microsoft)


def test_a_negated_act_corrected_by_mais_is_still_made(frame) -> None:
    # "ne … pas A, mais B": the accusation stands, only its object changes
    assert_leans(frame, "L'avocat ne reproche pas à Microsoft d'avoir piraté Twitter, mais de s'être servi "
                        "de ses données.", 1, 0)
    assert_leans(frame, "L'avocat ne reproche pas à Microsoft d'avoir piraté Twitter.", 0, 1)
    # "mais" then a verb of its own is no correction of the negated act
    assert_leans(frame, "Microsoft ne dément pas avoir consulté l'API, mais conteste les volumes.", 0, 1)


def test_neither_side_saying_what_is_at_stake_is_a_no_comment(frame) -> None:
    assert columns(frame, "Ni X ni Microsoft n'ont indiqué quelles sommes seraient en jeu.")["no_comment"] == 1


@pytest.mark.parametrize("text", [
    # the second clause's verb left out (gapping): both sides in one breath
    "Musk parle d'abus caractérisés, Microsoft d'un malentendu sur des usages anciens.",
    "Twitter parle de violations répétées ; Microsoft, d'un simple échange sur un usage passé.",
    # each side's own words in a clause it opens
    "Twitter says Microsoft broke the rules; Microsoft says it will look into the matter.",
])
def test_two_sides_saying_their_piece_side_by_side_hold_equal_weight(frame, text: str) -> None:
    assert columns(frame, text).get("reciprocal", 0) >= 1
    assert_leans(frame, text, 0, 0)


@pytest.mark.parametrize("text", [
    "Le patron de Microsoft a reçu la lettre, le réseau social d'Elon Musk accuse le groupe d'abus.",  # a genitive
    "Twitter accuse Microsoft d'abus, Microsoft, de son côté, ne dit rien.",  # "de son côté" is no gapped verb
    "Twitter says Microsoft broke the rules, the letter says.",  # one side only
])
def test_a_genitive_or_one_sides_clauses_are_not_two_sides_side_by_side(frame, text: str) -> None:
    assert columns(frame, text).get("reciprocal", 0) == 0


@pytest.mark.parametrize("text, twitter, microsoft", [
    # a concession that grants one side, then a main clause opened by the other side's actor: the main clause
    ("Si Microsoft se dit prêt à examiner les questions, Twitter maintient ses exigences.", 1, 0),
    ("Si Microsoft joue la carte de l'apaisement, le milliardaire, lui, ne lâche rien.", 1, 0),
    ("Même si le milliardaire menace, Microsoft se dit serein.", 0, 1),
    # the main clause opened by no actor, or by the side the concession voices: nothing added
    ("Si Microsoft se dit prêt à examiner les questions, rien n'est réglé.", 0, 0),
    ("Même si Microsoft promet d'examiner les questions, Microsoft se tait sur les volumes.", 0, 0),
])
def test_the_main_clause_after_a_concession_speaks_for_its_actor(frame, text: str, twitter: int,
                                                               microsoft: int) -> None:
    assert voices(frame, text) == (twitter, microsoft)


@pytest.mark.parametrize("text, twitter, microsoft", [
    # negation in the reporting language of the dev part
    ("Microsoft n'a pas expliqué pourquoi ses applications sollicitaient autant l'API.", 1, 0),
    ("Nor does the letter offer any evidence for the claim.", 0, 1),
    ("Rien, dans la lettre de jeudi, ne vient étayer cette accusation.", 0, 1),
    ("Qu'un client refuse un tarif multiplié par cent n'a rien d'un crime.", 0, 1),
    ("Microsoft n'a pas voulu payer ce prix.", 1, 0),
    ("Le groupe de Redmond ne verse aucun centime pour ces données.", 1, 0),
    ("Le groupe a refusé un tarif réduit, déplore l'avocat.", 1, 0),
    # "se contenter de" frames whoever only did that much
    ("Musk se contente pour l'instant d'une lettre d'avocat.", 0, 1),
    ("Microsoft se contente d'une réponse de deux phrases.", 1, 0),
    # and not outside their sense
    ("Microsoft a expliqué pourquoi ses applications utilisaient l'API.", 0, 0),
    ("Le milliardaire se contente rarement de peu.", 0, 0),  # no "de/d'" right after
])
def test_negation_and_minimising_entries_keep_to_their_sense(frame, text: str, twitter: int,
                                                             microsoft: int) -> None:
    assert_leans(frame, text, twitter, microsoft)


@pytest.mark.parametrize("text, twitter, microsoft", [
    # review of this release: "mais" in a relative clause or a quotation is no contrast of the sentence
    ("Twitter réclame un audit à Microsoft, une démarche rare mais que la firme de Redmond dit vouloir examiner.",
     1, 0),
    # real negations followed by "mais": no correction
    ("Elon Musk n'a pas menacé Microsoft de poursuites, mais au contraire salué un partenariat.", 0, 1),
    ("Microsoft n'a pas violé l'accord, mais au pire mal interprété ses conditions, selon un juriste.", 0, 1),
    # corrections in other forms
    ("Musk n'accuse pas seulement Microsoft d'avoir dépassé les limites, mais aussi d'avoir partagé des données.",
     1, 0),
    ("Musk is not accusing Microsoft of hacking, but of using Twitter data beyond the agreement.", 1, 0),
    # new lexicon entries outside the dispute's sense (review)
    ("Musk bought the cash-strapped platform for $44 billion last October.", 0, 0),
    ("Azure, now one of Microsoft's largest sources of revenue, hosts OpenAI's models.", 0, 0),
    ("Microsoft cherche à rentabiliser les milliards investis dans OpenAI.", 0, 0),
    ("Microsoft's lead in the AI race looks thin next to Google's.", 0, 0),
    ("La capitalisation boursière de Microsoft dépasse de très loin celle de Twitter.", 0, 0),
    ("Microsoft's ambitions in AI go well beyond Bing.", 0, 0),
    ("Elon Musk, pilonné par les critiques depuis le rachat, voit partir ses annonceurs.", 0, 0),
    ("Des développeurs ont préféré fermer leurs applications plutôt que payer le nouveau tarif.", 0, 0),
    # and in it
    ("Les volumes dépassent de très loin ce que prévoyait l'accord.", 1, 0),
    ("The usage went well beyond what the agreement allowed.", 1, 0),
    ("Lawyers say the case looks thin.", 0, 1),
    ("Microsoft's reply was notably thin.", 1, 0),
])
def test_review_of_round_20_changes(frame, text: str, twitter: int, microsoft: int) -> None:
    assert_leans(frame, text, twitter, microsoft)


def test_neither_side_saying_on_what_grounds_is_no_no_comment(frame) -> None:
    # review: "n'ont indiqué sur quoi reposent leurs accusations" is an omission, not a press no-comment
    assert columns(frame, "Ni Musk ni son avocat n'ont indiqué sur quoi reposent leurs accusations.").get(
        "no_comment", 0) == 0


@pytest.mark.parametrize("text, lean", [
    # review: "mais" inside the speaker's own quotation does not hand the sentence to the other side
    ("« Nous examinerons ces questions, mais nous refusons de payer un tarif abusif », a déclaré un porte-parole "
     "de Microsoft.", "not twitter"),
    # a negated act after "mais" is no point of its own: the accusation before it still counts
    ("L'avocat de Twitter accuse Microsoft d'avoir enfreint l'accord, mais ne menace pas de poursuites.",
     "not microsoft"),
])
def test_a_contrast_does_not_override_the_speaker_or_the_news(frame, text: str, lean: str) -> None:
    tw, ms = voices(frame, text)
    assert (tw <= ms) if lean == "not twitter" else (ms <= tw)


@pytest.mark.parametrize("text", [
    "It is far from clear how Microsoft will respond before the June deadline.",
    "Rien ne permet de savoir si Microsoft répondra avant l'échéance du 7 juin.",
])
def test_open_doubts_about_what_comes_next_are_no_framing(frame, text: str) -> None:
    c = columns(frame, text)
    assert c.get("framing_weakens_twitter", 0) == 0 and c.get("framing_weakens_microsoft", 0) == 0
