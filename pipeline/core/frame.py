"""Reporting-frame features for the stance model (docs/LABELS.md §2, rules 1 and 3).

Stance in press coverage is mostly *who is reported saying what*: "L'avocat du
milliardaire menace Microsoft de poursuites" voices Twitter's side, "La firme de
Redmond dément" voices Microsoft's.  Word n-grams learn this only for the actor
names and verbs they have seen; these features generalise over the lexicons of
``configs/frame_fr.yaml``:

* **actors**: Twitter's side (Twitter, X, Musk, le milliardaire, l'avocat, Spiro,
  le réseau social …) and Microsoft's (Microsoft, la firme de Redmond,
  l'éditeur de Windows, Nadella, Bing, Xbox …), matched on the lower-cased
  sentence, plus ``actors_cased`` matched as written ("X" alone is Twitter;
  "Xbox Series X" and "X.AI" are not);
* **acts**: accuse, threaten, demand, answer, deny, goodwill, say.

For every act found in a sentence, its **subject** is the nearest actor before
it (in a window of :data:`WINDOW` characters; none for two sides joined by
"et", "and" or "comme"), or the actor right after it when the act follows a closing quote or a
comma with no actor in between (the inverted "…», a répondu Microsoft"); its
**object** is the nearest actor after it, unless "que" opens a clause of its
own ("affirme que Microsoft a dépassé": Microsoft is that clause's subject).
Columns count ``subject_<side>_<act>``, ``object_<side>_<act>`` and
``negated_subject_<side>_<act>`` (a negation just before the act), plus an
allegation in the conditional after a side (``conditional_<side>``), a side
accused in the passive (``passive_<side>``), attribution ("selon", "d'après")
to a side (``attributed_to_<side>``), mentions of each side and which side is
named first, a claim whose speaker closes the sentence ("…, soutient
l'avocat.") or a Microsoft statement ("Microsoft explique que …", "Microsoft
souligne que les questions portent sur …"; not an announcement, not negated):
``claimed_by_<side>``, voicing that side; discrediting words (``discredited_<side>``) and the writer's framing
(``framing_weakens_<side>``) weigh :data:`FRAMING_WEIGHT`; and reciprocal or
face-off expressions (``reciprocal``: "se renvoient la balle", "le bras de
fer entre …") or two clauses side by side, each opened by one side's actor
with an act or its own words ("Musk attaque, Nadella rassure"; "Twitter says
…; Microsoft says …"; with the second verb left out, "Musk parle d'abus,
Microsoft d'un malentendu"), where the two ``voices`` columns are made
equal (LABELS.md rule 3).  A concession that opens the sentence and voices one
side ("Si Microsoft se dit prêt à examiner …,") followed by a main clause
opened by the other side's actor voices that actor's side.  After a contrast
("…, mais la lettre ne dit rien de …"), a side voiced there and not before
makes the sentence's point: what was voiced before the "mais" is conceded and
left out of the ``voices``.  Acts of or against third parties (``actors:
others``: Google, an open letter), acts where a side leaves the press
unanswered (``no_comment``, also a column) and acts in an open question on
what comes next (``open_question``) voice nobody; what a side leaves out
(``omission``: "ne dit pas un mot de …") is framing against that side.  Counts are capped at 3.

The lexicon is matched through :class:`pipeline.core.lexicon.LexiconIndex`:
each family (actors, acts, conditional …) as one alternation, run only over
the entries whose literals occur in the sentence, with the same matches as
the whole alternation.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from pipeline.core.lexicon import LexiconIndex

SIDES = ("twitter", "microsoft")
#: Actors of neither side (Google, Larry Page, an open letter …; ``actors: others`` in the lexicon): they can be
#: the subject or the object of an act, which then voices nobody (LABELS.md §4: Musk attacking Google or Larry
#: Page is AI-race background), and they get no column of their own.
OTHERS = "others"
ACTS = ("accuse", "wrongdoing", "threaten", "demand", "answer", "deny", "goodwill", "discredit", "say")
#: Characters between an actor and the act it performs (about a dozen words).
WINDOW = 90
#: Characters before an act in which a negation negates it ("n'a pas menacé", "ne conteste pas").
NEGATION_WINDOW = 24
#: An actor that follows an act this closely is its object ("accuse Microsoft"), never a later act's subject.
OBJECT_GAP = 16
#: Characters after a closing quote in which its speaker is named ("», a déclaré un porte-parole de Microsoft").
SPEAKER_WINDOW = 70
#: Characters after a denial in which an act of the same side is what it denies ("dément avoir partagé …").
DENIAL_SCOPE = 80
#: Acts that a denial by their own subject turns around: "Microsoft dément avoir enfreint …" voices Microsoft.
DENIABLE = ("wrongdoing", "accuse", "threaten")
#: Acts aimed at one side, whose subject, when it is only a pronoun, is the other side: in a two-sided dispute
#: "Elle reproche à Microsoft …", "il est demandé à Microsoft de …" speak for Twitter, "Elle dit vouloir
#: continuer à travailler avec le réseau social" for Microsoft.  A named subject that is not an actor (Bruxelles, the FTC,
#: developers) is a third party: nobody's side.  Act -> the side it is aimed at.
AIMED_AT = {"accuse": "microsoft", "threaten": "microsoft", "demand": "microsoft",
            "answer": "twitter", "goodwill": "twitter"}
#: A pronoun subject opening the clause before an act (what AIMED_AT needs), and an agent complement before an
#: actor ("soulevées par Twitter", "raised by Twitter"), which is then no object of the act.
_PRONOUN_SUBJECT = re.compile(r"(?:^|[,;:]\s*|\b(?:et|mais|puis|and|but|then)\s+)"
                              r"(?:elle|il|ils|elles|on|it|he|she|they)\b[^,;:.]*$")
_AGENT_BEFORE = re.compile(r"\b(?:par|by|of)\s*$")
#: Punctuation that ends a clause: an act's object never lies beyond it.
_BREAK = re.compile(r"[,;:.!?«»()]")
#: Characters before an actor searched for a governing preposition (the longest, "envers", and spaces).
GOVERNED_WINDOW = 10
#: A preposition right before an actor: the actor is a complement, not who speaks or acts.
_GOVERNED = re.compile(r"\b(?:par|à|au|aux|avec|contre|pour|sur|vers|envers)\s*$")
#: What follows a quotation whose speaker is named after it: "», a déclaré X", "», selon X", "» (X)".
_INVERTED = re.compile(r"\s*[,(]")
#: Characters before a verb of saying searched for the inverted form ("…, a déclaré X"), and after it for X.
INVERTED_WINDOW = 20
INVERTED_SPEAKER_WINDOW = 40
#: The end of the text before a verb in the inverted form: a closing quote or a comma, then up to two words.
_INVERTED_BEFORE = re.compile(r"[»,]\s*(?:\w+\s+){0,2}$")
#: The same, after a comma only ("…, soutient l'avocat."), for a speaker who closes the sentence.
_COMMA_BEFORE = re.compile(r",\s*(?:\w+\s+){0,2}$")
#: What may come between discrediting words and the actor they apply to ("le bluff de Musk", "un conflit
#: d'intérêts chez Microsoft").
_GENITIVE = re.compile(r"\s*(?:de |d'|des |chez )?")
#: A determiner right before a word of saying makes it a noun ("contrairement au tweet du milliardaire"), not a
#: verb.  Not "le", "la", "les", "l'", "leur": before a verb they are pronouns ("comme le souligne Microsoft").
_DETERMINER_BEFORE = re.compile(r"\b(?:au|aux|un|une|du|des|son|sa|ses|cet|cette|the|his|its|their)\s*$")
#: What may stand between the comma and the speaker of an English closing attribution ("…, the letter says").
_CLOSING_SPEAKER = re.compile(r"\s*(?:the\s+|a\s+|an\s+)?")
#: The end of a sentence, after its last word.
_SENTENCE_END = re.compile(r"\s*[.!?…]?\s*$")
#: What may follow a closing "…, a affirmé X": the speaker and the end of the sentence.
_CLOSING_ATTRIBUTION = re.compile(r"[^,;:.!?«»]{0,60}[.!?…]?\s*$")
#: Sides whose reported statements ("Microsoft explique que …", "Microsoft assure avoir …") are a claim of
#: theirs (rule 1).  Only Microsoft: its statements in this story are its answers, while Twitter's own
#: announcements (prices, API tiers) are background; counting Twitter's too lowered seed LOAO to 0.796.
STATEMENT_SIDES = ("microsoft",)
#: What follows a verb of saying when it reports content: "que", a colon, or an infinitive claim ("assure avoir");
#: in English "that" or the clause's subject ("said it would review …", "says the company relied on …").
_REPORTED_CONTENT = re.compile(r"\s*(?:\w+\s+){0,3}?(?:que\b|qu'|:|(?:n'|ne )?(?:avoir|être|vouloir|souhaiter)\b|"
                               r"that\b|it\b|the company\b|the group\b)")
#: A completive clause right after a verb ("affirme que", "argues that"): the actor after it is not the speaker.
_COMPLETIVE_AFTER = re.compile(r"\s*(?:\w+\s+){0,2}?(?:que\b|qu'|that\b)")
#: A completive clause starts between a verb and the actor after it ("affirme que Microsoft", "tweeting that
#: Microsoft").
_CLAUSE_START = re.compile(r"\bque\b|\bqu'|\bthat\b")
#: English verbs of saying, after which the actor that follows opens the reported clause ("says Microsoft took").
_ENGLISH_SAYING = re.compile(r"says|said|writes|wrote|claims|claimed|states|stated|alleges|alleged")
#: Between two actors that share a verb ("Twitter et Microsoft", "Musk and Nadella").
_JOINED = re.compile(r"\s+(?:et|and|comme)\s+")
#: What a statement is about when it answers the dispute without naming the other side ("Microsoft souligne
#: que les questions portent sur …"); a statement about anything else ("son outil change le 25 avril") is no claim.
_DISPUTE_OBJECT = re.compile(r"\b(?:questions?|api|accusations?|reproches?|griefs?|lettre|courrier|partenariat|"
                             r"relation|règles|accord|conditions d'utilisation|données du réseau)\b")
#: The same for an English statement, narrower: "agreement", "rules" or "partnership" alone is as often
#: Microsoft's other business (OpenAI, Activision) as this dispute.
_ENGLISH_DISPUTE_OBJECT = re.compile(r"\b(?:questions|letter|claims|accusations|allegations|"
                                     r"(?:relationship|partnership) with (?:twitter|the platform))\b")
#: Verbs that announce a decision or a date rather than argue a case (procedure: neutral, as in the seeds).
_ANNOUNCING = re.compile(r"annonc|fait savoir|préven|avert")
#: Where a clause that can stand side by side with another begins: after , ; : or a dash.
_PARALLEL_BREAK = re.compile(r"[,;:]\s*|\s[—–-]\s")
#: Targets that keep an attack on Twitter's side next to a third party ("menace OpenAI et Google"): LABELS.md §4.
_SIDE_TARGET = re.compile(r"\bopenai\b|\bchatgpt\b")


def _clause_end(text: str, pos: int) -> int:
    """The position of the first clause break (``_BREAK``) after ``pos``, or the end of ``text``."""
    m = _BREAK.search(text, pos)
    return m.start() if m else len(text)


def _first_of(text: str, pos: int, marks: Sequence[str]) -> int:
    """The position of the first of ``marks`` found after ``pos``, or the end of ``text``."""
    return min((i for i in (text.find(m, pos) for m in marks) if i >= 0), default=len(text))


#: A contrast that makes what follows it the sentence's point ("Twitter accuse Microsoft …, mais la lettre ne dit
#: rien de …"); not the additive "non seulement … mais aussi".
_CONTRAST = re.compile(r"\s(?:mais|but)\s(?!aussi\b|également\b|encore\b|surtout\b|also\b|"
                       r"(?:que|qu'|qui|dont|lequel|laquelle|lesquel\w*|that|which|who)\b)")


#: "ne … pas A, mais de B": the act is not negated, only its object corrected ("ne reproche pas à Microsoft
#: d'avoir piraté …, mais de s'être servi …"; "n'accuse pas seulement …, mais aussi d'avoir …"; "is not accusing
#: Microsoft of hacking, but of using …"); not "mais au contraire", "mais de nombreux observateurs", "d'ici …".
#: Matched right after the act; it cannot run past a full stop (none in what it allows before "mais").
_CORRECTION = re.compile(r"[^,;:.!?]{0,90},? (?:mais|but) (?:plutôt |bien |aussi |également |surtout |rather )?"
                         r"(?:de |d'|of |to )(?!autres\b|nombreu\w*|ici\b|après\b|son côté|sa part|leur\w* côté|"
                         r"plus\b|moins\b|toute? façon)")


def _last_contrast(text: str) -> int:
    """Where the last contrast of :data:`_CONTRAST` outside quotations ends in ``text`` ("une demande rare mais
    que Microsoft promet d'étudier" is a relative clause, "« …, mais nous refusons … »" the speaker's own
    words); past the end when there is none."""
    found = list(_CONTRAST.finditer(text))
    if found and ("«" in text or '"' in text):
        quotes = [(m.start(), m.end()) for m in _QUOTE.finditer(text)]
        found = [m for m in found if not _inside(m.start(), quotes)]
    return found[-1].end() if found else len(text) + 1


def _inside(pos: int, spans: Sequence[tuple[int, int]]) -> bool:
    """``pos`` lies in one of ``spans`` (begin included, end excluded)."""
    return any(b <= pos < e for b, e in spans)


#: What ends a concessive clause, and what ends a no-comment or open-question span (a coordination too:
#: "n'a pas commenté mais dément …").
_SUBORDINATE_ENDS = (",", ";", ":")
_SPAN_ENDS = (",", ";", ":", ".", " mais ", " et ", " but ", " and ")


#: Who leaves something out when no actor is named ("Il n'est pas fait mention de …"): the letter, Twitter's.
OMITTED_BY_DEFAULT = "twitter"
#: Unless the omission is an answer's ("Une réponse qui ne dit rien des volumes …"): in this story Microsoft answers.
_RESPONSE_BEFORE = re.compile(r"\b(?:réponse|communiqué|déclaration|réaction|response|statement)\b[^.;:]*$", re.I)
#: What may come before the actor that opens a clause set beside another ("…, et ce dernier promet …").
#: After a comma, "tandis que" / "while" too ("Twitter dénonce un abus, tandis que Microsoft se dit ouvert …").
_CLAUSE_OPENERS = ("", "et", "and", "le", "la", "l'", "et le", "et la", "et l'", "the", "and the", "tandis que",
                   "tandis que le", "tandis que la", "tandis que l'", "while", "while the")
#: An anaphora for the last actor named ("le réseau social reproche …, et ce dernier promet …").
_ANAPHORA = re.compile(r"\b(?:ce dernier|cette dernière|the latter)\b(?!\s+(?:trimestre|semestre|mois|jour|week-end|an|"
                       r"exercice|point|épisode|recours|mot|moment|rapport|courrier|message|tweet|billet|communiqué|"
                       r"chapitre|volet|cas|étape|rebondissement|lettre|version|tarif|accord|contrat|quarter|year|month))")
#: The acts that make a clause one side's voice when two clauses are set side by side.
PARALLEL_ACTS = ("accuse", "wrongdoing", "threaten", "demand", "answer", "deny", "goodwill")
#: A clause whose verb is left out because the clause before has it ("Musk parle d'abus, Microsoft d'un
#: malentendu"): an actor right after the break, then "de": not "Microsoft, de son côté, …", and no actor in
#: the next :data:`GAP_WINDOW` characters (not a genitive: "le réseau social d'Elon Musk").
_GAPPED = re.compile(r",?\s*(?:de |d'|du |des )(?!(?:son|sa|ses|leur|leurs|notre|nos|votre|vos) )")
GAP_WINDOW = 12
#: Only after a comma or a semicolon: not after a colon or a dash, which announce what the clause before says.
_BREAK_BEFORE_GAP = re.compile(r"[:—–-]")
_QUOTE = re.compile(r"«[^»]*»?|\"[^\"]*\"?")
CAP = 3.0

#: Columns that voice each side under LABELS.md §2 rule 1 (a claim takes the side of whoever makes it) and the
#: writer's framing; their sums are the ``voices_<side>`` columns: two dense features whose weights a small
#: training set can learn, where the detailed columns are too sparse.
VOICES = {
    "twitter": ("subject_twitter_accuse", "subject_twitter_threaten", "subject_twitter_demand",
                "subject_microsoft_wrongdoing", "conditional_microsoft", "passive_microsoft", "claimed_by_twitter",
                "attributed_to_twitter", "quoted_twitter", "framing_weakens_microsoft",
                "negated_subject_microsoft_deny", "negated_subject_microsoft_answer",
                "discredited_microsoft"),
    "microsoft": ("subject_microsoft_answer", "subject_microsoft_deny", "subject_microsoft_goodwill",
                  "claimed_by_microsoft", "negated_subject_microsoft_wrongdoing", "negated_subject_twitter_threaten",
                  "negated_subject_twitter_accuse", "attributed_to_microsoft", "quoted_microsoft",
                  "framing_weakens_twitter", "discredited_twitter"),
}

#: The writer's framing outweighs a claim it frames ("des procès qui ne se sont jamais concrétisés").
FRAMING_WEIGHT = 2
#: The side each voicing column speaks for.
_VOICE_OF = {column: side for side, columns in VOICES.items() for column in columns}


class FrameFeatures(BaseEstimator, TransformerMixin):
    """Counts of who-does-what in a sentence record's ``text`` (see the module docstring).

    Columns are counts capped at :data:`CAP` and divided by it (so in [0, 1]);
    the two ``voices_<side>`` columns are then multiplied by ``voices_weight``.

    Args:
        lexicon: the parsed ``configs/frame_fr.yaml`` (``actors``, ``acts``,
            ``conditional``, ``attribution``, ``passive``, ``negation``,
            ``subordinate``, ``no_comment``, ``open_question``, ``omission``,
            ``reciprocal``, ``framing``).
        voices_weight: scale of the two ``voices_<side>`` columns next to the others.
    """

    def __init__(self, lexicon: dict[str, Any] | None = None, voices_weight: float = 1.0) -> None:
        self.lexicon = lexicon
        self.voices_weight = voices_weight

    def fit(self, X: Sequence[Any], y: Any = None) -> FrameFeatures:
        lex = self.lexicon or {}
        missing = [k for k in ("actors", "acts", "conditional", "attribution", "passive", "negation", "subordinate",
                                  "no_comment", "open_question", "omission", "reciprocal", "framing")
                   if k not in lex]
        if missing:
            raise ValueError(f"frame lexicon: missing section(s) {', '.join(missing)}")
        cased = lex.get("actors_cased") or {}
        unknown = (sorted(set(lex["actors"]) - {*SIDES, OTHERS}) + sorted(set(cased) - set(SIDES))
                   + sorted(set(lex["acts"]) - set(ACTS)))
        if unknown:
            raise ValueError(f"frame lexicon: unknown actor side or act {', '.join(unknown)}; "
                             f"sides are {', '.join(SIDES)} (and {OTHERS} for actors), acts {', '.join(ACTS)}")
        try:
            self.lexicon_ = self._index(lex)
            self.cased_ = LexiconIndex({"actors_cased": {side: cased.get(side) or [] for side in SIDES}})
        except ValueError as exc:
            raise ValueError(f"frame lexicon: {exc}") from None
        self.names_ = self._names()
        self.index_ = {n: i for i, n in enumerate(self.names_)}
        return self

    @staticmethod
    def _index(lex: dict[str, Any]) -> LexiconIndex:
        """The lexicon's families: actors by side, acts by kind, and one family for each other section."""
        return LexiconIndex({
            "actors": {side: lex["actors"][side] for side in (*SIDES, OTHERS) if lex["actors"].get(side)},
            "acts": {act: lex["acts"][act] for act in ACTS if lex["acts"].get(act)},
            **{family: {family: lex[family]} for family in ("conditional", "attribution", "passive", "negation",
                                                            "subordinate", "no_comment", "open_question",
                                                            "omission", "reciprocal")},
            **{f"weakens_{side}": {f"weakens_{side}": lex["framing"][f"weakens_{side}"]} for side in SIDES},
        })

    @staticmethod
    def _names() -> list[str]:
        names = [f"{role}_{side}_{act}" for role in ("subject", "object", "negated_subject")
                 for side in SIDES for act in ACTS if act != "discredit"]
        kinds = ("conditional", "passive", "attributed_to", "quoted", "mentions", "named_first", "framing_weakens",
                 "discredited", "claimed_by")
        names += [f"{kind}_{side}" for kind in kinds for side in SIDES]
        names += ["conditional_any", "quotation", "reciprocal", "no_comment", *[f"voices_{side}" for side in SIDES]]
        return names

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        check_is_fitted(self, "names_")
        return np.asarray([f"frame_{n}" for n in self.names_], dtype=object)

    def _subordinate(self, text: str, hits: dict[str, tuple[int, ...]]) -> list[tuple[int, int]]:
        """Spans of concessive or hypothetical clauses ("même si …,", "malgré …,", "reste à savoir si …"):
        from the marker to the next clause break, or from the clause start for "X a beau …,"."""
        spans = []
        for begin, end, _ in self.lexicon_.find("subordinate", text, hits):
            if "beau" in text[begin:end]:
                begin = max(text.rfind(c, 0, begin) for c in ",;:") + 1
            spans.append((begin, _first_of(text, end, _SUBORDINATE_ENDS)))
        return spans

    def _spans(self, family: str, text: str, hits: dict[str, tuple[int, ...]]) -> list[tuple[int, int]]:
        """Spans of ``family`` (``no_comment``: a side declines to comment or leaves the press unanswered,
        "n'a pas donné suite", "declined to comment"; ``open_question``: "ira-t-il jusqu'au procès ?"):
        from the match to the next clause break or coordination ("n'a pas commenté mais dément …")."""
        return [(begin, _first_of(text, end, _SPAN_ENDS)) for begin, end, _ in self.lexicon_.find(family, text, hits)]

    def _row(self, original: str) -> np.ndarray:
        row = np.zeros(len(self.names_))
        index = self.index_
        text = original.lower().replace("’", "'").replace("`", "'").replace("ʼ", "'")
        hits = self.lexicon_.candidates(text)
        subordinate = self._subordinate(text, hits)
        unanswered = self._spans("no_comment", text, hits)
        row[index["no_comment"]] = len(unanswered)
        silent = unanswered + self._spans("open_question", text, hits)
        contrast = _last_contrast(text)
        voices = dict.fromkeys(SIDES, 0.0)
        conceded = dict.fromkeys(SIDES, 0.0)  # voiced before the sentence's "mais"
        in_concession = dict.fromkeys(SIDES, 0.0)  # voiced in a concessive clause opening the sentence
        opening = next(((b, e) for b, e in subordinate if not text[:b].strip()), None)

        def add(column: str, pos: int) -> None:
            """Count ``column``; a voicing column counts towards its side unless in a subordinate clause.
            A column about a third party (:data:`OTHERS`) does not exist: nothing is counted."""
            if OTHERS in column.split("_"):
                return
            row[index[column]] += 1
            side = _VOICE_OF.get(column)
            if side and not _inside(pos, subordinate):
                weight = FRAMING_WEIGHT if column.startswith(("framing_", "discredited_")) else 1
                # a negated act after "mais" ("…, mais ne menace pas de poursuites") is no point of its own
                (conceded if pos < contrast or column.startswith("negated_") else voices)[side] += weight
            elif side and opening and opening[0] <= pos < opening[1] and not column.startswith("framing_"):
                in_concession[side] += 1  # a side's act or words there, not the writer's "malgré"

        for side in SIDES:
            for start, _, _ in self.lexicon_.find(f"weakens_{side}", text, hits):
                if not _inside(start, unanswered):
                    add(f"framing_weakens_{side}", start)
        row[index["conditional_any"]] = len(self.lexicon_.find("conditional", text, hits))
        row[index["quotation"]] = float("«" in text or "\"" in text)
        actors = self.lexicon_.find("actors", text, hits)
        if len(original) == len(text):  # same offsets: the case-sensitive actors ("X") can join the others
            cased = self.cased_.find("actors_cased", original, self.cased_.candidates(original))
            if cased:
                actors = sorted(actors + [a for a in cased if not any(b[0] < a[1] and a[0] < b[1] for b in actors)])
        if actors:  # "ce dernier" stands for the last actor named before it
            named = [(m.start(), m.end(), next(a[2] for a in reversed(actors) if a[1] <= m.start()))
                     for m in _ANAPHORA.finditer(text) if actors[0][1] <= m.start()]
            actors = sorted(actors + named)
        for start, _, _ in self.lexicon_.find("omission", text, hits):
            if not _inside(start, unanswered):
                free = [a for a in actors if a[1] <= start and start - a[1] <= WINDOW
                        and not _GOVERNED.search(text, max(0, a[0] - GOVERNED_WINDOW), a[0])]
                stop = _clause_end(text, start)
                later = [a for a in actors if start <= a[0] < stop]
                if free:
                    target = free[-1][2]
                elif later:
                    target = later[0][2]
                elif _RESPONSE_BEFORE.search(text, max(0, start - WINDOW), start):
                    target = "microsoft"  # "Une réponse qui ne dit rien de …": Microsoft's answer
                else:
                    target = OMITTED_BY_DEFAULT
                if target in SIDES:
                    add(f"framing_weakens_{target}", start)
        parallel = self._actors_and_acts(text, hits, actors, add, silent, subordinate) if actors else False
        if not any(voices[side] and not conceded[side] for side in SIDES):
            # no side is voiced after "mais" alone: what came before it counts
            voices = {side: voices[side] + conceded[side] for side in SIDES}
        if opening:
            # "Si Microsoft se dit prêt à examiner …, Twitter maintient …": the main clause, opened by the other
            # side's actor, answers what the concession grants (rule 3: the main clause dominates)
            main = next((a for a in actors if a[0] >= opening[1]), None)
            if (main and main[2] in SIDES and text[opening[1]:main[0]].strip(" ,") in _CLAUSE_OPENERS
                    and any(in_concession[side] for side in SIDES if side != main[2])
                    and not in_concession[main[2]]):
                voices[main[2]] = max(voices[main[2]], 1)
        reciprocal = len(self.lexicon_.find("reciprocal", text, hits)) + int(parallel)
        row[index["reciprocal"]] = reciprocal
        if reciprocal:  # both sides in one breath: neither is voiced more (rule 3)
            voices = dict.fromkeys(SIDES, max(voices.values()))
        for side in SIDES:
            row[index[f"voices_{side}"]] = voices[side]
        return np.minimum(row, CAP)

    def _actors_and_acts(self, text: str, hits: dict[str, tuple[int, ...]], actors: list[tuple[int, int, str]],
                         add: Any, silent: Sequence[tuple[int, int]] = (),
                         subordinate: Sequence[tuple[int, int]] = ()) -> bool:
        """The columns that need an actor: mentions, subjects and objects of acts, quotations, attribution.

        Acts inside a ``silent`` span (:meth:`_spans`) are not counted: a side that does not answer the press
        voices nobody (LABELS.md §2: "Twitter did not reply to a request for comment" is neutral), nor does
        an open question on what it will do next.

        Returns whether the sentence sets the two sides side by side: an act of one side, outside the
        ``subordinate`` spans, in a clause that opens with its actor, and an act of the other side in a later
        clause that opens with its own
        ("Musk attaque, Nadella rassure"; "Twitter accuse Microsoft … ; Microsoft répond …"; "Selon Twitter,
        … ; selon Microsoft, …"): two main clauses of equal weight (rule 3)."""
        breaks = [m.end() for m in _PARALLEL_BREAK.finditer(text)]

        def clause_of(pos: int) -> tuple[int, int]:
            """The index of the clause holding ``pos`` and where that clause begins."""
            k = bisect.bisect_right(breaks, pos)
            return k, breaks[k - 1] if k else 0

        def clause_opened_by(pos: int, side: str) -> int | None:
            """The index of the clause holding ``pos`` if an actor of ``side`` opens it, else None."""
            k, begin = clause_of(pos)
            opens = any(a[2] == side and begin <= a[0] <= pos and text[begin:a[0]].strip() in _CLAUSE_OPENERS
                        for a in actors)
            return k if opens else None

        sides_by_clause: dict[int, str] = {}  # clauses opened by the actor of an act, and the side it voices
        sources_by_clause: dict[int, str] = {}  # clauses opened by "selon <side>", and that side
        for start, _, side in actors:
            add(f"mentions_{side}", start)
        add(f"named_first_{actors[0][2]}", actors[0][0])
        acts = [a for a in self.lexicon_.find("acts", text, hits) if not _inside(a[0], silent)]
        # An actor right after an act is that act's object ("attaquer Microsoft"): not a subject candidate.
        # Nor is an actor governed by a preposition ("soutenu par Microsoft", "contre Twitter").
        # An actor after "que" starts a clause of its own ("affirme que Microsoft a dépassé"): a subject.
        # So does an actor right after an English verb of saying ("Twitter says Microsoft took …": no "that").
        subjects = [a for a in actors if not any(0 <= a[0] - e <= OBJECT_GAP and not _BREAK.search(text, e, a[0])
                                                 and not _CLAUSE_START.search(text, e, a[0])
                                                 and not (act == "say" and _ENGLISH_SAYING.fullmatch(text, s, e))
                                                 for s, e, act in acts)
                    and not _GOVERNED.search(text, max(0, a[0] - GOVERNED_WINDOW), a[0])]
        quotes = [(m.start(), m.end()) for m in _QUOTE.finditer(text)]

        def before(pos: int) -> str | None:
            """The nearest subject before ``pos``; none for two sides joined ("Twitter et Microsoft collaborent")."""
            found = [a for a in subjects if a[1] <= pos and pos - a[1] <= WINDOW]
            if not found:
                return None
            if len(found) > 1 and found[-2][2] != found[-1][2] and _JOINED.fullmatch(text, found[-2][1], found[-1][0]):
                return None
            return found[-1][2]

        def after(pos: int, window: int = WINDOW, same_clause: bool = False) -> str | None:
            """The first actor within ``window`` after ``pos``; with ``same_clause``, none if a clause break or a
            "que" (a clause of its own: "affirme que Microsoft …") comes first."""
            found = [a for a in actors if a[0] >= pos and a[0] - pos <= window]
            if not found or (same_clause and (_BREAK.search(text, pos, found[0][0])
                                              or _CLAUSE_START.search(text, pos, found[0][0]))):
                return None
            return found[0][2]

        def inverted(pos: int, form: re.Pattern[str]) -> bool:
            """The verb at ``pos`` follows a quotation or a comma (``form``) with no actor after that mark:
            "…», a dénoncé Musk" is inverted, ", la lettre indique …" is not."""
            window_start = max(0, pos - INVERTED_WINDOW)
            m = form.search(text, window_start, pos)
            return m is not None and not any(m.start() <= a[0] < pos for a in actors)

        def discredited(start: int, end: int) -> str | None:
            """Whom discrediting words apply to: an actor right after them ("le bluff de Musk", "coup de sang
            d'Elon Musk"), else the nearest actor before that no preposition governs ("Musk, coutumier des
            provocations"), else the first actor after them in the same clause."""
            follows = _GENITIVE.match(text, end).end()  # type: ignore[union-attr]
            found = next((a[2] for a in actors if a[0] == follows), None)
            if found:
                return found
            free = [a for a in actors if a[1] <= start and start - a[1] <= WINDOW
                    and not _GOVERNED.search(text, max(0, a[0] - GOVERNED_WINDOW), a[0])]
            return free[-1][2] if free else after(end, same_clause=True)

        def quoted_by(qs: int, qe: int) -> str | None:
            """Who says a quotation: the actor named after it ("», a dit X"), else the sentence's first subject."""
            first = next((a[2] for a in subjects if a[1] <= qs), None)
            # French "», a dit X" has the comma after the quotation, English '," X said' inside it.
            inverted = _INVERTED.match(text, qe) or text[qs:qe].rstrip("\"» ").endswith(",")
            return (after(qe, SPEAKER_WINDOW) if inverted else None) or first

        def speaker(pos: int, end: int) -> str | None:
            """Who says the words at ``pos``: inside a quotation, its speaker (:func:`quoted_by`); after a comma
            the actor named after the verb ("…, a déclaré X"), unless a clause of its own follows the verb
            ("…, en affirmant que Microsoft …", "…, argues that Microsoft …": that actor is the clause's)."""
            for qs, qe in quotes:
                if qs <= pos < qe:
                    return quoted_by(qs, qe)
            if inverted(pos, _INVERTED_BEFORE) and not _COMPLETIVE_AFTER.match(text, end):
                named_after = after(pos, INVERTED_SPEAKER_WINDOW)
                if named_after:
                    return named_after
            return before(pos)

        for qs, qe in quotes:
            side = quoted_by(qs, qe)
            if side:
                add(f"quoted_{side}", qs)

        def negated(start: int, since: int = 0, end: int | None = None) -> bool:
            """A negation in the clause before ``start`` (not before ``since``, the end of the previous act), unless
            a correction follows the act (from ``end``): "ne reproche pas … d'avoir piraté, mais de s'être servi …"
            still reproaches."""
            clause = re.split(r"[,;:«»()]| mais | but ", text[max(0, start - NEGATION_WINDOW, since):start])[-1]
            if end is not None and _CORRECTION.match(text, end):
                return False
            return bool(self.lexicon_.find("negation", clause, hits))

        def closed_by_english_speaker(start: int, subject: str) -> bool:
            """English closes with the speaker before the verb ("Microsoft exceeded the limits, the letter says."):
            ``subject``'s actor right after the last comma before the verb at ``start``, and an actor of the other
            side before that comma (the claim is about it)."""
            comma = text.rfind(",", 0, start)
            return comma >= 0 and any(
                a[2] == subject and _CLOSING_SPEAKER.fullmatch(text, comma + 1, a[0]) and not text[a[1]:start].strip()
                for a in actors) and any(a[2] != subject and a[2] in SIDES for a in actors if a[1] <= comma)

        denials: list[tuple[int, str]] = []
        previous_end = 0
        for start, end, act in acts:
            if act == "discredit":  # the writer's words about a side, whoever is speaking
                target = discredited(start, end)
                if target:
                    add(f"discredited_{target}", start)
                previous_end = end
                continue
            subject = speaker(start, end)
            english_saying = bool(_ENGLISH_SAYING.fullmatch(text, start, end))
            # an English "said (that) …" statement; "said: …" is a statement like the French ones
            english_statement = english_saying and not text[end:].lstrip().startswith(":")
            if (act == "say" and subject and _CLOSING_ATTRIBUTION.match(text, end)
                    and not _DETERMINER_BEFORE.search(text, max(0, start - 8), start)
                    and inverted(start, _COMMA_BEFORE)
                    and after(end, INVERTED_SPEAKER_WINDOW, same_clause=True) == subject):  # named after the verb
                # "…, soutient l'avocat." closes the sentence: the whole claim is that speaker's (rule 1).
                add(f"claimed_by_{subject}", start)
            elif (act == "say" and subject and english_saying and _SENTENCE_END.match(text, end)
                  and closed_by_english_speaker(start, subject)):
                # "…, the letter says." closes the sentence: the claim is that speaker's (rule 1, as above).
                add(f"claimed_by_{subject}", start)
            elif (act == "say" and subject in STATEMENT_SIDES and _REPORTED_CONTENT.match(text, end)
                  and not _ANNOUNCING.match(text, start) and not negated(start)
                  and ((any(a[2] != subject for a in actors if a[0] >= end) and not english_statement)
                       or (_ENGLISH_DISPUTE_OBJECT if english_statement else _DISPUTE_OBJECT).search(
                           text, end, _clause_end(text, end)))):
                # "Microsoft explique que …": its statement is its claim (rule 1), whether or not it names Twitter
                # (round 12: "Microsoft souligne que les questions portent sur son usage passé d'une API gratuite").
                # In English only a statement on the dispute's objects counts: "said it would review the questions"
                # is an answer, "said it would drop Twitter from its ad tool" an announcement (neutral).
                add(f"claimed_by_{subject}", start)
            obj = after(end, same_clause=True)  # an actor in another clause is not the object
            if obj == OTHERS and act in ("accuse", "threaten", "demand"):
                stop = _clause_end(text, end)  # the objects: up to the end of the act's clause
                if not _SIDE_TARGET.search(text, end, stop) and not any(a[2] in SIDES for a in actors
                                                                        if end <= a[0] < stop):
                    subject = None  # an attack on a third party only is background, whoever makes it (LABELS.md §4)
            if (subject is None and obj in SIDES and AIMED_AT.get(act) == obj
                    and _PRONOUN_SUBJECT.search(text, max(0, start - WINDOW), start)
                    and not any(a[2] == obj and _AGENT_BEFORE.search(text, max(0, a[0] - GOVERNED_WINDOW), a[0])
                                for a in actors if end <= a[0])):
                subject = next(side for side in SIDES if side != obj)
            if subject:
                # A negation before an earlier act is that act's ("ne conteste pas avoir dépassé").
                negated_act = negated(start, previous_end, end) or (
                    act in DENIABLE and any(side == subject and 0 <= start - e <= DENIAL_SCOPE for e, side in denials))
                column = f"{'negated_subject' if negated_act else 'subject'}_{subject}_{act}"
                add(column, start)
                voiced = _VOICE_OF.get(column)  # "Microsoft aurait dépassé …" voices Twitter, not Microsoft
                # a side's own words in a clause it opens ("Twitter says …; Microsoft says …") set it beside the other
                beside = voiced if act in PARALLEL_ACTS else (subject if act == "say" and subject in SIDES else None)
                clause = (clause_opened_by(start, subject)
                          if beside and not _inside(start, subordinate)
                          else None)
                if clause is not None:
                    sides_by_clause.setdefault(clause, beside)
                if act == "deny" and not negated_act:
                    denials.append((end, subject))
            if obj and obj != subject:
                add(f"object_{obj}_{act}", start)
            previous_end = end
        for kind in ("conditional", "passive"):
            for start, _, _ in self.lexicon_.find(kind, text, hits):
                side = before(start)
                if side:
                    add(f"{kind}_{side}", start)
        for start, end, _ in self.lexicon_.find("attribution", text, hits):
            # "selon la lettre, Microsoft …": the source ends at the comma; the actor after it is not the source.
            side = after(end, 40, same_clause=True)
            if side:
                add(f"attributed_to_{side}", start)
                k, begin = clause_of(start)
                if side in SIDES and not text[begin:start].strip():  # "…; selon Microsoft, …"
                    sources_by_clause.setdefault(k, side)
        # "Musk parle d'abus, Microsoft d'un malentendu": the second clause's verb is left out (gapping)
        openers: dict[int, str] = {}  # clauses opened by an actor of a side, whatever the act
        gapped = False
        for a_start, a_end, side in actors:
            k, begin = clause_of(a_start)
            if side not in SIDES or text[begin:a_start].strip() not in _CLAUSE_OPENERS:
                continue
            openers.setdefault(k, side)
            if (k and _GAPPED.match(text, a_end) and not _BREAK_BEFORE_GAP.search(text, begin - 2, begin)
                    and not any(a_end <= b[0] <= a_end + GAP_WINDOW for b in actors)
                    and any(other != side for j, other in openers.items() if j < k)):
                gapped = True
        return gapped or any(len(set(by_clause.values()) & set(SIDES)) == 2
                             for by_clause in (sides_by_clause, sources_by_clause))

    def transform(self, X: Sequence[Any]) -> np.ndarray:
        check_is_fitted(self, "names_")
        rows = [self._row(r["text"] if isinstance(r, dict) else str(r)) for r in X]
        out = np.asarray(rows, dtype=float).reshape(len(rows), len(self.names_)) / CAP
        out[:, [self.index_[f"voices_{side}"] for side in SIDES]] *= self.voices_weight
        return out
