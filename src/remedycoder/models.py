"""The records everything else passes around: comments, the codebook, codings and decision events.

Positions (`start`, `end`) are 0-based Unicode code points into `Comment.text`, end exclusive,
the same convention as REFI-QDA selections, so `text[start:end] == quote`.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr

AttributeValue = str | int | float | bool | None

AUTO_CODER = "auto"
"""The coder name under which machine suggestions are stored."""

CodingStatus = Literal["suggested", "confirmed", "rejected"]
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def coder_name_problem(name: str, *, human: bool = False) -> str | None:
    """Why `name` cannot name a coder (it goes into files, sheet titles and charts), or None.
    `human`: a person's name, so not the machine's either."""
    if human and name == AUTO_CODER:
        return f"`{AUTO_CODER}` is the name of the machine's suggestions"
    if not name.strip():
        return "a coder name must not be blank"
    if _CONTROL.search(name):
        return "a coder name must not hold control characters such as tabs or line breaks"
    return None


def _coder_name(name: str) -> str:
    problem = coder_name_problem(name)
    if problem:
        raise ValueError(problem)
    return name


CoderName = Annotated[str, AfterValidator(_coder_name)]


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


class Comment(BaseModel):
    """One report: a blog comment, forum post or letter, with its text exactly as imported."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, description="Stable and unique within the project.")
    text: str
    author: str | None = None
    author_url: str | None = None
    posted_at: datetime | None = None
    parent_id: str | None = Field(None, description="The comment this one replies to.")
    source: str | None = Field(None, description="The file or thread it was imported from.")
    url: str | None = None
    attributes: dict[str, AttributeValue] = Field(
        default_factory=dict, description="Free key/values from the import: age, sex, forum..."
    )

    # where an importer read it ('corpus.csv:12'), for messages only: never stored or compared
    _where: str | None = PrivateAttr(default=None)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Comment):
            return NotImplemented
        return self.model_dump() == other.model_dump()

    __hash__ = None  # type: ignore[assignment]

    def content_key(self) -> str:
        """A hash of everything but the id: equal keys mean re-importing changes nothing."""
        data = self.model_dump(mode="json", exclude={"id"})
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


class Source(BaseModel):
    """A file or thread comments came from, with metadata found in it (title, byline, date)."""

    name: str
    path: str | None = None
    metadata: dict[str, AttributeValue] = Field(default_factory=dict)
    imported_at: datetime = Field(default_factory=utcnow)


class RemedyCode(BaseModel):
    """A remedy in the codebook tree. A code with `codable: false` only groups its children."""

    model_config = ConfigDict(extra="forbid")

    id: str
    label: str
    definition: str = ""
    parent: str | None = None
    codable: bool = True
    terms: list[str] = Field(
        default_factory=list,
        description="Generic and brand names and phrases; `*` at a word's end is a glob.",
    )
    misspellings: list[str] = Field(
        default_factory=list, description="Known misspellings, matched exactly like terms."
    )
    exclude: list[str] = Field(
        default_factory=list,
        description="Phrases in which a match does not count (e.g. 'iron out' for iron).",
    )
    fuzzy: bool = Field(True, description="Whether unlisted misspellings of long terms match.")
    avoidance_of: str | None = Field(
        None,
        description="A code this one is the avoidance of: its mentions after an avoidance cue "
        "('quit caffeine') are coded here instead.",
    )
    default_effect: str | None = Field(
        None,
        description="Effect suggested when no cue says one for a mention of this code (a known "
        "trigger: worsened); None: rules.default_effect.",
    )
    hotkey: str | None = None
    color: str | None = None


class EffectCode(BaseModel):
    """A reported effect (helped, partial, no_effect, worsened, not_stated) with its cue phrases."""

    model_config = ConfigDict(extra="forbid")

    id: str
    label: str
    definition: str = ""
    cues: list[str] = Field(default_factory=list, description="Phrases that signal this effect.")
    hotkey: str | None = None
    color: str | None = None


class DimensionValue(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    label: str
    definition: str = ""
    cues: list[str] = Field(default_factory=list)


class Dimension(BaseModel):
    """An optional extra coding dimension, e.g. evidence: first-hand / second-hand / hearsay."""

    model_config = ConfigDict(extra="forbid")

    id: str
    label: str
    definition: str = ""
    values: list[DimensionValue] = Field(default_factory=list)


class FuzzyRules(BaseModel):
    """Guards for catching unlisted misspellings without matching ordinary words."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    min_length: int = Field(5, ge=3, description="Words shorter than this only match exactly.")
    max_edits: int = Field(2, ge=0, le=3)
    min_score: float = Field(
        82.0, ge=0, le=100, description="rapidfuzz ratio a word must reach to count."
    )
    same_first_letter: bool = True
    stoplist: list[str] = Field(
        default_factory=list, description="Ordinary words that never match fuzzily."
    )


class Anaphor(BaseModel):
    """Phrases that name again a remedy named just before ('I was put on X. A year later the
    drug stopped working')."""

    model_config = ConfigDict(extra="forbid")

    phrases: list[str] = Field(min_length=1, description="'the drug', 'my meds', 'the stuff'.")
    refer_to: list[str] = Field(
        default_factory=list,
        description="Codes these phrases may stand for, with their children (groups too); "
        "empty: any remedy.",
    )


class MatchingRules(BaseModel):
    """How effect cues are scoped and negated. Lives in the codebook so any language can be used."""

    model_config = ConfigDict(extra="forbid")

    negators: list[str] = Field(default_factory=list, description="Words that flip a cue.")
    scope_breakers: list[str] = Field(
        default_factory=list, description="Words that end a negation's scope ('but', 'though')."
    )
    negated: dict[str, str] = Field(
        default_factory=dict, description="Effect a negated cue becomes, e.g. helped: no_effect."
    )
    contrast: list[str] = Field(
        default_factory=list,
        description="Words that give a later cue to the remedy after them ('X, but Y works').",
    )
    fillers: list[str] = Field(
        default_factory=list,
        description="Words that may stand between a cue's words ('it is basically gone'); a "
        "cue or neutral phrase may use one as a word of its own ('really helps').",
    )
    neutral: list[str] = Field(
        default_factory=list,
        description="Phrases that contain a cue but report no effect ('to help me sleep').",
    )
    default_effect: str = "not_stated"
    negation_window: int = Field(
        4, ge=1, le=10, description="Words before a cue that a negator reaches."
    )
    subject_negators: list[str] = Field(
        default_factory=list,
        description="Negators that are the clause's subject ('none of these treatments was "
        "effective', 'not one of them worked'): they reach `subject_negation_window` words. A "
        "phrase must start with a word of `negators`.",
    )
    subject_negation_window: int = Field(
        8, ge=1, le=15, description="Words before a cue that a subject negator reaches."
    )
    symptoms: list[str] = Field(
        default_factory=list,
        description="Words for the condition ('my legs', 'it'); `<symptom>` in a cue means any.",
    )
    avoidance_cues: list[str] = Field(
        default_factory=list,
        description="Phrases before a mention that make it an avoidance ('quit', 'cut out').",
    )
    avoidance_window: int = Field(
        10, ge=1, le=30, description="Words an avoidance cue reaches forward."
    )
    discontinuation_cues: list[str] = Field(
        default_factory=list,
        description="Phrases before a remedy that say it was stopped ('came off', 'quit taking').",
    )
    discontinued: dict[str, str] = Field(
        default_factory=dict,
        description="Effect a cue becomes for a stopped remedy ('stopped X, legs improved': "
        "helped: worsened).",
    )
    omission_cues: list[str] = Field(
        default_factory=list,
        description="Phrases before a remedy that say it was left out for a time ('if I "
        "forget my X', 'without X', 'when I skip X').",
    )
    omitted: dict[str, str] = Field(
        default_factory=dict,
        description="Effect a cue after a left-out remedy becomes ('without X I can't sleep': "
        "no_effect: helped).",
    )
    reasons: list[str] = Field(
        default_factory=list,
        description="Words giving why a remedy was stopped ('because it made it worse'): no flip.",
    )
    apposition: list[str] = Field(
        default_factory=list,
        description="Words that may stand between a drug and a class word naming its class "
        "('the antihistamine diphenhydramine', 'X, which is a dopamine agonist'): then only "
        "the drug is coded.",
    )
    body_parts: list[str] = Field(
        default_factory=list,
        description="Entries of `symptoms` that name a body part ('legs', 'my leg'): they fill "
        "<symptom> in cues, but a sentence naming them ('he put a sheet on my leg') still "
        "goes on with the report, where naming the condition ends the look-ahead.",
    )
    similes: list[str] = Field(
        default_factory=list,
        description="Phrases after which a remedy named a few words on, in the same clause, "
        "is a comparison, not a remedy ('it was like he'd had a strong cup of coffee').",
    )
    exceptions: list[str] = Field(
        default_factory=list,
        description="Words after a failed cue that make the remedy next to them the exception "
        "('nothing works except X', 'nothing touched it until X'): the cue is flipped back.",
    )
    comparisons: list[str] = Field(
        default_factory=list,
        description="Words right after a failed cue, with no comma, that make the remedy a few "
        "words on the standard it is measured by ('nothing worked like X', 'no other drug "
        "helped as much as X'): the cue is flipped back for X.",
    )
    lapse_words: list[str] = Field(
        default_factory=list,
        description="Words right after a negated cue that say it once worked ('won't do the "
        "job anymore'): the cue takes its `lapsed` effect instead of its `negated` one.",
    )
    lapsed: dict[str, str] = Field(
        default_factory=dict,
        description="Effect a negated cue becomes before a lapse word (helped: partial).",
    )
    anaphors: list[Anaphor] = Field(
        default_factory=list,
        description="Phrases that name again the remedy named last, in their sentence or the two "
        "before, when their own sentence names none and that remedy is the only one of its kind "
        "there: what is said of 'the drug' is said of it.",
    )
    intermittent: list[str] = Field(
        default_factory=list,
        description="Words opening a clause that make the relief told in it occasional "
        "('Sometimes a massage would chase it away'): 'helped' there becomes partial.",
    )
    purpose: list[str] = Field(
        default_factory=list,
        description="Words that make the cue right after them a purpose, not an outcome "
        "('took X to relieve it').",
    )
    purpose_exceptions: list[str] = Field(
        default_factory=list,
        description="Words before a purpose word that make the cue an outcome after all "
        "('able to sleep', 'started to ease', 'enough to trigger').",
    )
    fuzzy: FuzzyRules = Field(default_factory=FuzzyRules)


class Codebook(BaseModel):
    """Remedy codes (a tree), effect codes, optional dimensions and the matching rules."""

    model_config = ConfigDict(extra="forbid")

    name: str = "codebook"
    version: str | int | None = None
    description: str = ""
    remedies: list[RemedyCode] = Field(default_factory=list)
    effects: list[EffectCode] = Field(default_factory=list)
    dimensions: list[Dimension] = Field(default_factory=list)
    rules: MatchingRules = Field(default_factory=MatchingRules)
    content_hash: str = Field("", exclude=True, description="sha256 of the file's bytes.")
    path: str | None = Field(None, exclude=True)

    def remedy(self, code_id: str) -> RemedyCode | None:
        return self._remedy_index().get(code_id)

    def effect(self, code_id: str) -> EffectCode | None:
        return next((e for e in self.effects if e.id == code_id), None)

    def children(self, code_id: str | None) -> list[RemedyCode]:
        return [r for r in self.remedies if r.parent == code_id]

    def ancestors(self, code_id: str) -> list[str]:
        """Parent ids from the nearest up to the root (the codebook is validated acyclic)."""
        out: list[str] = []
        index = self._remedy_index()
        code = index.get(code_id)
        while code is not None and code.parent is not None and code.parent not in out:
            out.append(code.parent)
            code = index.get(code.parent)
        return out

    def _remedy_index(self) -> dict[str, RemedyCode]:
        return {r.id: r for r in self.remedies}


class Span(BaseModel):
    """A highlighted piece of evidence: the remedy term, the effect cue or a negation."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    kind: Literal["remedy", "effect", "negation", "evidence"] = "evidence"


class Coding(BaseModel):
    """A remedy + effect applied to a comment by a coder (or suggested by `auto`)."""

    id: str = Field(default_factory=new_id)
    comment_id: str
    remedy: str
    effect: str
    coder: CoderName
    status: CodingStatus
    start: int | None = Field(None, ge=0, description="Evidence start, code points.")
    end: int | None = Field(None, ge=0, description="Evidence end, exclusive.")
    quote: str = ""
    note: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    codebook_hash: str = ""
    suggestion_id: str | None = Field(
        None, description="For a coder's decision on a suggestion: the suggestion's id."
    )
    reason: str = Field("", description="Why it was suggested: matched term, cue, negation.")
    spans: list[Span] = Field(default_factory=list, description="Parts to highlight.")


EventAction = Literal[
    "confirm",
    "reject",
    "add",
    "edit",
    "delete",
    "review",
    "unreview",
    "note",
    "flag",
    "unflag",
    "undo",
    "import",
    "suggest",
    "adjudicate",
]


class Event(BaseModel):
    """One decision in the append-only log: audit trail, undo, and agreement's raw data.

    `before` and `after` are the affected rows as they were and became (None: absent), which
    is what makes undo exact and what the audit trail shows.
    """

    seq: int | None = None
    at: datetime = Field(default_factory=utcnow)
    coder: CoderName
    action: EventAction
    comment_id: str | None = None
    coding_id: str | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    undoes: int | None = Field(None, description="For an undo: the seq of the undone event.")
    detail: str = ""
