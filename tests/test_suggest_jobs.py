"""Suggestions in worker processes (`remedycoder suggest --jobs N`): the same codings, in order,
and the word-class prefilters give what the plain regex scans give."""

from __future__ import annotations

from pathlib import Path

import pytest

from remedycoder.codebook import load_codebook
from remedycoder.models import Comment
from remedycoder.suggest import Suggester, _blank, _Words, normalise, suggest_in_processes

ROOT = Path(__file__).resolve().parent.parent
TEXTS = [
    "I quit caffeine and my legs calmed down. Requip helped a lot, basically gone.",
    "Magnesuim did nothing. Stopped taking gabapentin because it made it worse.",
    "No remedy here at all.",
    "Café crème… naïve Требуется magnésium helped, sort of. Ⅻ came off ropinirole.",
    "x" * 170 + "stopped magnesium and my legs got better; it is pretty much gone",
]


@pytest.fixture(scope="module")
def codebook():
    return load_codebook(ROOT / "codebook.yaml")


def plain(codings):
    return [c.model_dump(exclude={"created_at"}) for c in codings]


@pytest.mark.slow
def test_worker_processes_give_the_same_codings_in_order(codebook) -> None:
    comments = [Comment(id=f"c{i}", text=t) for i, t in enumerate(TEXTS * 3)]
    serial = Suggester(codebook)
    expected = [plain(serial.suggest(c)) for c in comments]
    got = [plain(codings) for codings in suggest_in_processes(codebook, comments, 2, batch=4)]
    assert got == expected


def test_word_places_and_fillers_match_the_regex_scans(codebook) -> None:
    suggester = Suggester(codebook)
    for text in TEXTS:
        norm = normalise(text)
        words = _Words(norm)
        suggester._scan_words(words)  # classifies the words
        assert words.places_of(["it", "my"]) == sorted(
            i for w in ("it", "my") for i in range(len(norm)) if _whole(norm, w, i)
        )

        def blank(match, norm=norm):  # a filler a cue uses there stays ('really helps')
            return match.group() if suggester._kept(norm, match) else _blank(match)

        assert suggester._blanked(words) == suggester._filler_re.sub(blank, norm)


def _whole(norm: str, word: str, i: int) -> bool:
    end = i + len(word)
    before = norm[i - 1] if i else " "
    after = norm[end] if end < len(norm) else " "
    return (
        norm[i:end] == word
        and not (before.isalnum() or before == "_")
        and not (after.isalnum() or after == "_")
    )
