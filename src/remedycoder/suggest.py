"""Codebook x Comment -> suggested codings: remedy mentions, their effect, evidence and reason.

Everything comes from the codebook; nothing here knows a condition or a remedy. Matching runs
on a normalised copy of the text of the same length (lower case, accents, curly quotes and
dashes folded), so positions index the original text.

* Words: each distinct word is classified once per run (set lookups after that): whether a
  term may start with it, its fuzzy hit, whether a filler, avoidance or discontinuation phrase
  may begin with it. Those regexes then only run where such a word stands.
* Terms: at the places a term may start, one trie-shaped regex of every term, misspelling and
  glob takes the longest match, word-bounded. Unlisted misspellings: rapidfuzz on the other
  long words, with guards (length, same first letter, edit bound, stoplist). Then exclusions,
  avoidance ('quit X' -> the code whose `avoidance_of` is X), discontinuation and head words.
* Effects: one trie regex of every cue (fillers such as 'basically' blanked first). A mention
  takes the nearest cue after it in its sentence (unless a contrast word hands that cue to a
  later remedy), else the nearest one before it, else the first one of the next sentence when
  it comes before any other remedy, or of the sentence after that when the one between goes
  on with the same report (see `_next_sentence`). A cue after a semicolon whose clause has a
  subject of its own is not the mention's. A negator a few words before a cue flips it
  (`rules.negated`); plans, questions and hearsay (the default effect's cues) make it the
  default effect; a later 'for a while' or 'then nothing' turns 'helped' into 'partial'.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
import uuid
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from remedycoder.models import AUTO_CODER, Codebook, Coding, Comment, Span, utcnow

_NAMESPACE = uuid.UUID("6f1c1b52-5d0e-4f43-9d51-3a4d1c1e9a27")
_NAMESPACE_SHA1 = hashlib.sha1(_NAMESPACE.bytes)
_SEP, _GLOB, _NUM, _SYMPTOM, _END = "\x00", "\x01", "\x02", "\x03", "\x04"
_NUMBER_WORD = (
    r"(?:\d+(?:[.,]\d+)?|a few|a couple(?: of)?|several|one|two|three|four|five|six|seven|"
    r"eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|"
    r"nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|an?)"
)
_PIECES = {
    _SEP: r"[\s\-]{0,3}",
    _GLOB: r"\w*",
    _NUM: rf"(?:(?:about|around|over|almost|nearly|roughly|maybe|at least)\s+)?{_NUMBER_WORD}"
    rf"(?:\s*(?:-|to|or)\s*{_NUMBER_WORD})?",
}
_SPLIT_WORDS = re.compile(r"[\s\-]+")
_SPACE = re.compile(r"[\s\-]")
# `[.!?\u2026]+[\"'\)\]\u2019\u201d]*\s+|\n\s*|\)\s+(?=[A-Z])`, written to begin with one
# character class so that the regex engine skips ahead to those characters (3x faster).
_SENTENCE_END = re.compile(
    r"[.!?\u2026\n)(]"  # a closing bracket or a sad face (':(') before a capital ends one too
    r"(?:(?<=[.!?\u2026])[.!?\u2026]*[\"'\)\]\u2019\u201d]*\s+|(?<=\n)\s*|(?<=\))\s+(?=[A-Z])"
    r"|(?<=[:;]\()\s+(?=[A-Z]))"
)
_TOKEN = re.compile(r"[\w']+|[^\w\s]")
_PUNCT_STOP = frozenset(',;:()[]\u2014\u2013-.!?"')
_WINDOW_CHARS = 220
_PRONOUNS = frozenset({"it", "they", "them", "mine", "things", "this", "that"})
# pronouns and linking words that do not make a clause's subject someone else's
_SUBJECT_WORDS = _PRONOUNS | {
    *("i", "he", "she", "we", "you", "and", "but", "so", "then", "now", "still", "also", "just"),
    *("do", "does", "did", "is", "was", "are", "were", "has", "have", "had", "will", "would"),
    *("can", "could", "may", "might", "should", "really", "t", "s", "ll", "ve", "d"),
}
_CONDITIONS = frozenset({"if", "unless", "whether"})
_LIST_JOINS = frozenset({"or", "and", "nor", ","})
# between a negator and the mention it negates: 'no amount of X', 'no other X'
_QUANTITY_WORDS = frozenset(
    {
        "amount",
        "amounts",
        "of",
        "kind",
        "type",
        "sort",
        "form",
        "dose",
        "quantity",
        "other",
        "more",
        "extra",
    }
)
_OWNERS = ("my", "his", "her", "their", "your", "our", "the", "these", "those")
_NO_CUE = "no effect cue"
_TRIED = re.compile(r"\b(?:tried|tested|used|taken)\b")  # a list of things tried
_FAILED = "no_effect"
_LOOK_AHEAD = 2  # sentences after a mention that may still report its effect
_SIMILE_WINDOW = 6  # words from 'it was like' to the remedy it compares with
_SUMMED_UP = 6  # sentences of a list of things tried before 'Nothing seems to work.'
_BLANK_LINE = re.compile(r"\n[ \t]*\n")  # a paragraph break, not a wrapped line
# a line break inside a sentence of hard-wrapped text (mailing lists, e-mail, old forums): a
# long line with no stop at its end, and a next line that goes on in lower case
_WRAPPED = re.compile(r"\n(?=[a-z])(?<=[^\n]{29}[^\n.!?:;\s]\n)")  # the line break first: fast
# a line that is an item of a list: '- X', '* X', '• X', '1. X', '2) X'
_LIST_ITEM = re.compile(r"[ \t]*(?:[-*+>\u2022\u25cf\u25aa\u25e6\u2023\u2043]|\d{1,2}[.)])[ \t]*\S")
_LIST_REACH = 12  # lines of a list between a mention and the line heading the list
_FIRST_PERSON = frozenset({"i", "me", "my", "we", "us", "our"})
_SHORT_ITEM = 60  # characters: a line this short after 'What helped me:' is an item
_FOR_ME = re.compile(r"(?:\s+\w+)?\s+(?:for |on |with )?me\b")  # 'worked (wonders) for me'
_AFTER = re.compile(r"\b(?:after|since|when|once|by)\b")
_CACHE_LIMIT = 500_000
_COMBINE = ("worsened", "partial")
# The words a `<n>` can begin with (see _NUMBER_WORD; 'oneto' is 'one to' run together).
_NUM_LEADS = (
    r"\d|(?:a|an|several|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"fifteen|twenty|thirty|forty|fifty|sixty|ninety)(?:\Z|to|or)"
)


def _fold_table() -> dict[int, str]:
    """Length-preserving folds: accents to base letters, curly quotes, dashes, odd spaces."""
    table = {}
    for code in range(0xC0, 0x250):
        base = unicodedata.normalize("NFD", chr(code))[0]
        if base != chr(code) and len(base) == 1 and base.isascii():
            table[code] = base
    for char in "\u2018\u2019\u201a\u201b\u2032\u00b4`":
        table[ord(char)] = "'"
    for char in "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb":
        table[ord(char)] = '"'
    for char in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u00ad":
        table[ord(char)] = "-"
    for char in "\u00a0\u2007\u202f\u2009\u200a\u3000":
        table[ord(char)] = " "
    return table


_FOLD = _fold_table()


_FOLD_CHARS = {chr(code): char for code, char in _FOLD.items()}
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _fold(match: re.Match[str]) -> str:
    char = match.group()
    return _FOLD_CHARS.get(char, char)


def normalise(text: str) -> str:
    """Lower-case, accent-, quote- and dash-folded copy of `text` with the same length."""
    folded = text if text.isascii() else _NON_ASCII.sub(_fold, text)
    lowered = folded.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in folded)


def _key(phrase: str) -> str:
    """Phrase to trie key: normalised, words joined by the separator token."""
    words = [w for w in _SPLIT_WORDS.split(normalise(phrase.strip())) if w]
    key = _SEP.join(words)
    if key.endswith("*"):
        key = key[:-1] + _GLOB
    key = key.replace("<n>", _NUM).replace("<symptom>", _SYMPTOM)
    return key.replace(_SEP + "<end>", _END).replace("<end>", _END)


def _canonical(text: str) -> str:
    """Matched text (or a trie key) without separators, for dictionary lookups."""
    return _SPLIT_WORDS.sub("", text).replace(_SEP, "")


def _trie_pattern(keys: Iterable[str], pieces: dict[str, str] | None = None) -> str:
    """A regex alternation shaped as a trie: fast on Python's engine, longest match first."""
    root: dict = {}
    for key in keys:
        node = root
        for char in key:
            node = node.setdefault(char, {})
        node[""] = {}
    return _render(root, pieces or _PIECES) or "(?!)"


def _render(node: dict, pieces: dict[str, str]) -> str:
    # literal characters before pieces: 'they still work' is tried before '<symptom> still'
    chars = sorted((ch for ch in node if ch), key=lambda ch: (ch in pieces, ch))
    alts = [(pieces.get(ch) or re.escape(ch)) + _render(node[ch], pieces) for ch in chars]
    if not alts:
        return ""
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    if "" in node:
        return f"(?:{body})?"
    return body


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group())


def _sentence_ends(raw: str) -> Iterable[int]:
    """Where sentences end; an ellipsis before a lower-case word does not end one."""
    for match in _SENTENCE_END.finditer(raw):
        stop = match.group()
        if (stop.startswith("..") or stop[0] == "\u2026") and raw[
            match.end() : match.end() + 1
        ].islower():
            continue
        yield match.end()


def _reaching(keys: list[str], words: int) -> re.Pattern[str] | None:
    """Phrases followed by at most `words` words up to the end of the searched text."""
    if not keys:
        return None
    reach = rf"(?=(?:\W+\w+){{0,{words}}}\W*$)"
    return re.compile(rf"(?<!\w)(?:{_trie_pattern(keys)})(?!\w){reach}")


def _bounded(keys: Iterable[str], pieces: dict[str, str] | None = None) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{_trie_pattern(keys, pieces)})(?!\w)")


@dataclass(slots=True)
class Mention:
    """A remedy named in a text: code, position, what matched and how."""

    remedy: str
    start: int
    end: int
    text: str
    how: str  # exact | glob | misspelling | fuzzy | anaphor (term: the text it names again)
    term: str
    score: float = 100.0
    avoided_by: str | None = None
    stopped_by: str | None = None
    omitted_by: str | None = None

    def describe(self) -> str:
        """`term "Valarian" ~ valerian (fuzzy 88)` style text for reasons."""
        how = f"{self.how} {self.score:.0f}" if self.how == "fuzzy" else self.how
        if self.how == "anaphor":
            how = f'naming again "{self.term}"'
        elif self.term.lower() != self.text.lower():
            how += f', as "{self.term}"'
        text = f'term "{self.text}" ~ {self.remedy} ({how})'
        if self.avoided_by or self.stopped_by or self.omitted_by:
            text += f' after "{self.avoided_by or self.stopped_by or self.omitted_by}"'
        return text


@dataclass(frozen=True, slots=True)
class Cue:
    """An effect cue found in a text, after negation."""

    effect: str
    start: int
    end: int
    text: str
    raw_effect: str
    negator: tuple[int, int, str] | None = None

    def describe(self) -> str:
        if self.negator:
            return f'cue "{self.text}" negated by "{self.negator[2]}" -> {self.effect}'
        return f'cue "{self.text}" -> {self.effect}'


@dataclass(slots=True)
class Finding:
    """The effect read for one mention, with the evidence and the reason."""

    mention: Mention
    effect: str
    why: str
    cue: Cue | None = None
    evidence: tuple[int, int] = (0, 0)
    direct: bool = True  # False when the cue was borrowed across another remedy or sentence
    presumable: bool = False  # no cue, and nothing that speaks against the code's default


@dataclass(slots=True)
class _Text:
    """One comment being read: original and normalised text, sentences, mentions, cues."""

    raw: str
    norm: str
    mentions: list[Mention]
    cues: list[Cue]
    bounds: list[int]
    blanked: str  # `norm` with fillers blanked, where cues are matched
    taken: list[tuple[int, int]]  # the mentions' spans
    scanned: set[int]  # sentences whose cues are in `cues`
    neutral: list[int] = field(default_factory=list)  # where neutral phrases stand
    words: set[str] = field(default_factory=set)  # the words of `norm`
    long_names: list[tuple[int, int]] = field(default_factory=list)  # mentions of 2+ words

    def sentence(self, pos: int) -> tuple[int, int, int]:
        index = bisect_right(self.bounds, pos) - 1
        return index, self.bounds[index], self.bounds[index + 1]


class Suggester:
    """Compiles a codebook once; `suggest(comment)` returns one suggestion per remedy named."""

    def __init__(self, codebook: Codebook) -> None:
        self.codebook = codebook
        self.rules = codebook.rules
        self._compile_terms()
        self._compile_fuzzy()
        self._compile_cues()
        self._compile_fillers()
        self._compile_rules()
        self._compile_anaphors()
        self._compile_words()

    # ------------------------------------------------------------------ compile

    def _compile_terms(self) -> None:
        """Terms, misspellings and globs of every codable code, and their exclusions."""
        self._exact: dict[str, tuple[str, str, str]] = {}
        self._canon: dict[str, tuple[str, str, str]] = {}
        self._globs: list[tuple[str, str, str, str]] = []
        self._excludes: dict[str, set[str]] = {}
        exclude_keys: list[str] = []
        for code in filter(lambda c: c.codable, self.codebook.remedies):
            for how, terms in (("exact", code.terms), ("misspelling", code.misspellings)):
                for term in terms:
                    self._add_term(code.id, term, how)
            for phrase in code.exclude:
                exclude_keys.append(_key(phrase))
                self._excludes.setdefault(_canonical(exclude_keys[-1]), set()).add(code.id)
        self._exclude_re = _bounded(sorted(set(exclude_keys))) if exclude_keys else None
        self._excluded_codes = {c for codes in self._excludes.values() for c in codes}
        self._exclude_reach = max((len(k) for k in exclude_keys), default=0) + 4
        self._index_terms()

    def _index_terms(self) -> None:
        """The term regex, the words a term can start with, and phrase head words."""
        self._heads: dict[str, tuple[str, ...]] = {}
        for key, (code_id, _, _) in self._exact.items():
            if _SEP in key:
                head = key.rsplit(_SEP, 1)[1]
                self._heads[head] = (*self._heads.get(head, ()), code_id)
        self._globs.sort(key=lambda g: -len(g[0]))
        keys = sorted({*self._exact, *(g[0] + _GLOB for g in self._globs)})
        self._start_words: dict[str, set[str] | None] = {}
        for key in keys:
            _index_start(self._start_words, key)
        self._glob_words = tuple(g[0] for g in self._globs if _SEP not in g[0])
        self._globs = [(_canonical(g[0]), *g[1:]) for g in self._globs]
        self._term_re = _bounded(keys)
        self._lookup_cache: dict[str, tuple[str, str, str] | None] = {}

    def _add_term(self, code_id: str, term: str, how: str) -> None:
        key = _key(term)
        if key.endswith(_GLOB):
            stem = key[:-1]
            self._globs.append((stem, code_id, term, "glob" if how == "exact" else how))
        else:
            self._exact.setdefault(key, (code_id, term, how))
            self._canon.setdefault(_canonical(key), (code_id, term, how))

    def _compile_fuzzy(self) -> None:
        rules = self.rules.fuzzy
        self._stop = {normalise(w) for w in rules.stoplist}
        self._targets: dict[str, list[tuple[str, str, str, bool]]] = {}
        for code in self.codebook.remedies:
            if not (code.codable and code.fuzzy and rules.enabled):
                continue
            for term in [*code.terms, *code.misspellings]:
                key = _key(term)
                word = key.rstrip(_GLOB)
                if _SEP in word or _NUM in word or len(word) < rules.min_length:
                    continue
                if not word.isalpha():
                    continue
                bucket = word[0] if rules.same_first_letter else ""
                self._targets.setdefault(bucket, []).append(
                    (word, code.id, term, key.endswith(_GLOB))
                )
        self._word_cache: dict[str, tuple[bool | set[str], tuple[str, str, float] | None]] = {}

    def _compile_cues(self) -> None:
        pieces = self._cue_pieces()
        groups = [("", [_key(c) for c in self.rules.neutral])]
        groups += [(e.id, [_key(c) for c in e.cues]) for e in self.codebook.effects]
        self._cue_patterns = [
            (effect_id, re.compile(_trie_pattern(keys, pieces)))
            for effect_id, keys in groups
            if keys
        ]
        every = sorted({key for _, keys in groups for key in keys})
        self._cue_re = _bounded(every, pieces)
        self._cue_cache: dict[str, str | None] = {}

    def _cue_pieces(self) -> dict[str, str]:
        """Cue placeholders: `<symptom>`, `<n>`; words may be apart (fillers are blanked)."""
        symptoms = [_key(s) for s in self.rules.symptoms if s.strip()]
        sep = r"[\s\-\"]+"  # 'that "might" help'
        owner = rf"(?:(?:{'|'.join(_OWNERS)}){sep})?"  # 'eased his symptoms', 'eases my symptoms'
        return {
            **_PIECES,
            _SEP: sep,
            _SYMPTOM: f"(?:{owner}{_trie_pattern(symptoms)})",
            _END: r"(?=\s*(?:[.!?;:,)\]\"\u2026]|$))",  # 'hoping they would, but they did not.'
        }

    def _compile_fillers(self) -> None:
        """Fillers ('basically') are blanked before cues are matched, except inside a cue or
        neutral phrase that uses them ('really helps', 'much better', 'the only thing that
        works'): there the phrase keeps its words."""
        fillers = [_key(f) for f in self.rules.fillers if f.strip()]
        self._filler_re = _bounded(fillers) if fillers else None
        # a filler stays where it stands between the words it has in a cue or neutral phrase
        # ('really' of 'really helps', 'much' of 'much better'); '' matches any word
        fillers_text = {" ".join(_WORD.findall(normalise(f))) for f in self.rules.fillers} - {""}
        # first words only: 'seem' of 'seem to', not the 'to' of every infinitive
        self._filler_tokens = {filler.split()[0] for filler in fillers_text}
        self._keep: dict[str, set[tuple[str, str]]] = {}
        for phrase in (*self.rules.neutral, *(c for e in self.codebook.effects for c in e.cues)):
            words = [w for w in _SPLIT_WORDS.split(normalise(phrase.strip())) if w]
            if self._filler_tokens.isdisjoint(words):
                continue
            plain = [w if _WORD.fullmatch(w) else "" for w in words]  # '' for '<symptom>'
            for filler in fillers_text:
                size = filler.count(" ") + 1
                for at in range(len(plain) - size + 1):
                    if " ".join(plain[at : at + size]) == filler:
                        before = plain[at - 1] if at else ""
                        after = plain[at + size] if at + size < len(plain) else ""
                        self._keep.setdefault(filler, set()).add((before, after))
        self._filler_keys = fillers

    def _compile_rules(self) -> None:
        rules = self.rules
        self._negators = {normalise(n) for n in rules.negators if not n.startswith("n'")}
        self._negator_suffixes = tuple(normalise(n) for n in rules.negators if n.startswith("n'"))
        self._breakers = {normalise(b) for b in rules.scope_breakers}
        subjects = [tuple(_WORD.findall(normalise(n))) for n in rules.subject_negators]
        self._subject_negators = {words[0] for words in subjects if len(words) == 1}
        self._subject_phrases = [words for words in subjects if len(words) > 1]  # 'not one'
        self._subject_reach = max(map(len, subjects), default=1)
        self._presumed_effect = {
            c.id: c.default_effect
            for c in self.codebook.remedies
            if c.default_effect not in (None, rules.default_effect)
        }
        self._subject_window = rules.subject_negation_window if rules.subject_negators else 0
        contrast = [_key(c) for c in rules.contrast]
        self._contrast_re = _bounded(contrast) if contrast else None
        avoid = {c.avoidance_of: c.id for c in self.codebook.remedies if c.avoidance_of}
        cues = [_key(c) for c in rules.avoidance_cues]
        self._avoid_code = avoid if cues else {}
        self._avoid_re = _reaching(cues, rules.avoidance_window) if avoid else None
        self._avoid_keys = cues
        stops = [_key(c) for c in rules.discontinuation_cues]
        self._stop_re = _reaching(stops, rules.negation_window) if rules.discontinued else None
        self._stop_keys = stops
        self._omit_keys = [_key(c) for c in rules.omission_cues]
        self._omit_re = _reaching(self._omit_keys, rules.negation_window) if rules.omitted else None
        self._stop_it_re = self._passive_stop_re = self._stopped_after_re = None
        if stops and rules.discontinued:
            stopping = _trie_pattern(stops)
            passive = rf"(?:was|were|been|got|is|are)\W+(?:{stopping})(?!\w)"  # 'was stopped'
            objects = rf"(?<!\w)(?:{stopping})\W+(?:{_STOPPED_OBJECTS})\b"  # 'came off it'
            self._stop_it_re = re.compile(rf"{objects}|\b{passive}")
            self._passive_stop_re = re.compile(rf"\W+(?:has |had )?{passive}")  # after X
            self._stopped_after_re = re.compile(  # after a cue: 'resolved once it was stopped'
                rf"\W+(?:(?:after|since|once|when)\W+(?:\w+\W+){{0,3}}?{passive}"
                rf"|(?:after|since|once)\W+(?:{stopping})(?:\W+(?:{_STOPPED_OBJECTS}))?\b)"
            )
        reasons = [_key(r) for r in rules.reasons]
        self._reason_re = _bounded(reasons) if reasons else None
        # the condition named (not 'it'/'them', which fill cue slots): see _next_sentence
        others = _PRONOUNS | {normalise(b) for b in rules.body_parts}
        named = [_key(s) for s in rules.symptoms if s.strip() and normalise(s) not in others]
        self._condition_re = _bounded(named) if named else None
        self._labels = self._lookup_choices()
        self._apposition = {normalise(w) for w in rules.apposition}
        self._simile_re = _reaching([_key(w) for w in rules.similes], _SIMILE_WINDOW)
        excepting = [_key(w) for w in rules.exceptions]
        self._exception_re = (
            re.compile(rf"\W*(?:{_trie_pattern(excepting)})\W*(?:(?:the|my|a|an|some)\W+)?")
            if excepting
            else None
        )
        comparing = [_key(w) for w in rules.comparisons]
        self._comparison_re = (  # 'nothing worked like X', 'never had relief like I do with X'
            re.compile(rf"[^\S\n]+(?:{_trie_pattern(comparing)})\b(?:[^\S\n]+\w+){{0,6}}[^\S\n]+")
            if comparing
            else None
        )
        self._unnegated: dict[str, str] = {}
        for effect, negated in rules.negated.items():
            self._unnegated.setdefault(negated, effect)  # no_effect -> helped, the first
        lapses = [_key(w) for w in rules.lapse_words]
        self._lapse_re = (
            re.compile(rf"\W*(?:{_trie_pattern(lapses)})\b") if lapses and rules.lapsed else None
        )
        intermittent = [_key(w) for w in rules.intermittent]
        self._intermittent_firsts = {
            words[0] for words in (_WORD.findall(normalise(w)) for w in rules.intermittent) if words
        }
        self._intermittent_re = (
            re.compile(  # not 'Sometimes I put ice on and that helps': how often it is used
                rf"(?:^|[,;(]|\b(?:but|and|so)\b)\W*(?:{_trie_pattern(intermittent)})\b"
                r"(?!\W*(?:i|we|he|she|you|they)\b)"
            )
            if intermittent
            else None
        )
        self._purpose = {normalise(w) for w in rules.purpose}
        self._purpose_exceptions = {normalise(w) for w in rules.purpose_exceptions}
        self._ancestors = _codable_ancestors(self.codebook)
        self._classes = {a for ancestors in self._ancestors.values() for a in ancestors}

    def _compile_anaphors(self) -> None:
        """Anaphor phrases, the codes each may stand for (None: any), and their last words."""
        self._anaphor_codes: dict[str, frozenset[str] | None] = {}
        for anaphor in self.rules.anaphors:
            allowed = None
            if anaphor.refer_to:
                wanted = set(anaphor.refer_to)
                allowed = frozenset(
                    code.id
                    for code in self.codebook.remedies
                    if code.id in wanted or wanted.intersection(self.codebook.ancestors(code.id))
                )
            for phrase in anaphor.phrases:
                self._anaphor_codes[_canonical(_key(phrase))] = allowed
        keys = [_key(p) for a in self.rules.anaphors for p in a.phrases]
        self._anaphor_re = _bounded(sorted(set(keys))) if keys else None
        self._anaphor_lasts = {
            words[-1] for words in (_WORD.findall(normalise(k)) for k in keys) if words
        }

    def _compile_words(self) -> None:
        """Per-word classes, filled as words are first seen: the words a term may start with
        (alone, or given a next word), fuzzy hits, and the words a cue, filler, avoidance or
        discontinuation phrase may begin with. Their regexes are then only tried where such a
        word stands (None: a phrase may begin otherwise, so everywhere)."""
        self._known: set[str] = set()
        self._alone: set[str] = set()
        self._conditional: dict[str, set[str]] = {}
        self._conditional_words: set[str] = set()
        self._fuzzy_hits: dict[str, tuple[str, str, float]] = {}
        self._fuzzy_words: set[str] = set()
        self._leads: list[tuple[re.Pattern[str], set[str]]] = []
        self._filler_words = self._lead_class(self._filler_keys)
        self._avoid_words = self._lead_class(self._avoid_keys)
        self._stop_words = self._lead_class(self._stop_keys)
        self._omit_words = self._lead_class(self._omit_keys)

    def _lead_class(self, keys: list[str]) -> set[str] | None:
        leads = _lead_words(keys)
        if leads is None:
            return None
        words: set[str] = set()
        self._leads.append((re.compile("|".join(sorted(leads)) or "(?!)"), words))
        return words

    def _classify(self, new: set[str]) -> None:
        """Put words seen for the first time in their classes."""
        if len(self._known) + len(new) > _CACHE_LIMIT:
            for cache in (self._known, self._alone, self._conditional, self._conditional_words):
                cache.clear()
            for cache in (self._fuzzy_hits, self._fuzzy_words, *(w for _, w in self._leads)):
                cache.clear()
        for word in new:
            nexts = self._word_nexts(word)
            if nexts is True:
                self._alone.add(word)
            elif nexts:
                self._conditional[word] = nexts
                self._conditional_words.add(word)
            else:
                hit = self._fuzzy_word(word)
                if hit is not None:
                    self._fuzzy_hits[word] = hit
                    self._fuzzy_words.add(word)
            for lead, words in self._leads:
                if lead.match(word):
                    words.add(word)
        self._known |= new

    @staticmethod
    def _starting(lead_words: set[str] | None, words: _Words) -> list[int] | None:
        """Sorted places where a word of `lead_words` stands (None: unknown, try everywhere)."""
        if lead_words is None:
            return None
        return words.places_of(words.set & lead_words)

    # ------------------------------------------------------------------ mentions

    def find_mentions(self, text: str) -> list[Mention]:
        """Every remedy mention in `text`, in order, after exclusions and avoidance."""
        norm = normalise(text)
        return self._mentions(text, norm, _Words(norm))

    def _mentions(self, raw: str, norm: str, words: _Words) -> list[Mention]:
        starts, fuzzy = self._scan_words(words)
        if not starts and not fuzzy:
            return []
        found = self._exact_mentions(raw, norm, words.places_of(starts))
        if fuzzy:
            found += self._fuzzy_mentions(raw, words, fuzzy, found)
            found.sort(key=lambda m: m.start)
            found = self._merge_compounds(found, raw)
        if self._excluded_codes and any(m.remedy in self._excluded_codes for m in found):
            found = self._drop_excluded(found, norm)
        if self._anaphor_re is not None and found and not self._anaphor_lasts.isdisjoint(words.set):
            found = self._with_anaphors(found, raw, norm)
        avoids = self._starting(self._avoid_words, words) if self._avoid_code else None
        stops = self._starting(self._stop_words, words) if self._stop_re is not None else None
        omits = self._starting(self._omit_words, words) if self._omit_re is not None else None
        previous = None
        for mention in found:
            if mention.remedy in self._avoid_code:
                if _near(avoids, mention.start, norm):
                    self._avoidance(mention, norm)
            elif self._stop_re is not None and _near(stops, mention.start, norm):
                mention.stopped_by = self._cue_before(self._stop_re, mention, norm)
                if mention.stopped_by and previous and (previous.stopped_by or previous.avoided_by):
                    # 'stopped X and Y': both; 'stopped X and tried Y', 'switched from X to
                    # Y': Y was started (unless a stop phrase of its own stands between)
                    gap = norm[previous.end : mention.start]
                    own = self._stop_re.search(gap + " ")
                    if not own and any(w not in _LIST_WORDS for w in _WORD.findall(gap)):
                        mention.stopped_by = None
            if (
                not mention.stopped_by
                and self._passive_stop_re is not None
                and mention.remedy not in self._avoid_code
            ):
                passive = self._passive_stop_re.match(norm, mention.end)  # 'X was stopped'
                mention.stopped_by = passive.group().strip() if passive else None
            if (
                not mention.stopped_by
                and self._omit_re is not None
                and mention.remedy not in self._avoid_code
                and not mention.avoided_by
                and _near(omits, mention.start, norm)
            ):
                clause = _clause_before(norm, mention.start)
                omission = self._omit_re.search(clause)
                if omission is not None and _DETERMINERS.issuperset(
                    _WORD.findall(clause, omission.end())  # 'without my X'
                ):
                    mention.omitted_by = omission.group()
            previous = mention
        if self._avoid_code and len(found) > 1:
            found = self._avoidance_objects(found, norm)
        if self._heads_possible(found):
            self._resolve_heads(found, norm)
        if self._apposition and len(found) > 1:
            found = self._drop_class_appositions(found, norm)
        if self._simile_re is not None:
            found = [m for m in found if not self._compared(m, norm)]
        return found

    def _with_anaphors(self, found: list[Mention], raw: str, norm: str) -> list[Mention]:
        """'I was put on Requip. A year later the drug stopped working.': a phrase naming again
        the remedy named last, in its sentence or the two before, is a mention of it, when its
        own sentence names no remedy and the remedy is the only one it may stand for there."""
        assert self._anaphor_re is not None
        matches = [
            match
            for match in self._anaphor_re.finditer(norm)
            if not any(m.start < match.end() and match.start() < m.end for m in found)
        ]
        if not matches:
            return found
        ends = sorted({0, *_sentence_ends(raw)})
        sentence_of = functools.partial(bisect_right, ends)
        named = {sentence_of(m.start) for m in found}
        added = []
        for match in matches:
            at = sentence_of(match.start())
            if at in named:
                continue
            before = [m for m in found if m.end <= match.start()]
            if not before or sentence_of(before[-1].start) < at - 2:
                continue
            last = before[-1]
            allowed = self._anaphor_codes.get(_canonical(match.group()))
            rivals = {
                m.remedy
                for m in before
                if sentence_of(m.start) == sentence_of(last.start)
                and (allowed is None or m.remedy in allowed)
            }
            if last.avoided_by or rivals != {last.remedy}:
                continue  # not its kind, or 'I tried X and Y. The drug helped.': which?
            text = raw[match.start() : match.end()]
            added.append(
                Mention(last.remedy, match.start(), match.end(), text, "anaphor", last.text)
            )
        return sorted(found + added, key=lambda m: m.start) if added else found

    def _compared(self, mention: Mention, norm: str) -> bool:
        """'It was like he'd had a strong cup of coffee': a comparison, not a remedy."""
        assert self._simile_re is not None
        return (
            self._simile_re.search(_clause_before(norm, mention.start, 80, ".!?;:,\n")) is not None
        )

    def _drop_class_appositions(self, found: list[Mention], norm: str) -> list[Mention]:
        """'The antihistamine diphenhydramine', 'Mirapex, another Parkinson's drug': a class
        word that only names the class of the drug beside it is that drug's mention."""
        dropped: set[int] = set()
        for left, right in zip(found, found[1:], strict=False):
            gap = norm[left.end : right.start]
            for class_, drug in ((left, right), (right, left)):
                if class_.remedy in self._ancestors.get(drug.remedy, ()) and self._appositive(gap):
                    dropped.add(id(class_))
            if not gap.strip() and left.remedy in self._classes and left.remedy != right.remedy:
                dropped.add(id(left))  # 'the analgesic co-codamol': the drug named is what counts
        return [m for m in found if id(m) not in dropped] if dropped else found

    def _appositive(self, gap: str) -> bool:
        """Only apposition words, a space or a bracket between: 'X, an antihistamine', not a
        list ('Benadryl, Phenergan': a class code also holds drugs without a code of their own)."""
        words = _WORD.findall(gap)
        if not words:
            return not gap.strip() or gap.strip() in ("(", "[")
        told = re.fullmatch(r"\s*[.!]\s+(?:this|it|that)\b([^.;!?\n]*)", gap)
        if told:  # 'The neurologist prescribed X. This is a dopamine agonist.'
            rest = _WORD.findall(told.group(1))
            return 0 < len(rest) <= 4 and all(w in self._apposition for w in rest)
        return (
            len(words) <= 4
            and not any(ch in gap for ch in ".;!?\n")
            and all(w in self._apposition for w in words)
        )

    def _heads_possible(self, found: list[Mention]) -> bool:
        return len(found) > 1 and any(
            m.how == "exact" and m.text.lower() in self._heads for m in found
        )

    def _scan_words(self, words: _Words) -> tuple[list[str], dict[str, tuple[str, str, float]]]:
        """Words that may start a term here, and words that fuzzily match one (cached)."""
        present = words.set
        new = present - self._known
        if new:
            self._classify(new)
        starts = list(present & self._alone)
        for word in present & self._conditional_words:
            if not self._conditional[word].isdisjoint(present):
                starts.append(word)
        fuzzy = {word: self._fuzzy_hits[word] for word in present & self._fuzzy_words}
        return starts, fuzzy

    def _word_nexts(self, word: str) -> bool | set[str]:
        """True: may start a term alone; else the words that must follow it, or False."""
        nexts: bool | set[str] = False
        if word in self._start_words:
            nexts = self._start_words[word] or True
        if any(word.startswith(g) for g in self._glob_words):
            nexts = True
        return nexts

    def _exact_mentions(self, raw: str, norm: str, positions: list[int]) -> list[Mention]:
        """Longest term match at each place a start word occurs (sorted), left to right."""
        found: list[Mention] = []
        end = -1
        for pos in positions:
            if pos < end:
                continue
            match = self._term_re.match(norm, pos)
            mention = self._exact_mention(match, raw) if match else None
            if mention is not None:
                found.append(mention)
                end = mention.end
        return found

    def _resolve_heads(self, found: list[Mention], norm: str) -> None:
        """'mint tea ... the tea': a bare head word refers back to the phrase's code."""
        seen: dict[str, int] = {}
        for index, mention in enumerate(found):
            owners = self._heads.get(norm[mention.start : mention.end], ())
            earlier = [
                code
                for code in owners
                if code in seen
                and code != mention.remedy
                and self._avoid_code.get(mention.remedy) != code
            ]
            if earlier and mention.how == "exact":
                mention.remedy = max(earlier, key=seen.__getitem__)
                mention.how = "head word"
            seen[mention.remedy] = index

    def _exact_mention(self, match: re.Match[str], raw: str) -> Mention | None:
        hit = self._term_lookup(match.group())
        if hit is None:
            return None
        code_id, term, how = hit
        start, end = match.span()
        if "\n" in raw[start:end] and _NEW_LINE_HEAD.search(raw, start, end):
            return None  # 'I long for sleep' / 'Medications are ...': a heading, then a line
        return Mention(code_id, start, end, raw[start:end], how, term)

    def _term_lookup(self, matched: str) -> tuple[str, str, str] | None:
        if matched in self._lookup_cache:
            return self._lookup_cache[matched]
        key = _canonical(matched)
        hit = self._canon.get(key)
        if hit is None:
            hit = next((g[1:] for g in self._globs if key.startswith(g[0])), None)
        if len(self._lookup_cache) < _CACHE_LIMIT:
            self._lookup_cache[matched] = hit
        return hit

    def _fuzzy_mentions(
        self, raw: str, words: _Words, hits: dict[str, tuple[str, str, float]], exact: list[Mention]
    ) -> list[Mention]:
        taken = [(m.start, m.end) for m in exact]
        out = []
        for word, (code_id, term, score) in hits.items():
            for pos in words.places(word):
                end = pos + len(word)
                if not any(s < end and pos < e for s, e in taken):
                    out.append(Mention(code_id, pos, end, raw[pos:end], "fuzzy", term, score))
        return out

    def _fuzzy_word(self, word: str) -> tuple[str, str, float] | None:
        rules = self.rules.fuzzy
        if len(word) < rules.min_length or not word.isalpha() or word in self._stop:
            return None
        return self._closest(word)

    def _closest(self, word: str) -> tuple[str, str, float] | None:
        rules = self.rules.fuzzy
        bucket = self._targets.get(word[0] if rules.same_first_letter else "", [])
        edits = rules.max_edits if len(word) >= 8 else min(1, rules.max_edits)
        best: tuple[str, str, float] | None = None
        for target, code_id, term, is_glob in bucket:
            for candidate in self._candidates(word, target, is_glob):
                score = fuzz.ratio(candidate, target, score_cutoff=rules.min_score)
                if not score and len(candidate) >= 6 and _swapped(candidate, target):
                    score = fuzz.ratio(candidate, target)  # 'Nuepro': two letters swapped
                if not score or (best and score <= best[2]):
                    continue
                if OSA.distance(candidate, target, score_cutoff=edits) <= edits:
                    best = (code_id, term, score)
        return best

    @staticmethod
    def _candidates(word: str, target: str, is_glob: bool) -> list[str]:
        if not is_glob:
            return [word]
        # the stem's last letters must stand where the glob's tail begins: 'mastrabation'
        # is 'masturbat*' misspelt, 'massachusetts' is not 'massag*' with another tail
        size, end = len(target), target[-2:]
        return [
            word[:n]
            for n in (size - 1, size, size + 1)
            if n <= len(word) and word[n - 2 : n] == end
        ]

    def _merge_compounds(self, found: list[Mention], raw: str) -> list[Mention]:
        """'Chaomile tea': a fuzzy word plus the rest of one of its code's phrases is one."""
        out: list[Mention] = []
        for mention in found:
            prev = out[-1] if out else None
            if prev and prev.how == "fuzzy" and not raw[prev.end : mention.start].strip(" -"):
                phrase = normalise(f"{prev.term}{raw[mention.start : mention.end]}")
                joined = self._canon.get(_canonical(phrase))
                if joined and joined[0] == prev.remedy:
                    prev.end = mention.end
                    prev.text = raw[prev.start : prev.end]
                    continue
            out.append(mention)
        return out

    def _drop_excluded(self, found: list[Mention], norm: str) -> list[Mention]:
        # a short window per mention: scanning it beats finding the lead words everywhere
        reach = self._exclude_reach
        spans = [
            (m.start(), m.end(), self._excludes.get(_canonical(m.group()), set()))
            for mention in found
            if mention.remedy in self._excluded_codes
            for m in self._exclude_re.finditer(
                norm, max(0, mention.start - reach), mention.end + reach
            )
        ]
        return [
            m
            for m in found
            if not any(s <= m.start and m.end <= e and m.remedy in codes for s, e, codes in spans)
        ]

    def _avoidance(self, mention: Mention, norm: str) -> None:
        """'Quit sugar': a mention after an avoidance cue becomes the avoidance code, unless
        a reason or a new clause comes between ('I try not to eat late, but coffee makes it
        worse'; not 'I quit sugar then soda')."""
        if self._avoid_re is None:
            return
        before = _clause_before(norm, mention.start)
        cues = list(self._avoid_re.finditer(before))
        if not cues:
            return
        cue = cues[-1]  # the nearest
        if self._reason_re is not None and self._reason_re.search(before, cue.end()):
            return  # 'I quit drinking because one beer sets it off'
        if self._contrast_re is not None:
            for turn in self._contrast_re.finditer(before, cue.end()):
                if before[: turn.start()].rstrip().endswith(","):
                    return
        mention.remedy = self._avoid_code[mention.remedy]
        mention.avoided_by = cue.group()

    def _avoidance_objects(self, found: list[Mention], norm: str) -> list[Mention]:
        """'Quit drinking coffee', 'don't drink diet coke': an avoidance term ('quit
        drinking' of avoid_alcohol) right before another avoidable remedy avoids that one."""
        avoiders = set(self._avoid_code.values())
        dropped: set[int] = set()
        for left, right in zip(found, found[1:], strict=False):
            gap = norm[left.end : right.start]
            if (
                left.remedy not in avoiders
                or left.avoided_by
                or not _QUANTIFIERS.issuperset(gap.split())
            ):
                continue  # 'quit drinking (so much) coffee', not 'quit drinking, coffee'

            if right.remedy in self._avoid_code and self._avoid_code[right.remedy] != left.remedy:
                right.remedy = self._avoid_code[right.remedy]
                right.avoided_by = left.text
            if right.remedy in avoiders and right.remedy != left.remedy:
                dropped.add(id(left))
        return [m for m in found if id(m) not in dropped] if dropped else found

    @staticmethod
    def _cue_before(pattern: re.Pattern[str] | None, mention: Mention, norm: str) -> str | None:
        """A cue of `pattern` a few words before the mention, in its sentence."""
        if pattern is None:
            return None
        match = pattern.search(_clause_before(norm, mention.start))
        return None if match is None else match.group()

    # ------------------------------------------------------------------ effects

    def _read(self, raw: str) -> _Text | None:
        if "\n" in raw:
            raw = _WRAPPED.sub(" ", raw)  # same length: positions still index the comment
        norm = normalise(raw)
        words = _Words(norm)
        mentions = self._mentions(raw, norm, words)
        if not mentions:
            return None
        bounds = sorted({0, len(raw) + 1, *_sentence_ends(raw)})
        taken = [(m.start, m.end) for m in mentions]
        text = _Text(raw, norm, mentions, [], bounds, self._blanked(words), taken, set())
        text.words = words.set
        text.long_names = [
            (m.start, m.end) for m in mentions if _SPACE.search(norm, m.start, m.end)
        ]
        for lo, hi in self._cue_windows(text):
            text.cues += self._scan(text, lo, hi)
        return text

    def _scan(self, text: _Text, lo: int, hi: int) -> list[Cue]:
        """The cues between `lo` and `hi` (sentence bounds), outside the mentions."""
        cues: list[Cue] = []
        floor, taken, hoped = lo, text.taken, -1
        starts = [s for s, _ in taken]  # mentions: sorted, never overlapping
        for match in self._cue_re.finditer(text.blanked, lo, hi):
            at = bisect_left(starts, match.end())
            if at and taken[at - 1][1] > match.start():
                continue  # inside a mention
            if self._purpose and self._for_purpose(text.blanked, match.start(), lo):
                text.neutral.append(match.start())  # 'took X to relieve it': why, not what
                continue
            if hoped >= 0 and self._hoped(text.norm, hoped, match.start()):
                text.neutral.append(match.start())  # 'hoping it would help': not what it did
                continue
            if text.norm.startswith("for ", match.start()) and self._time_spent(text, match, cues):
                continue  # 'walking around my apartment for a couple of hours': not relief
            cue = self._cue(match, text, floor)
            if not self._is_negator(match.group()):
                floor = match.end()  # a cue's own words negate nothing after it
            if cue is not None:
                cues.append(cue)
                if cue.raw_effect == self.rules.default_effect:
                    hoped = cue.end
            elif self._cue_effect(match.group()) == "":
                text.neutral.append(match.start())
        return cues

    def _time_spent(self, text: _Text, match: re.Match[str], cues: list[Cue]) -> bool:
        """Whether a partial cue of time ('for a couple of hours', 'for a while') right after
        a remedy tells how long it was done or taken ('a hot bath for an hour', 'I was on X
        for a while'), not how long relief lasted: no cue, pronoun or comma between. The
        caller has checked that the cue starts with 'for'."""
        start = match.start()
        if self._cue_effect(match.group()) != "partial":
            return False
        last = next((m for m in reversed(text.mentions) if m.end <= start), None)
        if last is None or (cues and cues[-1].start >= last.end):
            return False
        gap = text.norm[last.end : start]
        words = _WORD.findall(gap)
        return (
            len(words) <= 3
            and not any(ch in gap for ch in ",;:.!?()\n")
            and _PRONOUNS.isdisjoint(words)
        )

    def _hoped(self, norm: str, end: int, start: int) -> bool:
        """Whether a cue at `start` is what a plan, hope or hedge ending at `end` expects: a few
        words on, in the same clause ('hoping they would help', 'to see if it would work')."""
        gap = norm[end:start]
        if any(ch in gap for ch in ",;:.!?"):
            return False
        words = _WORD.findall(gap)
        if _TURN.search(gap):
            return False  # 'thinking it would help when it actually made it worse'
        return len(words) <= 5 and self._breakers.isdisjoint(words)

    def _for_purpose(self, blanked: str, start: int, lo: int) -> bool:
        """Whether a purpose word stands right before the cue ('to' of 'to ease it'), and is
        not one that makes it an outcome ('able to sleep', 'started to ease')."""
        tokens = _TOKEN.findall(blanked, max(lo, start - 40), start)
        if not tokens or tokens[-1] not in self._purpose:
            return False
        return len(tokens) < 2 or tokens[-2] not in self._purpose_exceptions

    def _blanked(self, words: _Words) -> str:
        """The normalised text with fillers blanked out, except where a phrase uses them."""
        norm = words.norm
        if self._filler_re is None:
            return norm
        places = self._starting(self._filler_words, words)
        parts: list[str] = []
        last = 0
        for match in _finditer(self._filler_re, norm, 0, len(norm), places):
            if self._kept(norm, match):
                continue  # 'really' of 'really helps'
            start, end = match.span()
            parts += (norm[last:start], " " * (end - start))
            last = end
        if not parts:
            return norm
        parts.append(norm[last:])
        return "".join(parts)

    def _kept(self, norm: str, match: re.Match[str]) -> bool:
        """Whether the filler `match` stands between words it has in a phrase."""
        pairs = self._keep.get(match.group())
        if pairs is None:
            pairs = self._keep.get(" ".join(_WORD.findall(match.group())))  # 'kind-of'
            if pairs is None:
                return False
        start, end = match.span()
        before = _WORD.findall(norm, max(0, start - 30), start)
        after = _WORD.search(norm, end, end + 30)
        last = before[-1] if before else ""
        next_ = after.group() if after else ""
        return bool({(last, next_), (last, ""), ("", next_), ("", "")} & pairs)

    @staticmethod
    def _cue_windows(text: _Text) -> list[tuple[int, int]]:
        """The sentences holding a mention, and the sentence after each: cues matter there
        (later sentences are scanned only when a mention looks ahead, see `_sentence_cues`)."""
        last = len(text.bounds) - 2
        first = {text.sentence(m.start)[0] for m in text.mentions}
        wanted = sorted(first | {min(i + 1, last) for i in first})
        text.scanned.update(wanted)
        windows: list[tuple[int, int]] = []
        for index in wanted:
            lo, hi = text.bounds[index], min(text.bounds[index + 1], len(text.norm))
            if windows and windows[-1][1] >= lo:
                windows[-1] = (windows[-1][0], hi)
            else:
                windows.append((lo, hi))
        return windows

    def _cue(self, match: re.Match[str], text: _Text, floor: int) -> Cue | None:
        """The cue with its effect after negation; a negator is looked for after `floor`."""
        matched = match.group()
        effect = self._cue_effect(matched)
        if not effect:
            return None
        negator = self._negator(text, match.start(), floor)
        final = self.rules.negated.get(effect, effect) if negator else effect
        if self._lapse_re is not None and self._lapse_re.match(text.norm, match.end()):
            if negator:
                final = self.rules.lapsed.get(effect, final)  # "won't do the job anymore"
            elif effect in self._unnegated:  # "didn't work like it used to"
                final = self.rules.lapsed.get(self._unnegated[effect], final)
        if (
            final == "helped"
            and self._intermittent_re is not None
            and not self._intermittent_firsts.isdisjoint(text.words)
        ):
            clause = _clause_before(text.norm, match.start()).lstrip()
            if self._intermittent_re.search(clause):
                final = "partial"  # 'Sometimes, a few stretches would chase it away'
        raw = text.raw[match.start() : match.end()]
        return Cue(final, match.start(), match.end(), raw, effect, negator)

    def _cue_effect(self, matched: str) -> str | None:
        """The effect a matched cue signals ('' for neutral phrases), cached per text."""
        if matched in self._cue_cache:
            return self._cue_cache[matched]
        effect = next((e for e, p in self._cue_patterns if p.fullmatch(matched)), None)
        if len(self._cue_cache) < _CACHE_LIMIT:
            self._cue_cache[matched] = effect
        return effect

    def _negator(self, text: _Text, start: int, floor: int) -> tuple[int, int, str] | None:
        """A negator within `negation_window` words before `start`, in the same clause."""
        _, sent_start, _ = text.sentence(start)
        lo = max(sent_start, start - 80, floor)
        near_window = self.rules.negation_window
        window = max(near_window, self._subject_window)
        # only the last `window` tokens count: tokenise a stretch that holds one more
        near = max(lo, start - 12 * (window + 1))
        tokens = list(_TOKEN.finditer(text.norm, near, start))
        if near > lo and len(tokens) <= window:
            tokens = list(_TOKEN.finditer(text.norm, lo, start))
        names = text.long_names
        count, name = 0, None
        for position in range(len(tokens) - 1, -1, -1):
            token = tokens[position]
            word = token.group()
            if word in _PUNCT_STOP or word in self._breakers:
                return None
            if word in self._filler_tokens:
                continue  # 'didn't seem to be helping': fillers do not use up the window
            if names:
                within = next((n for n in names if n[0] <= token.start() < n[1]), None)
                if within is not None and within == name:
                    continue  # 'nor the Epsom salt baths did anything': a name is one word
                name = within
            count += 1
            if word == "not" and _ONLY.match(text.norm, token.end()):
                continue  # 'not only could it help': an addition, not a denial
            if self._is_negator(word) and (
                count <= near_window or self._subject(word, tokens, position)
            ):
                return (token.start(), token.end(), text.raw[token.start() : token.end()])
            if count >= window:
                return None
        return None

    @staticmethod
    def _topic(mention: Mention, text: _Text, start: int, end: int) -> bool:
        """Whether a question names only the remedy ('Tonic water?', 'And X?'): a topic the
        writer answers next, not a question to others."""
        words = _WORD.findall(text.norm, start, end)
        for other in text.mentions:  # 'Bananas for potassium?': remedies and a few words
            if start <= other.start < end:
                for word in _WORD.findall(text.norm, other.start, other.end):
                    if word in words:
                        words.remove(word)
        if len(words) <= 1:
            return True
        # 'Compression socks at night?', not 'Anyone tried X?' or 'Does X help?'
        return len(words) <= 3 and _ASKING.isdisjoint(words)

    def _subject(self, word: str, tokens: list[re.Match[str]], index: int) -> bool:
        """Whether negator `word` at `tokens[index]` is a subject reaching far ('none of these
        was effective'), not one in a condition ('if none of these is effective')."""
        following = [t.group() for t in tokens[index : index + self._subject_reach]]
        if not self._opens_with_subject(following):
            return False
        return index == 0 or tokens[index - 1].group() not in _CONDITIONS

    def _opens_with_subject(self, words: list[str]) -> bool:
        """Whether `words` begin with a subject negator: 'nothing', or a phrase ('not one')."""
        return bool(words) and (
            words[0] in self._subject_negators
            or any(tuple(words[: len(phrase)]) == phrase for phrase in self._subject_phrases)
        )

    def _finding(self, mention: Mention, text: _Text) -> Finding:
        index, start, end = text.sentence(mention.start)
        default = self.rules.default_effect
        question = _asks(text, start, end)
        asked = _question_start(text.norm, start, end) if question else start
        if question and mention.end <= asked:
            end = asked  # 'X doesn't stop it but I sleep through it, so it counts?'
        inside = [c for c in text.cues if start <= c.start < end]
        if question and mention.start >= asked:
            if self._topic(mention, text, start, end):  # 'Tonic water? A waste of money.'
                after = self._next_sentence(mention, text, index, (start, end))
                if after.cue is not None:
                    return after
            return Finding(mention, default, "in a question", evidence=(start, end))
        plans = [c for c in inside if c.raw_effect == default and c.end <= mention.start]
        plan = plans[0] if plans else None
        if plan is not None and _OWN_DOING.search(text.norm, plans[-1].end, mention.start):
            plan = None  # 'I read that sugar is bad, so I cut out sweets': what the writer did
        if (
            plan is not None
            and self._reason_re
            and self._reason_re.search(text.norm, plan.end, mention.start)
        ):
            plan = None  # 'wants to try Y, since X didn't work': the reason tells what X did
        answer = plan and self._forward(mention, inside, text)
        if plan is not None and not (answer and self._answered(plan, answer, text)):
            # hearsay or a plan, unless the next sentence reports trying it
            after = self._next_sentence(mention, text, index, (start, end))
            if after.cue is not None and self._told_in_person(after.cue, text):
                return after
            return self._plan(mention, plan, (start, end))
        cue = (
            answer or self._adjacent(mention, inside, text) or self._forward(mention, inside, text)
        )
        if cue is not None and cue.negator is None:
            cue = self._negated_mention(mention, cue, text)
        if cue is None:
            cue = self._backward(mention, inside, text)
            hedge = next(
                (c for c in inside if c.raw_effect == default and c.start >= mention.end), None
            )
            if (
                cue is not None
                and hedge is not None
                and not self._apart(mention.end, hedge.start, text)
                and not _TRIED.search(_clause_before(text.norm, mention.start))
            ):  # 'a temporary truce ..., knowing the X might soothe it': the hedge speaks
                return self._plan(mention, hedge, (start, end))
        if cue is not None and mention.omitted_by and cue.start >= mention.end:
            left_out = self.rules.omitted.get(cue.effect)
            if left_out is not None:  # 'If I forget my X, it gets worse': X helps
                why = f"{cue.describe()}; left out -> {left_out}"
                return Finding(mention, left_out, why, cue, (start, end))
        if cue is not None and self._in_condition(mention, cue, text, start):
            why = f'cue "{cue.text}" in a condition ("if ...") -> {default}'
            return Finding(mention, default, why, cue, (start, end))
        if cue is not None:
            cue = self._qualified(cue, self._next_cues(text, index), text)
            finding = self._with_cue(mention, cue, (start, end), text)
            finding.direct = not self._crosses(mention, cue, text)
            return self._own_try(mention, text, index, (start, end)) or self._excepted(
                finding, text
            )
        elliptic = self._elliptic(mention, text, index, (start, end))
        if elliptic is not None:
            return elliptic
        after = self._next_sentence(mention, text, index, (start, end))
        left_out = self.rules.omitted.get(after.effect) if mention.omitted_by else None
        if left_out is not None and after.cue is not None:  # 'I forgot my X. Pure hell.'
            after = replace(after, effect=left_out, why=f"{after.why}; left out -> {left_out}")
        hedge = next(
            (c for c in inside if c.raw_effect == default and c.start >= mention.end), None
        )
        if (
            hedge is not None
            and after.cue is not None
            and after.cue.start >= end
            and not self._told_in_person(after.cue, text)
        ):
            return self._plan(mention, hedge, (start, end))  # 'X can help. Another swore by Y.'
        return after

    def _elliptic(
        self, mention: Mention, text: _Text, index: int, bounds: tuple[int, int]
    ) -> Finding | None:
        """'Ibuprofen does nothing for it. Tylenol neither.': a sentence that is only the
        remedy and 'neither', 'too' or 'same with' says again what the sentence before said."""
        start, end = bounds
        if index == 0 or end - start > mention.end - mention.start + _ELLIPSIS_CHARS:
            return None
        words = _WORD.findall(text.norm, start, mention.start) + _WORD.findall(
            text.norm, mention.end, end
        )
        if not words or len(words) > 4 or not _ELLIPSIS_WORDS.issuperset(words):
            return None
        if _ELLIPSIS_MARKS.isdisjoint(words):
            return None
        cues = [
            c
            for c in self._sentence_cues(text, index - 1)
            if c.raw_effect != self.rules.default_effect
        ]
        if not cues or not any(text.bounds[index - 1] <= m.start < start for m in text.mentions):
            return None
        cue = self._qualified(cues[0], cues[1:], text)
        why = cue.describe() + " (said again of it)"
        return Finding(mention, cue.effect, why, cue, (text.bounds[index - 1], end), direct=False)

    @staticmethod
    def _in_condition(mention: Mention, cue: Cue, text: _Text, start: int) -> bool:
        """'If all types of massaging still do not work, try the shower', 'X, only if other
        medicines have failed': a cue in an 'if' clause holding or following the remedy is a
        condition, not an outcome ('even if', 'if anything' and an outcome after the clause's
        comma or an 'and' are outcomes)."""
        if cue.start < mention.end or text.words.isdisjoint(("if", "unless")):
            return False
        openings = list(_IF_CLAUSE.finditer(text.norm, start, mention.start))
        if openings:
            to = cue.negator[0] if cue.negator else cue.start
            between = _WORD.findall(text.norm, mention.end, to)
            if not _SUBJECTS.isdisjoint(between) or len(between) > 4:
                return False  # 'If I take X I sleep well': the outcome has a clause of its own
        else:  # 'X, only if other medicines have failed'
            openings = list(_IF_CLAUSE.finditer(text.norm, mention.end, cue.start))
            if not openings or {"and", "but"} & set(
                _WORD.findall(text.norm, openings[-1].end(), cue.start)
            ):
                return False
        return not any(p in text.norm[openings[-1].end() : cue.start] for p in ",;:")

    def _told_in_person(self, cue: Cue, text: _Text) -> bool:
        """Whether the sentence of `cue` is told in the first person ('I tried it. It helped'
        is; 'Another swore the cure was a wall' after 'one said X can help' is not)."""
        _, start, end = text.sentence(cue.start)
        if not _FIRST_PERSON.isdisjoint(_WORD.findall(text.norm, start, end)):
            return True
        before = _WORD.findall(text.norm, start, cue.start)
        # 'It helped.', 'Sounds crazy but it actually worked': it goes on with the remedy
        return not before or not _PRONOUNS.isdisjoint(before[-3:]) or before[0] in _PRONOUNS

    def _own_try(
        self, mention: Mention, text: _Text, index: int, bounds: tuple[int, int]
    ) -> Finding | None:
        """'My mother swore by X. I tried it and noticed zero difference.': in a sentence
        with no 'I' or 'me', the outcome is someone else's; the writer's own try of it, told
        in the next sentence, is what the report says it did."""
        if index + 2 >= len(text.bounds) or not _OWN_TRY.match(text.norm, text.bounds[index + 1]):
            return None
        if not _I_OR_ME.isdisjoint(_WORD.findall(text.norm, bounds[0], bounds[1])):
            return None
        default = self.rules.default_effect
        cues: list[Cue] = []
        for step in (1, 2):  # 'I tried it for a month.' may tell the outcome one sentence on
            if index + step + 1 >= len(text.bounds):
                return None
            start, end = text.bounds[index + step], text.bounds[index + step + 1]
            if (
                any(start <= m.start < end for m in text.mentions)
                or "\n" in text.raw[bounds[1] : start]
            ):
                return None
            cues = [c for c in self._sentence_cues(text, index + step) if c.raw_effect != default]
            if cues:
                break
        if not cues:
            return None
        cue = self._qualified(cues[0], cues[1:], text)
        why = cue.describe() + (
            " (their own try, next sentence)" if step == 1 else " (their own try)"
        )
        found = Finding(mention, cue.effect, why, cue, (bounds[0], end), direct=False)
        return self._stopped(found, text)

    def _excepted(self, finding: Finding, text: _Text) -> Finding:
        """'Nothing works except X', 'nothing touched it until X, Y or Z': a failed cue
        before an exception word is what the other remedies did; X is the exception."""
        cue, mention = finding.cue, finding.mention
        flipped = self._unnegated.get(finding.effect)
        if cue is None or flipped is None or self._exception_re is self._comparison_re is None:
            return finding
        if cue.end > mention.start or mention.stopped_by or mention.avoided_by:
            return finding
        gap, at = [], cue.end
        for other in text.mentions:  # a list after the exception shares it
            if cue.end <= other.start and other.end <= mention.start:
                gap.append(text.norm[at : other.start])
                at = other.end
        gap.append(text.norm[at : mention.start])
        words = _WORD.findall("".join(gap[1:]))
        if any(w not in _LIST_WORDS for w in words):
            return finding
        if self._exception_re is not None and self._exception_re.fullmatch(gap[0]):
            finding.why += f'; the exception ("{gap[0].strip(" ,")}") -> {flipped}'
        elif self._comparison_re is not None and self._comparison_re.fullmatch(gap[0]):
            finding.why += f'; the standard of comparison ("{gap[0].strip()}") -> {flipped}'
        else:
            return finding
        finding.effect = flipped
        return finding

    def _next_cues(self, text: _Text, index: int) -> list[Cue]:
        """Cues of the next sentence when it names no remedy: 'Now it barely touches it.'"""
        if index + 2 >= len(text.bounds):
            return []
        start, end = text.bounds[index + 1], text.bounds[index + 2]
        if any(start <= m.start < end for m in text.mentions):
            return []
        if _BLANK_LINE.search(text.raw, text.bounds[index], start):
            return []  # the next paragraph tells something else
        cues = [c for c in text.cues if start <= c.start < end]
        # without a 'then'/'but' opening it, 'worse at night' describes the condition
        return cues if self._turns(text, start) else [c for c in cues if c.effect != "worsened"]

    def _turns(self, text: _Text, start: int) -> bool:
        """Whether the sentence at `start` opens with a contrast ('But then ...')."""
        return self._contrast_re is not None and bool(self._contrast_re.match(text.norm, start))

    def _negated_mention(self, mention: Mention, cue: Cue, text: _Text) -> Cue:
        """'No sedative will do the job': a negator right before the mention flips its cue."""
        _, sent_start, _ = text.sentence(mention.start)
        lo = max(sent_start, mention.start - 80)
        tokens = list(_TOKEN.finditer(text.norm, lo, mention.start))
        while len(tokens) > 1:
            last = tokens[-1]
            if last.group() in _QUANTITY_WORDS:
                tokens.pop()  # 'no amount of X helped', 'no other X worked'
                continue
            if last.group() not in _LIST_JOINS:
                break
            before = max(
                (m for m in text.mentions if lo <= m.start and m.end <= last.start()),
                key=lambda m: m.end,
                default=None,
            )
            if before is None or text.norm[before.end : last.start()].strip():
                break
            while tokens and tokens[-1].start() >= before.start:
                tokens.pop()  # 'no sedative or tranquilizer will do the job'
        if not tokens or not self._is_negator(tokens[-1].group()):
            return cue
        token = tokens[-1]
        if cue.start <= token.start() < cue.end:
            return cue  # the cue says it itself: "can't sleep without X"
        negator = (token.start(), token.end(), text.raw[token.start() : token.end()])
        effect = self.rules.negated.get(cue.raw_effect, cue.raw_effect)
        return replace(cue, effect=effect, negator=negator)

    def _is_negator(self, word: str) -> bool:
        return word in self._negators or bool(
            self._negator_suffixes and word.endswith(self._negator_suffixes)
        )

    @staticmethod
    def _crosses(mention: Mention, cue: Cue, text: _Text) -> bool:
        lo, hi = sorted((mention.end, cue.start))
        return any(lo <= m.start < hi and m.remedy != mention.remedy for m in text.mentions)

    def _answered(self, plan: Cue, cue: Cue, text: _Text) -> bool:
        """'Hoping they would help, but they did not': a contrast after the plan, then what
        happened. 'You could try X, it worked for me': advice, then the writer's own outcome."""
        if "me" in _WORD.findall(text.norm, cue.start, cue.end) or _FOR_ME.match(
            text.norm, cue.end
        ):
            return True  # 'X can provide some relief; these helped me a little
        if self._reason_re is not None and self._reason_re.search(text.norm, plan.end, cue.start):
            return False  # 'I plan to try X because a friend says it helps': why, not what
        if _TURN.search(text.norm, plan.end, cue.start):
            return True  # 'thinking it will help when it actually makes it worse'
        return self._contrast_re is not None and bool(
            self._contrast_re.search(text.norm, plan.end, cue.start)
        )

    def _plan(self, mention: Mention, cue: Cue, bounds: tuple[int, int]) -> Finding:
        why = f'plan/question "{cue.text}" -> {cue.effect}'
        return Finding(mention, cue.effect, why, cue, bounds)

    def _with_cue(
        self, mention: Mention, cue: Cue, bounds: tuple[int, int], text: _Text
    ) -> Finding:
        inside = [c for c in text.cues if bounds[0] <= c.start < bounds[1]]
        default = self.rules.default_effect
        stated = [c.start for c in inside if c.raw_effect != default]
        if cue.start >= mention.end:  # up to the first stated cue after the mention
            lo, hi = mention.end, min([s for s in stated if s >= mention.end], default=cue.start)
        else:
            lo, hi = cue.start, mention.start
        between = next((c for c in inside if c.raw_effect == default and lo <= c.start < hi), None)
        forward = cue.start >= mention.end
        if between is not None and not (forward and self._answered(between, cue, text)):
            return self._plan(mention, between, bounds)
        tag = self._hearsay_tag(cue, inside, bounds, text)
        if tag is not None:
            return self._plan(mention, tag, bounds)
        return self._stopped(Finding(mention, cue.effect, cue.describe(), cue, bounds), text)

    def _hearsay_tag(
        self, cue: Cue, inside: list[Cue], bounds: tuple[int, int], text: _Text
    ) -> Cue | None:
        """'X works best, I hear', 'X helps, so they say': a not_stated cue that ends the
        sentence a word or less after the outcome makes it hearsay."""
        default = self.rules.default_effect
        for tag in inside:
            if tag.start < cue.end or tag.raw_effect != default:
                continue
            close = len(_WORD.findall(text.norm, cue.end, tag.start)) <= 1
            last = not _WORD.search(text.norm, tag.end, min(bounds[1], len(text.norm)))
            return tag if close and last else None
        return None

    def _stopped(self, finding: Finding, text: _Text) -> Finding:
        """'Stopped X and it got better': the cue tells what X did, flipped."""
        mention, cue = finding.mention, finding.cue
        flipped = self.rules.discontinued.get(finding.effect)
        if not mention.stopped_by or flipped is None or cue is None:
            return finding
        lo, hi = sorted((mention.end, cue.start))
        if self._reason_re is not None and self._reason_re.search(text.norm, lo, hi):
            return finding  # why it was stopped, not what stopping did
        if cue.end <= mention.start and not _AFTER.search(text.norm, cue.end, mention.start):
            return finding  # 'after years of augmentation I came off X': what X did
        finding.why += f"; stopped -> {flipped}"
        finding.effect = flipped
        return finding

    def _stopped_later(self, finding: Finding, text: _Text, start: int) -> Finding:
        """'Started X in June ... Doc took me off it and it settled.': a later sentence that
        stops 'it' before its cue tells what stopping X did, flipped."""
        cue = finding.cue
        flipped = self.rules.discontinued.get(finding.effect)
        if self._stop_it_re is None or cue is None or flipped is None:
            return finding
        stop = self._stop_it_re.search(text.norm, start, cue.start)
        if (
            stop is not None
            and self._reason_re
            and self._reason_re.search(text.norm, stop.end(), cue.start)
        ):
            return finding  # why it was stopped
        if stop is None and self._stopped_after_re is not None:
            # 'Symptoms resolved after the drug was discontinued.'
            stop = self._stopped_after_re.match(text.norm, cue.end, text.sentence(cue.start)[2])
        if stop is None:
            return finding
        finding.why += f'; stopped ("{stop.group().strip()}") -> {flipped}'
        finding.effect = flipped
        return finding

    def _forward(self, mention: Mention, inside: list[Cue], text: _Text) -> Cue | None:
        default = self.rules.default_effect
        after = [c for c in inside if c.start >= mention.end and c.raw_effect != default]
        if not after:
            return None
        cue = after[0]
        if cue.start - mention.end > _WINDOW_CHARS or self._handed_on(mention, cue, text):
            return None
        if self._other_subject(mention.end, cue, text):
            return None
        if self._switch_reason(mention, cue, text):
            return None
        return self._qualified(cue, after[1:], text)

    def _switch_reason(self, mention: Mention, cue: Cue, text: _Text) -> bool:
        """'Switched me from X to Y because of augmentation': the reason is X's, not Y's."""
        if mention.stopped_by or self._reason_re is None:
            return False
        if not self._reason_re.search(text.norm, mention.end, cue.start):
            return False
        start = text.sentence(mention.start)[1]
        return any(
            m.stopped_by and start <= m.start and m.end <= mention.start for m in text.mentions
        )

    def _other_subject(self, end: int, cue: Cue, text: _Text) -> bool:
        """'X is the only thing that works; the newer pills don't work as well': after a
        semicolon, a cue with a subject of its own (not 'it', not the condition) is about that."""
        cut = text.norm.rfind(";", end, cue.start)
        if cut < 0:
            return False
        clause = text.norm[cut + 1 : cue.negator[0] if cue.negator else cue.start]
        if self._condition_re is not None:
            clause = self._condition_re.sub(" ", clause)
        words = [w for w in _WORD.findall(clause) if w not in _SUBJECT_WORDS]
        return len(words) >= 2

    def _qualified(
        self, cue: Cue, later: list[Cue], text: _Text, own: Mention | None = None
    ) -> Cue:
        """'Worked great for a few months': a later cue in the report makes 'helped' partial.

        A negated 'worsened' ('no augmentation, still works') gives way to the next cue."""
        weak = cue.negator is not None and cue.raw_effect == "worsened"
        if weak and later and not any(cue.end <= m.start < later[0].start for m in text.mentions):
            cue, later = later[0], later[1:]
        if cue.effect == "no_effect":
            raised = next((c for c in later if c.effect in ("helped", "partial")), None)
            if raised is not None and _DOSE_UP.search(text.norm, cue.end, raised.start):
                return raised  # 'it did nothing so he upped it to 600, ... I finally get relief'
        if cue.effect == "no_effect" and later and later[0].effect == "partial":
            # "didn't stop the movements but at least I slept through them"
            apart = any(cue.end <= m.start < later[0].start for m in text.mentions)
            if not apart and "but" in _WORD.findall(text.norm, cue.end, later[0].end):
                return later[0]
        if cue.effect not in ("helped", "partial"):
            return cue
        faded: Cue | None = None
        for other in later:
            if any(cue.end <= m.start < other.start for m in text.mentions if m is not own):
                break
            if self._other_subject(cue.end, other, text):
                break  # '...; the newer ones fade' qualifies them, not this
            if other.negator and other.raw_effect in ("worsened", "partial"):
                continue  # 'without augmentation', 'never had to increase the dose'
            if self._omit_re is not None and self._omit_re.search(
                _clause_before(text.norm, other.start, 60) + " "
            ):
                continue  # 'When I cheat, it comes right back': leaving it out confirms it
            if self._told_of_next(other, own, text):
                continue  # 'gave me my life back after years of augmentation on X': X's
            if other.effect == "worsened" and other.negator is None:
                return other  # 'a godsend at first, then augmentation': what it came to
            if cue.effect == "partial" or faded is not None:
                continue  # '... at first, then twice as bad' may still come
            if other.effect in ("partial", "worsened", "no_effect"):
                faded = replace(other, effect="partial")  # helped, then faded or stopped
        return faded or cue

    @staticmethod
    def _told_of_next(cue: Cue, own: Mention | None, text: _Text) -> bool:
        """Whether a cue is said of the remedy right after it ('augmentation on X', 'rebound
        from X'), another than `own`."""
        after = next((m for m in text.mentions if m.start >= cue.end), None)
        if after is None or (own is not None and after.remedy == own.remedy):
            return False
        words = _WORD.findall(text.norm, cue.end, after.start)
        return 0 < len(words) <= 2 and _OF_WORDS.issuperset(words)

    def _adjacent(self, mention: Mention, inside: list[Cue], text: _Text) -> Cue | None:
        """A cue right before the mention ('the only thing that works is X', 'managed with X')
        speaks for it more than one after it; later cues can still make it partial."""
        before = [c for c in inside if c.end <= mention.start]
        if not before or not self._next_to(before[-1].end, mention, text):
            return None
        cue = before[-1]
        if cue.raw_effect == self.rules.default_effect:
            return None
        later = [c for c in inside if c.start >= mention.end]
        return self._qualified(cue, later, text, own=mention)

    @staticmethod
    def _next_to(end: int, mention: Mention, text: _Text) -> bool:
        """Only a word between (or a list of other remedies: 'baths, stretching and X')."""
        gap = list(text.norm[end : mention.start])
        listed = False
        for other in text.mentions:
            if end <= other.start and other.end <= mention.start:
                gap[other.start - end : other.end - end] = " " * (other.end - other.start)
                listed = True
        words = "".join(gap).replace(",", " " if listed else ",").split()
        if not listed and 1 < len(words) <= 2 and _COPULA.issuperset(words):
            return True  # 'the only thing that makes it better is to get up and walk'
        return len(words) <= (2 if listed else 1) and not any(
            p in w for w in words for p in ".,;:!?"
        )

    def _handed_on(self, mention: Mention, cue: Cue, text: _Text) -> bool:
        """True if a contrast word, or a new clause ('with X, assess your Y, as Y will worsen
        it'), puts another remedy between the mention and the cue. A list ('X, Y and Z
        helped') still shares its cue."""

        def new_clause(end: int) -> bool:
            gap = list(text.norm[mention.end : end])
            for m in text.mentions:  # remedies listed in between are not clause words
                if mention.end <= m.start and m.end <= end:
                    gap[m.start - mention.end : m.end - mention.end] = " " * (m.end - m.start)
            rest = "".join(gap)
            if "," not in rest or {"and", "or"} & set(_WORD.findall(rest.rsplit(",", 1)[1])):
                return False  # '..., or taking a hot shower': still a list
            words = [w for w in _WORD.findall(rest) if w not in ("etc", "and", "or")]
            return len(words) >= 3

        def reason(other: Mention) -> bool:
            """'switched from X to Y because of augmentation': why X was stopped."""
            return bool(self._reason_re and self._reason_re.search(text.norm, other.end, cue.start))

        def relative(other: Mention) -> bool:
            """'I came off X and switched to Y, which worked': the cue is Y's alone; so is one
            in brackets right after Y ('X, Y pills (which helped a bit)')."""
            if _ASIDE.match(text.norm, other.end, cue.start):
                return True
            if not _RELATIVE.match(text.norm, other.end, cue.start):
                return False
            return any(
                w not in _LIST_WORDS for w in _WORD.findall(text.norm, mention.end, other.start)
            )

        return any(
            mention.end <= other.start < cue.start
            and other.remedy != mention.remedy
            and (
                (
                    self._contrast_re
                    and self._contrast_re.search(text.norm, mention.end, other.start)
                )
                or new_clause(other.start)
                or relative(other)
                or (
                    mention.stopped_by is not None
                    and other.stopped_by is None
                    and not reason(other)
                )
            )
            for other in text.mentions
        )

    def _backward(self, mention: Mention, inside: list[Cue], text: _Text) -> Cue | None:
        default = self.rules.default_effect
        before = [c for c in inside if c.end <= mention.start and c.raw_effect != default]
        if not before:
            return None
        cue = before[-1]
        if mention.start - cue.end > _WINDOW_CHARS:
            return None
        if self._contrast_re and self._contrast_re.search(text.norm, cue.end, mention.start):
            first = min([m.start for m in text.mentions if cue.end <= m.start] + [mention.start])
            if self._exception_re is None or not self._exception_re.fullmatch(
                text.norm, cue.end, first
            ):
                return None  # ... unless X is the exception: 'nothing works except the X'
        # 'after augmentation I came off X and started on Y': the cue is X's, not Y's;
        # a list ('nothing worked: X, Y, Z') shares it
        between = [m.end for m in text.mentions if cue.end <= m.start and m.end <= mention.start]
        if between:
            words = _WORD.findall(text.norm[max(between) : mention.start])
            if len([w for w in words if w not in ("and", "or", "then")]) >= 2:
                return None
        # 'X and then Y, with horrible augmentation on all of them, I'm now on Z': a cue told
        # right after other remedies, then a clause of the writer's own, is theirs
        _, sent_start, _ = text.sentence(mention.start)
        told = [m.end for m in text.mentions if sent_start <= m.start and m.end <= cue.start]
        if told and cue.start - max(told) < mention.start - cue.end:
            gap = text.norm[cue.end : mention.start]
            at = max(gap.rfind(","), gap.rfind(";"))
            clause = [w for w in _WORD.findall(gap[at + 1 :]) if w not in ("and", "but")]
            if (
                at >= 0
                and clause
                and clause[0] in _NEW_SUBJECTS
                and not any(m.remedy == mention.remedy for m in text.mentions if m.end <= cue.start)
            ):
                return None
        return cue

    def _next_sentence(
        self, mention: Mention, text: _Text, index: int, bounds: tuple[int, int]
    ) -> Finding:
        """A mention with no cue of its own takes the first cue of the sentences after it
        ('I started X. I ordered it on a whim. It helped.'), up to `_LOOK_AHEAD` of them, while
        they carry on the same report: no other remedy, no cue, no question, no naming of the
        condition and no line break before the sentence whose cue is taken. In a report that
        names one remedy only, the look-ahead is not limited to `_LOOK_AHEAD` sentences ('My
        husband suggested I try it. ... It didn't take long before I felt relief')."""
        default = self.rules.default_effect
        listed = self._listed(mention, text)
        if listed is not None:
            return listed  # an item of a list headed 'What helped me:'
        alone = all(m.remedy == mention.remedy for m in text.mentions)
        reach = len(text.bounds) if alone else _LOOK_AHEAD
        if mention.stopped_by and any(
            mention.end <= m.start < bounds[1] and m.stopped_by is None for m in text.mentions
        ):
            reach = 0  # 'I stopped X and started Y. It helped.': what follows is Y's
        for step in range(1, reach + 1):
            if index + step + 1 >= len(text.bounds):
                break
            start, end = text.bounds[index + step], text.bounds[index + step + 1]
            gap = text.raw[mention.end : start]
            if "\n" in gap and step > 1:
                break  # a new paragraph is a new report
            line = text.raw.rfind("\n", mention.end, start)
            if line >= 0 and _LIST_ITEM.match(text.raw, line + 1):
                break  # the next item of a bulleted or numbered list tells of something else
            named = min((m.start for m in text.mentions if start <= m.start < end), default=end)
            cues = [
                c
                for c in self._sentence_cues(text, index + step)
                if c.start < named and (named == end or self._apart(c.end, named, text))
            ]
            if cues and _BLANK_LINE.search(gap) and not self._turns(text, start):
                # a new paragraph may go on with the report, but 'worse' there, with no
                # 'then'/'but' opening it, describes the condition
                cues = [c for c in cues if c.effect != "worsened"]
            if cues and _asks(text, start, end):
                break  # 'Did it help?' asks, it does not report
            cue = self._qualified(cues[0], cues[1:], text) if cues else None
            if cue is not None and cues[0].raw_effect != default:
                tag = self._hearsay_tag(cues[0], cues, (start, end), text)
                if tag is not None:  # 'Ivory works best, I hear.'
                    return self._plan(mention, tag, (bounds[0], end))
                why = cue.describe() + (" (next sentence)" if step == 1 else " (sentences on)")
                left_out = self._left_out(cue, text)
                if left_out is not None:  # 'X worked. When I tried to taper off, it came back.'
                    why += f"; left out -> {left_out}"
                    cue = replace(cue, effect=left_out)
                found = Finding(mention, cue.effect, why, cue, (bounds[0], end), direct=False)
                if not mention.stopped_by:
                    return self._stopped_later(found, text, start)
                return self._stopped(found, text)
            if step == reach or cues or named < end:
                break  # nothing further, or something else is being told now
            if _asks(text, start, end):
                break
            if self._condition_re is not None and self._condition_re.search(text.norm, start, end):
                break  # 'I have had it for years in one foot': back to the condition
        earlier = self._tried_after_failure(mention, text, index, bounds)
        if earlier is not None:
            return earlier
        verdict = self._summed_up(mention, text, index, bounds)
        if verdict is not None:
            return verdict
        presumable = mention.remedy in self._presumed_effect and self._plain(mention, text, bounds)
        return Finding(mention, default, _NO_CUE, evidence=bounds, presumable=presumable)

    def _left_out(self, cue: Cue, text: _Text) -> str | None:
        """What leaving the remedy out, told in the cue's clause ('when I tried to taper off,
        it came back'), says the remedy does: `rules.omitted` of the cue's effect."""
        if self._omit_re is None:
            return None
        clause = _clause_before(text.norm, cue.start, 60)
        omission = self._omit_re.search(clause + " ")
        if omission is None or omission.group().startswith(("before", "prior")):
            return None  # 'it didn't take long before I felt relief' is no omission
        at = cue.start - len(clause)
        if (
            cue.negator is not None
            and at + omission.start() <= cue.negator[0] < at + omission.end()
        ):
            return None  # 'without any improvement': the cue's own negator
        return self.rules.omitted.get(cue.effect)

    def _apart(self, lo: int, hi: int, text: _Text) -> bool:
        """Whether a cue ending at `lo` is cut off from a remedy named at `hi` by a clause
        break (a comma, a semicolon, a scope breaker such as 'but' or 'until'): 'It worked,
        so I stopped Y' reports on the earlier remedy, 'Nothing works better than Y' on Y."""
        gap = text.norm[lo:hi]
        return any(p in gap for p in ",;:") or not self._breakers.isdisjoint(_WORD.findall(gap))

    def _tried_after_failure(
        self, mention: Mention, text: _Text, index: int, bounds: tuple[int, int]
    ) -> Finding | None:
        """'Nothing helps. I have tried calcium, stretching': a list of things tried takes the
        failure told just before it, when that sentence names no remedy, asks nothing, and
        the list follows it in the same paragraph."""
        if index == 0 or not _TRIED.search(text.norm, bounds[0], mention.start):
            return None
        start, end = text.bounds[index - 1], text.bounds[index]
        told = text.raw[start:end].rstrip()
        if told.endswith("?") or "\n" in text.raw[start + len(told) : end]:
            return None  # a question, or a new paragraph
        if any(start <= m.start < end for m in text.mentions):
            return None
        cues = self._sentence_cues(text, index - 1)
        if not cues or cues[0].effect != _FAILED:
            return None
        why = cues[0].describe() + " (the sentence before)"
        return Finding(mention, _FAILED, why, cues[0], (start, bounds[1]), direct=False)

    def _summed_up(
        self, mention: Mention, text: _Text, index: int, bounds: tuple[int, int]
    ) -> Finding | None:
        """'I drank warm milk. I took aspirin. I went for a walk. Nothing seems to work.': a
        list of things done, one a sentence, ends in a verdict on all of them, told by a
        subject negator ('nothing', 'none of it') that opens a sentence naming no remedy.
        Every sentence between must tell no outcome and ask nothing, in the same paragraph."""
        if not self.rules.subject_negators:
            return None
        for step in range(1, _SUMMED_UP + 1):
            if index + step + 1 >= len(text.bounds):
                return None
            start, end = text.bounds[index + step], text.bounds[index + step + 1]
            if "\n" in text.raw[mention.end : start]:
                return None  # a new paragraph
            cues = self._sentence_cues(text, index + step)
            if _asks(text, start, end):
                return None
            if any(start <= m.start < end for m in text.mentions):
                if cues:
                    return None  # an outcome of its own for another remedy
                continue
            if not cues:
                if self._condition_re is not None and self._condition_re.search(
                    text.norm, start, end
                ):
                    return None  # back to the condition: 'I have had it for years'
                continue
            opening = _WORD.findall(text.norm, start, cues[0].end)[:4]  # 'Nothing', 'But none'
            negator = cues[0].negator[2].lower() if cues[0].negator else ""
            opens = self._opens_with_subject(opening) or self._opens_with_subject(opening[1:])
            if cues[0].effect != _FAILED or (  # or its subject: "I'm here to say neither work"
                not opens and negator not in self._subject_negators
            ):
                return None
            why = cues[0].describe() + " (a verdict on the list before)"
            return Finding(mention, _FAILED, why, cues[0], (bounds[0], end), direct=False)
        return None

    def _listed(self, mention: Mention, text: _Text) -> Finding | None:
        """'Here are some tips that have helped me:' over a list, one item a line: an item
        with no outcome of its own takes the outcome of the line heading the list, when that
        line names no remedy and asks nothing. Items are bulleted or numbered lines, or short
        lines under a heading that ends with a colon; blank lines may stand between them."""
        raw = text.raw
        at = raw.rfind("\n", 0, mention.start) + 1
        if at == 0:
            return None
        bulleted = bool(_LIST_ITEM.match(raw, at))
        for _ in range(_LIST_REACH):
            end = at - 1
            if end < 0:
                return None
            at = raw.rfind("\n", 0, end) + 1
            line = raw[at:end].strip()
            if not line:
                continue
            if line.endswith(":"):
                break
            if _LIST_ITEM.match(raw, at) or (not bulleted and len(line) <= _SHORT_ITEM):
                continue  # another item
            break
        else:
            return None
        if not (bulleted or line.endswith(":")) or line.endswith("?"):
            return None
        if any(at <= m.start < end for m in text.mentions):
            return None  # the heading names remedies of its own
        if _FIRST_PERSON.isdisjoint(_WORD.findall(text.norm, at, end)):
            return None  # 'These actions may be helpful:' is advice, not a report
        index = text.sentence(at + len(raw[at:end].rstrip()) - 1)[0]
        cues = [
            c for c in self._sentence_cues(text, index) if c.raw_effect != self.rules.default_effect
        ]
        if not cues or cues[-1].start < at:
            return None
        if len({c.effect for c in cues if c.start >= at}) > 1:
            return None  # 'Here is what worked and what didn't:' leaves it to each item
        why = cues[-1].describe() + " (the heading of its list)"
        return Finding(mention, cues[-1].effect, why, cues[-1], (at, mention.end), direct=False)

    def _plain(self, mention: Mention, text: _Text, bounds: tuple[int, int]) -> bool:
        """Whether a code's default effect may stand for a mention with no cue: it was not
        stopped, and its sentence has no negator ('never bothered me') and no neutral phrase
        ('to help me sleep')."""
        lo, hi = bounds
        return (
            not mention.stopped_by
            and not any(lo <= at < hi for at in text.neutral)
            and not any(self._is_negator(w) for w in _TOKEN.findall(text.norm, lo, hi))
        )

    def _sentence_cues(self, text: _Text, index: int) -> list[Cue]:
        """The cues of sentence `index`, scanning it now if `_read` did not."""
        start, end = text.bounds[index], min(text.bounds[index + 1], len(text.norm))
        if index not in text.scanned:
            text.scanned.add(index)
            found = self._scan(text, start, end)
            text.cues += found  # a sentence of its own: filters by sentence stay in order
            return found
        return [c for c in text.cues if start <= c.start < end]

    # ------------------------------------------------------------------ suggestions

    def suggest(self, comment: Comment) -> list[Coding]:
        """One suggested coding per remedy named in the comment, most specific code only."""
        text = self._read(comment.text)
        if text is None:
            return []
        return [self._coding(comment, group) for group in self._findings(text).values()]

    def _findings(self, text: _Text) -> dict[str, list[Finding]]:
        groups: dict[str, list[Finding]] = {}
        for mention in text.mentions:
            groups.setdefault(mention.remedy, []).append(self._finding(mention, text))
        return groups

    def _combined(self, findings: list[Finding]) -> Finding:
        """The finding that speaks for a remedy named several times in one comment."""
        stated = [f for f in findings if f.effect != self.rules.default_effect]
        if not stated:
            return self._presumed(findings)
        named = [f for f in stated if f.mention.how != "anaphor"]
        again = [f for f in stated if f.mention.how == "anaphor"]  # told later: always heard
        stated = ([f for f in named if f.direct] or named) + again
        stated = self._nearest_per_cue(stated)
        effects = {f.effect for f in stated}
        for effect in _COMBINE:
            if effect in effects:
                return next(f for f in stated if f.effect == effect)
        if {"helped", "no_effect"} <= effects:
            first = next(f for f in stated if f.effect == "helped")
            return replace(first, effect="partial", why=first.why + "; mixed -> partial")
        return stated[0]

    @staticmethod
    def _nearest_per_cue(findings: list[Finding]) -> list[Finding]:
        """One cue read for two mentions of a remedy speaks for the nearer one: in 'I needed
        to stretch, but no amount of stretching helped' the negated 'helped' is all it says."""
        nearest: dict[int, Finding] = {}
        for finding in findings:
            cue = finding.cue
            if cue is None:
                continue
            gap = abs(cue.start - finding.mention.start)
            kept = nearest.get(cue.start)
            if kept is None or gap < abs(cue.start - kept.mention.start):
                nearest[cue.start] = finding
        return [f for f in findings if f.cue is None or nearest[f.cue.start] is f]

    def _presumed(self, findings: list[Finding]) -> Finding:
        """No cue for any mention: the code's own default effect where the codebook gives one
        (a known trigger named with no outcome is most often reported as making it worse),
        unless the remedy was stopped, asked about, planned or negated (`_plain`)."""
        presumed = self._presumed_effect.get(findings[0].mention.remedy)
        plain = [f for f in findings if f.presumable]
        if presumed is None or not plain:
            return findings[0]
        why = f"{_NO_CUE}; the code's default when none is stated: {presumed}"
        return replace(plain[0], effect=presumed, why=why, direct=False)

    @staticmethod
    def _spans(best: Finding, findings: list[Finding]) -> list[Span]:
        """Every mention of the remedy, the deciding cue and its negator, to highlight."""
        spans = [_span(f.mention.start, f.mention.end, "remedy") for f in findings]
        if best.cue is not None:
            spans.append(_span(best.cue.start, best.cue.end, "effect"))
            if best.cue.negator:
                spans.append(_span(best.cue.negator[0], best.cue.negator[1], "negation"))
        return spans

    def _coding(self, comment: Comment, findings: list[Finding]) -> Coding:
        best = self._combined(findings)
        start, end = _trim(comment.text, *best.evidence)
        mention = best.mention
        spans = self._spans(best, findings)
        reason = f"{mention.describe()}; {best.why}"
        if len(findings) > 1:
            reason += f" ({len(findings)} mentions)"
        return _build(
            Coding,
            dict(
                id=suggestion_id(comment.id, mention.remedy, self.codebook.content_hash),
                comment_id=comment.id,
                remedy=mention.remedy,
                effect=best.effect,
                coder=AUTO_CODER,
                status="suggested",
                start=start,
                end=end,
                quote=comment.text[start:end],
                codebook_hash=self.codebook.content_hash,
                reason=reason,
                spans=spans,
                note="",
                created_at=utcnow(),
                suggestion_id=None,
            ),
        )

    def explain(self, comment: Comment) -> str:
        """Multi-line reasoning for `suggest --explain`: each mention, cue and decision."""
        text = self._read(comment.text)
        head = f"Comment {comment.id}" + (f" ({comment.author})" if comment.author else "")
        if text is None:
            return f"{head}: no remedy named."
        lines = [f"{head}: {len(text.mentions)} mention(s)"]
        for remedy, findings in self._findings(text).items():
            best = self._combined(findings)
            lines.append(f"  {remedy} -> {best.effect}")
            for finding in findings:
                lines.append(f"    {finding.mention.describe()}; {finding.why}")
            start, end = _trim(comment.text, *best.evidence)
            lines.append(f'    evidence [{start}:{end}]: "{_short(comment.text[start:end])}"')
        return "\n".join(lines)

    # ------------------------------------------------------------------ lookup

    def _lookup_choices(self) -> list[tuple[str, str]]:
        choices = []
        for code in self.codebook.remedies:
            if code.codable:
                names = [code.id, code.label, *code.terms, *code.misspellings]
                choices += [(normalise(n.rstrip("*")), code.id) for n in names]
        return choices

    def lookup(self, query: str, limit: int = 10) -> list[tuple[str, float]]:
        """Remedy codes for a type-ahead query (label, id, term or misspelling), best first."""
        query = normalise(query.strip())
        if not query:
            return []
        texts = [t for t, _ in self._labels]
        best: dict[str, float] = {}
        for text, score, index in process.extract(
            query, texts, scorer=fuzz.WRatio, limit=limit * 8, score_cutoff=50
        ):
            if text.startswith(query):
                score = 100.0
            code_id = self._labels[index][1]
            best[code_id] = max(best.get(code_id, 0.0), float(score))
        ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))
        return ranked[:limit]


def suggestion_id(comment_id: str, remedy: str, codebook_hash: str) -> str:
    """Deterministic suggestion id (a UUID5): re-running `suggest` yields the same ids."""
    sha = _NAMESPACE_SHA1.copy()
    sha.update(f"{comment_id}\x00{remedy}\x00{codebook_hash}".encode())
    digest = bytearray(sha.digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    hexed = digest.hex()
    return f"{hexed[:8]}-{hexed[8:12]}-{hexed[12:16]}-{hexed[16:20]}-{hexed[20:]}"


_WORD = re.compile(r"\w+")
_RELATIVE = re.compile(r"[\s,]*(?:which|that|who)\b")
# 'X, Y pills (which helped)': Y's alone; not 'X and Y (both helped)'
_ASIDE = re.compile(r"(?:\s*\w+){0,2}\s*\((?!\s*(?:both|all|each|they|these|those)\b)[^()]*\Z")
_ARTICLES = frozenset({"the", "a", "an", "my", "some"})
# between an avoidance term and the trigger it avoids: 'do not drink any coffee'
_QUANTIFIERS = _ARTICLES | {"any", "much", "so", "more", "less", "too", "all", "lot", "of", "as"}
# what a stop phrase stops when it names no remedy: 'came off it', 'stopped the medication'
_STOPPED_OBJECTS = r"it|them|the drug|the medication|the medicine|the pills|the tablets|that"
# words that make a short question one put to others: 'Anyone tried X?', 'Does X help?'
_ASKING = frozenset(
    {
        *("you", "your", "anyone", "anybody", "someone", "everyone", "people", "who", "what"),
        *("how", "why", "which", "where", "when", "does", "do", "did", "is", "are", "was"),
        *("should", "can", "could", "would", "will", "has", "have", "tried", "try", "any"),
    }
)
_NEW_LINE_HEAD = re.compile(r"\n\s*[A-Z]")  # a line that starts anew, not a wrapped phrase
_COPULA = frozenset({"is", "was", "are", "were", "to", "be"})
_ONLY = re.compile(r"\s+only\b")
_SURPRISE = re.compile(r"(?:\?\?|\?!|!\?)[?!]*$")  # 'it worked??': told with surprise
# words that open a question, beyond those of _ASKING: 'Am I ...', 'Might it ...'
_QUESTION_OPENERS = frozenset({"am", "were", "may", "might", "shall", "so", "or", "and", "but"})
_CLAUSE_BREAK = re.compile(r"[,;:]\s*|\s(?:so|but)\s+")
# a clause of the writer's own after a plan or hearsay: ', so I cut out', 'and I've stopped'
_OWN_DOING = re.compile(r"(?:[,;]\s*|\s(?:so|and|then)\s+)(?:(?:so|then)\s+)?(?:i|we)(?:'ve|'d)?\s")
_TURN = re.compile(r"\b(?:actually|in fact|in reality)\b")  # what happened, after a hope
_DETERMINERS = _ARTICLES | {"any", "his", "her", "taking", "using"}  # 'without (taking) my X'
_SUBJECTS = frozenset({"i", "we", "you", "he", "she", "they", "my", "his", "her", "our", "their"})
_IF_CLAUSE = re.compile(r"(?<!\beven )\b(?:if|unless)\b(?! anything)")
_I_OR_ME = frozenset({"i", "me"})
_OWN_TRY = re.compile(  # 'I tried it', 'So I gave it a go', 'Tried it', 'For me it worked'
    r"\s*(?:(?:so|and|but|then|well)\W+)?(?:(?:i(?:\W+ve|\W+have|\W+finally|\W+also)?\W+)?"
    r"(?:tried|gave|started|used|bought|ordered|took|got)\W+(?:it|them|this|that|one|some)\b"
    r"|for\W+me\W+(?:it|they|that)\b)"
)
_LIST_WORDS = _ARTICLES | {"and", "or"}  # between listed remedies
# 'Tylenol neither.', 'Same with Advil.', 'Motrin too.': a sentence that repeats the last one
_ELLIPSIS_MARKS = frozenset({"neither", "either", "too", "also", "same", "ditto", "nor"})
_ELLIPSIS_WORDS = _ELLIPSIS_MARKS | {"as", "well", "with", "for", "me", "and", "the", "here"}
_ELLIPSIS_CHARS = 24  # what such a sentence holds besides the remedy, at most
_DOSE_UP = re.compile(
    r"\b(?:upped|increased|raised|doubled|tripled|higher dose|bumped (?:it|me) up)\b"
)
_OF_WORDS = frozenset({"on", "from", "with", "of", "off", "the", "my", "his", "her"})
_NEW_SUBJECTS = frozenset({"i", "we", "he", "she", "my", "our", "now", "so"})  # a clause anew


def _codable_ancestors(codebook: Codebook) -> dict[str, frozenset[str]]:
    """Each codable code's codable ancestors (its class codes), for codes that have any."""
    codable = {code.id for code in codebook.remedies if code.codable}
    classes = {code_id: frozenset(codebook.ancestors(code_id)) & codable for code_id in codable}
    return {code_id: found for code_id, found in classes.items() if found}


def _index_start(index: dict[str, set[str] | None], key: str) -> None:
    """Record where a term can begin: its first word with the word that must follow it
    ('no' + 'sugar'), or alone (None) for one-word terms and run-together forms."""
    words = [w for part in key.rstrip(_GLOB).split(_SEP) for w in _WORD.findall(part)]
    for n in range(1, len(words)):
        joined = "".join(words[:n])
        if key.endswith(_GLOB) and n == len(words) - 1:
            index[joined] = None  # the next word is only a prefix: always try here
            continue
        nexts = index.setdefault(joined, set())
        if nexts is not None:
            nexts.add(words[n])
    if words:
        index["".join(words)] = None


_LEAD = re.compile(r"\w+")
_PIECES_AND_SYMPTOM = frozenset([*_PIECES, _SYMPTOM, _END])
_SPACE_BYTES = bytes(i if re.match(r"\w", chr(i)) else 32 for i in range(256))
_NON_ASCII_WORD = re.compile(r"[^\W\x00-\x7f]")


class _Words:
    """The words of a normalised text, and where a given word stands as a whole word."""

    __slots__ = ("norm", "padded", "set")

    def __init__(self, norm: str) -> None:
        self.norm = norm
        spaced: str | None = None  # `norm` with every non-word character a space
        if norm.isascii():
            spaced = norm.encode().translate(_SPACE_BYTES).decode()
        elif not _NON_ASCII_WORD.search(norm):
            spaced = norm.encode("ascii", "replace").translate(_SPACE_BYTES).decode()
        self.padded = None if spaced is None else f" {spaced} "
        self.set = set(_WORD.findall(norm) if spaced is None else spaced.split())

    def places(self, word: str) -> list[int]:
        if self.padded is None:
            return list(_occurrences(self.norm, word))
        find, key, out = self.padded.find, f" {word} ", []
        pos = find(key)
        while pos >= 0:
            out.append(pos)
            pos = find(key, pos + 1)
        return out

    def places_of(self, words: Iterable[str]) -> list[int]:
        return sorted(pos for word in words for pos in self.places(word))


def _lead_words(keys: Iterable[str]) -> set[str] | None:
    """Regexes for the first word of a match of one of `keys` (in a pattern with `_PIECES`),
    or None when one may begin otherwise (with punctuation, say)."""
    leads: set[str] = set()
    for key in keys:
        lead = _LEAD.match(key)
        if lead:
            rest = key[lead.end() :]
            if not rest or rest[0] not in _PIECES_AND_SYMPTOM:  # the word ends there
                leads.add(re.escape(lead.group()) + r"\Z")
            elif rest[:1] == _SEP and _LEAD.match(rest[1:2]):  # 'a lot' or run together 'alot'
                leads.add(re.escape(lead.group()) + rf"(?:\Z|{re.escape(rest[1])})")
            else:
                leads.add(re.escape(lead.group()))
        elif key.startswith(_NUM):
            leads.add(_NUM_LEADS)
        else:
            return None
    return leads


def _finditer(
    pattern: re.Pattern[str], text: str, lo: int, hi: int, places: list[int] | None
) -> Iterable[re.Match[str]]:
    """`pattern.finditer(text, lo, hi)` for a pattern whose matches begin at `places` only."""
    if places is None:
        return pattern.finditer(text, lo, hi)
    return _matches_at(pattern, text, lo, hi, places)


def _matches_at(
    pattern: re.Pattern[str], text: str, lo: int, hi: int, places: list[int]
) -> Iterable[re.Match[str]]:
    end, match = lo, pattern.match
    for pos in places[bisect_left(places, lo) :]:
        if pos >= hi:
            break
        if pos < end:
            continue
        found = match(text, pos, hi)
        if found is not None:
            yield found
            end = found.end()


def _clause_before(norm: str, start: int, reach: int = 160, stops: str = ".!?;:\n") -> str:
    """The text before `start` in its sentence (or clause, with ',' in `stops`), at most
    `reach` characters of it."""
    before = norm[max(0, start - reach) : start]
    last = _last_stop(stops).match(before)  # up to the last stop: faster than rfind each
    return before[last.end() :] if last else before


@functools.lru_cache(maxsize=16)
def _last_stop(stops: str) -> re.Pattern[str]:
    return re.compile(rf"(?s:.*)[{re.escape(stops)}]")


def _near(places: list[int] | None, start: int, norm: str) -> bool:
    """Whether a phrase of `_cue_before` can begin before `start` (in its 160 characters)."""
    if places is None:
        return True
    lo = start - 160
    if lo > 0 and _is_word(norm[lo - 1]) and _is_word(norm[lo]):
        return True  # the searched text begins inside a word
    index = bisect_left(places, max(lo, 0))
    return index < len(places) and places[index] < start


def _asks(text: _Text, start: int, end: int) -> bool:
    """Whether the sentence is a question: it ends in '?', unless it tells something with
    surprise ('it calmed down in like 10 minutes??', 'it worked?!') without opening as one."""
    told = text.raw[start:end].rstrip()
    if not told.endswith("?"):
        return False
    if not _SURPRISE.search(told):
        return True
    first = _WORD.search(text.norm, start, end)
    return first is None or first.group() in _ASKING or first.group() in _QUESTION_OPENERS


def _question_start(norm: str, start: int, end: int) -> int:
    """Where the question of a sentence ending in '?' begins: the whole sentence when it opens
    as a question ('Has anyone tried X, and did it help?'), else its last clause ('I take X
    but it does nothing, what else can I try?')."""
    first = _WORD.search(norm, start, end)
    if first is None or first.group() in _ASKING or first.group() in _QUESTION_OPENERS:
        return start
    clauses = list(_CLAUSE_BREAK.finditer(norm, start, end))
    return clauses[-1].end() if clauses else start


def _swapped(word: str, target: str) -> bool:
    """Whether `word` is `target` with one pair of neighbouring letters swapped."""
    if len(word) != len(target) or word == target:
        return False
    diff = [i for i in range(len(word)) if word[i] != target[i]]
    return (
        len(diff) == 2
        and diff[1] == diff[0] + 1
        and word[diff[0]] == target[diff[1]]
        and word[diff[1]] == target[diff[0]]
    )


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _occurrences(norm: str, word: str) -> Iterable[int]:
    """Start positions of `word` as a whole word in `norm`."""
    pos = norm.find(word)
    size = len(word)
    while pos >= 0:
        before = norm[pos - 1] if pos else " "
        after = norm[pos + size : pos + size + 1] or " "
        if not (before.isalnum() or before == "_" or after.isalnum() or after == "_"):
            yield pos
        pos = norm.find(word, pos + 1)


def _build(model: type, fields: dict) -> Any:
    """A pydantic model from fields built and checked here: model_construct minus its cost."""
    obj = _new(model)
    _setattr(obj, "__dict__", fields)
    _setattr(obj, "__pydantic_fields_set__", set(fields))
    _setattr(obj, "__pydantic_extra__", None)
    _setattr(obj, "__pydantic_private__", None)
    return obj


_new, _setattr = object.__new__, object.__setattr__


def _span(start: int, end: int, kind: str) -> Span:
    return _build(Span, {"start": start, "end": end, "kind": kind})


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    end = min(end, len(text))
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _short(quote: str, size: int = 160) -> str:
    quote = " ".join(quote.split())
    return quote if len(quote) <= size else quote[: size - 1] + "\u2026"


# ---------------------------------------------------------------------- worker processes

_WORKER: Suggester | None = None


def _start_worker(codebook: Codebook) -> None:
    global _WORKER
    _WORKER = Suggester(codebook)


def _suggest_batch(comments: list[Comment]) -> list[list[tuple]]:
    """Each comment's codings as the fields that vary, to send back: unpickling models costs
    more than suggesting; the comment and the codebook give the rest (see `_coding`)."""
    assert _WORKER is not None
    return [
        [
            (c.id, c.remedy, c.effect, c.start, c.end, c.reason, _span_tuples(c), c.created_at)
            for c in _WORKER.suggest(comment)
        ]
        for comment in comments
    ]


def _span_tuples(coding: Coding) -> tuple[tuple[int, int, str], ...]:
    return tuple((s.start, s.end, s.kind) for s in coding.spans)


def _unpacked(
    comments: list[Comment], batch: list[list[tuple]], codebook_hash: str
) -> Iterator[list[Coding]]:
    """The codings of `_suggest_batch`, as `Suggester._coding` builds them."""
    for comment, codings in zip(comments, batch, strict=True):
        out = []
        for id_, remedy, effect, start, end, reason, spans, created_at in codings:
            fields = dict(
                id=id_,
                comment_id=comment.id,
                remedy=remedy,
                effect=effect,
                coder=AUTO_CODER,
                status="suggested",
                start=start,
                end=end,
                quote=comment.text[start:end],
                codebook_hash=codebook_hash,
                reason=reason,
                spans=[_span(*span) for span in spans],
                note="",
                created_at=created_at,
                suggestion_id=None,
            )
            out.append(_build(Coding, fields))
        yield out


def suggest_in_processes(
    codebook: Codebook, comments: Iterable[Comment], jobs: int, batch: int = 250
) -> Iterator[list[Coding]]:
    """`Suggester(codebook).suggest` over `comments` in `jobs` worker processes, each with its
    own Suggester: yields each comment's codings in input order. Comments are read here (a
    store's connection stays in this process) and sent in batches, a few per worker at a
    time, so memory stays flat however long the stream."""
    import multiprocessing
    from collections import deque

    context = multiprocessing.get_context("spawn")
    with context.Pool(jobs, initializer=_start_worker, initargs=(codebook,)) as pool:
        pending: deque = deque()
        chunk: list[Comment] = []
        for comment in comments:
            chunk.append(comment)
            if len(chunk) == batch:
                pending.append((chunk, pool.apply_async(_suggest_batch, (chunk,))))
                chunk = []
                if len(pending) >= 3 * jobs:
                    sent, result = pending.popleft()
                    yield from _unpacked(sent, result.get(), codebook.content_hash)
        if chunk:
            pending.append((chunk, pool.apply_async(_suggest_batch, (chunk,))))
        while pending:
            sent, result = pending.popleft()
            yield from _unpacked(sent, result.get(), codebook.content_hash)
