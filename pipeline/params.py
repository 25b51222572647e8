"""The params schema: every knob of ``configs/params.yaml``, typed and validated.

Each section of the file is a frozen dataclass whose fields have **no
defaults**: the YAML file is the one place where a value is set, and a key
missing from it is an error, as is a key the schema does not know (the message
names it and the nearest valid key).  Stages call :func:`load_params`; a saved
model keeps the sections ``predict()`` needs as plain dicts and rebuilds them
with :meth:`Section.from_dict`, so a bundle is checked the same way.

Only the standard library is imported here (``yaml`` on loading): this module is
on the path of ``import pipeline``.
"""

from __future__ import annotations

import dataclasses
import difflib
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args, get_origin

from pipeline import config

S = TypeVar("S", bound="Section")

CLASSIFIERS = ("logreg", "linear_svm", "complement_nb")
Classifier = Literal["logreg", "linear_svm", "complement_nb"]


class ParamsError(ValueError):
    """A params file (or an experiment's overrides) does not fit the schema."""


def _check(value: Any, hint: Any, where: str) -> Any:
    """``value`` converted to ``hint`` (lists to tuples), or ParamsError naming ``where``."""
    origin = get_origin(hint)
    if hint is Any:
        return value
    if origin is Literal:
        if value not in get_args(hint):
            raise ParamsError(f"{where}: {value!r} is not one of {', '.join(map(repr, get_args(hint)))}")
        return value
    if origin in (typing.Union, types.UnionType):
        errors = []
        for option in get_args(hint):
            try:
                return _check(value, option, where)
            except ParamsError as exc:
                errors.append(str(exc))
        raise ParamsError(f"{where}: {value!r} does not fit {_name(hint)}")
    if hint is type(None):
        if value is not None:
            raise ParamsError(f"{where}: expected null, got {value!r}")
        return None
    if origin is tuple:
        args = get_args(hint)
        if not isinstance(value, (list, tuple)):
            raise ParamsError(f"{where}: expected a list, got {value!r}")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_check(v, args[0], f"{where}[{i}]") for i, v in enumerate(value))
        if len(value) != len(args):
            raise ParamsError(f"{where}: expected a list of {len(args)} values, got {value!r}")
        return tuple(_check(v, a, f"{where}[{i}]") for i, (v, a) in enumerate(zip(value, args)))
    if dataclasses.is_dataclass(hint):
        return hint.from_dict(value, where)
    if hint is bool:
        if not isinstance(value, bool):
            raise ParamsError(f"{where}: expected true or false, got {value!r}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ParamsError(f"{where}: expected an integer, got {value!r}")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ParamsError(f"{where}: expected a number, got {value!r}")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise ParamsError(f"{where}: expected a string, got {value!r}")
        return value
    raise TypeError(f"{where}: unsupported type {hint!r} in the params schema")


def _name(hint: Any) -> str:
    return getattr(hint, "__name__", None) or str(hint).replace("typing.", "")


@dataclasses.dataclass(frozen=True)
class Section:
    """Base of every params section: strict construction from a mapping, and back."""

    @classmethod
    def from_dict(cls: type[S], data: Any, where: str = "") -> S:
        """Build the section from ``data``; unknown, missing or mistyped keys raise :class:`ParamsError`."""
        label = where or cls.__name__
        if not isinstance(data, Mapping):
            raise ParamsError(f"{label}: expected a mapping of keys to values, got {data!r}")
        hints = typing.get_type_hints(cls)
        names = [f.name for f in dataclasses.fields(cls)]
        for key in data:
            if key not in names:
                near = difflib.get_close_matches(str(key), names, n=1, cutoff=0.5)
                hint = f"; did you mean {near[0]!r}?" if near else f"; valid keys: {', '.join(names)}"
                raise ParamsError(f"{_join(where, str(key))}: unknown key{hint}")
        missing = [n for n in names if n not in data]
        if missing:
            raise ParamsError(f"{label}: missing key(s) {', '.join(missing)} (every knob is set in {config.PARAMS_FILE.name})")
        return cls(**{n: _check(data[n], hints[n], _join(where, n)) for n in names})

    def to_dict(self) -> dict[str, Any]:
        """Plain dicts and lists, as in the YAML file."""
        def plain(v: Any) -> Any:
            if isinstance(v, Section):
                return v.to_dict()
            if isinstance(v, tuple):
                return [plain(x) for x in v]
            return v

        return {f.name: plain(getattr(self, f.name)) for f in dataclasses.fields(self)}


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


@dataclasses.dataclass(frozen=True)
class CleanParams(Section):
    #: Photo/video labels moved to a line of their own when glued to the sentence before them.
    caption_labels: tuple[str, ...]
    #: Furniture labels that scrapers glue to the next word ("Article suivantLes ...").
    glued_labels: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class SegmentParams(Section):
    #: Abbreviations after which a period never ends a sentence (titles, cf., p., N°).
    abbreviations_file: str
    initials_are_abbreviations: bool
    #: Abbreviations that may close a sentence (etc.): it ends there before a sentence starter.
    final_abbreviations_file: str
    #: Company forms (Inc., S.A.): same rule as final abbreviations.
    company_forms_file: str
    #: Names spelt with a final "!" or "?" (Yahoo!): same rule.
    names_file: str
    #: Frequent sentence starters, which decide the three rules above.
    sentence_starters_file: str


@dataclasses.dataclass(frozen=True)
class LabelParams(Section):
    annotations_file: str
    rules_file: str
    train_on_rule_labels: bool
    #: Train on the authored pages (seeds/authored/, written for the project) as well as on the scraped ones.
    train_on_authored: bool
    #: Also train the stance model on the stance sentences of the checklist's dev part (never the frozen part).
    train_on_checklist_dev: bool


@dataclasses.dataclass(frozen=True)
class BoilerplateParams(Section):
    word_ngrams: tuple[int, int]
    char_ngrams: tuple[int, int]
    use_char_ngrams: bool
    use_context_features: bool
    use_position: bool
    use_rule_votes: bool
    neighbour_window: int
    neighbour_C: float
    augment_trimmed_pages: bool
    rule_floor: float
    smooth_lines: bool
    min_df: int
    classifier: Classifier
    C: float
    alpha: float
    class_weight: str | None
    calibration_cv: int


@dataclasses.dataclass(frozen=True)
class StanceParams(Section):
    word_ngrams: tuple[int, int]
    char_ngrams: tuple[int, int]
    use_char_ngrams: bool
    use_cue_features: bool
    cue_weight: float
    #: Who-does-what features of the reporting frame (pipeline/core/frame.py, configs/frame_fr.yaml).
    use_frame_features: bool
    frame_weight: float
    #: Scale of the two summary columns (what voices each side) next to the detailed frame columns.
    voices_weight: float
    #: Where the frame voices one side more than the other, P(that side) is at least this (0 = off).
    frame_vote_floor: float
    #: Weight of a plain TF-IDF (words and characters) logistic regression averaged into the stance
    #: probabilities (0 = off; experiments/tfidf_blend.yaml).
    tfidf_blend: float
    quote_context: bool
    stem: bool
    min_df: int
    classifier: Classifier
    C: float
    alpha: float
    class_weight: str | None
    calibration_cv: int


@dataclasses.dataclass(frozen=True)
class TrainParams(Section):
    seed: int
    cues_file: str
    frame_file: str
    boilerplate: BoilerplateParams
    stance: StanceParams


@dataclasses.dataclass(frozen=True)
class EvaluateParams(Section):
    n_misclassified_max: int
    n_top_features: int
    #: Folds of the unseen-sites evaluation: the authored sites are split into this many groups.
    unseen_site_folds: int


@dataclasses.dataclass(frozen=True)
class PredictParams(Section):
    #: A sentence is boilerplate when P(boilerplate) is at least this (predict() and evaluate).
    boilerplate_threshold: float
    uncertainty_threshold: float
    min_french_share: float
    function_words_file: str


@dataclasses.dataclass(frozen=True)
class PublishParams(Section):
    speed_min_sentences: int


@dataclasses.dataclass(frozen=True)
class MlflowParams(Section):
    experiment_name: str
    registered_model_name: str
    fail_on_tracking_error: bool
    tracking_timeout_seconds: int


@dataclasses.dataclass(frozen=True)
class Params(Section):
    variant: str
    clean: CleanParams
    segment: SegmentParams
    label: LabelParams
    train: TrainParams
    evaluate: EvaluateParams
    predict: PredictParams
    publish: PublishParams
    mlflow: MlflowParams


def load_params(path: Path | str | None = None, overrides: Mapping[str, Any] | None = None) -> Params:
    """Read and validate ``configs/params.yaml`` (or ``path``).

    Args:
        path: the params file; ``configs/params.yaml`` of the project by default.
        overrides: dotted keys to values applied before validation (an
            experiment's ``set``); a dotted key the schema does not know is an error.

    Raises:
        FileNotFoundError: the file does not exist.
        ParamsError: the file (or an override) does not fit the schema; the
            message names the file and the key.
    """
    import yaml

    path = Path(path) if path is not None else config.PARAMS_FILE
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if overrides:
        data = apply_overrides(data, overrides)
    try:
        return Params.from_dict(data)
    except ParamsError as exc:
        raise ParamsError(f"{path}: {exc}") from None


def apply_overrides(data: Any, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy of ``data`` with each dotted key of ``overrides`` set (``train.stance.C: 2``)."""
    import copy

    out = copy.deepcopy(data) if isinstance(data, dict) else {}
    for dotted, value in overrides.items():
        node = out
        parts = str(dotted).split(".")
        for depth, part in enumerate(parts[:-1]):
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ParamsError(f"{'.'.join(parts[:depth + 1])} is a value, not a section: cannot set {dotted}")
        node[parts[-1]] = value
    return out
