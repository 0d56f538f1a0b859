"""Suggestion quality against hand-coded gold: remedy precision/recall/F1, effect accuracy.

Usage: python benchmarks/quality.py [--codebook codebook.yaml] [--verbose]
       python benchmarks/quality.py --gold GOLD.jsonl [--corpus CORPUS.jsonl] [--name NAME]
                                    [--confusion]

Without --gold it scores the bundled thread and the own phrasings. With --gold it scores only
that file: its rows' "text", or the text of the --corpus row with the same "id" (corpus rows:
{"id", "text", ...}), so a corpus of others' text can stay outside the repository.

Gold rows: {"id", "author", "prefix" (thread) or "text" (own phrasings), "remedies": [{"remedy",
"effects": [acceptable...], "optional"}]}. An optional remedy is neither rewarded nor missed
when absent; when suggested its effect still counts. Targets: F1 >= 0.95, effect >= 0.85.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from remedycoder.codebook import load_codebook
from remedycoder.models import Comment
from remedycoder.suggest import Suggester

ROOT = Path(__file__).resolve().parent.parent
THREAD = ROOT / "corpus" / "rls-orgasm-thread-2011.txt"
THREAD_GOLD = ROOT / "tests" / "data" / "gold_thread.jsonl"
OWN_GOLD = ROOT / "tests" / "data" / "own_phrasings.jsonl"


@dataclass
class Score:
    """Counts for one corpus, with the mistakes for --verbose."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    effect_right: int = 0
    effect_total: int = 0
    mistakes: list[str] = field(default_factory=list)
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)  # (gold, suggested)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def effect_accuracy(self) -> float:
        return self.effect_right / self.effect_total if self.effect_total else 1.0


def load_gold(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def thread_comments() -> list[Comment]:
    """The bundled thread's comments, through the project's importer."""
    from remedycoder.importers.thread import read_thread

    return list(read_thread(THREAD).comments)


def match_thread(gold: list[dict], comments: list[Comment]) -> list[tuple[Comment, dict]]:
    """Pair gold rows with comments by id, else by author + text prefix (survives re-numbering)."""
    by_id = {c.id: c for c in comments}
    pairs = []
    for row in gold:
        comment = by_id.get(row["id"]) or next(
            (c for c in comments if c.author == row["author"] and c.text.startswith(row["prefix"])),
            None,
        )
        if comment is None:
            raise SystemExit(f"{THREAD_GOLD}: no comment matches gold row {row['id']}")
        pairs.append((comment, row))
    return pairs


def own_pairs(gold: list[dict]) -> list[tuple[Comment, dict]]:
    return [(Comment(id=row["id"], text=row["text"]), row) for row in gold]


def corpus_pairs(gold: list[dict], corpus: Path | None) -> list[tuple[Comment, dict]]:
    """Gold rows paired with their text: from --corpus by id, else the row's own "text"."""
    texts = {row["id"]: row["text"] for row in load_gold(corpus)} if corpus else {}
    pairs = []
    for row in gold:
        text = texts.get(row["id"], row.get("text"))
        if text is None:
            raise SystemExit(f"no text for gold row {row['id']}")
        pairs.append((Comment(id=row["id"], text=text), row))
    return pairs


def score(suggester: Suggester, pairs: list[tuple[Comment, dict]]) -> Score:
    result = Score()
    for comment, row in pairs:
        predicted = {c.remedy: c for c in suggester.suggest(comment)}
        expected = {r["remedy"]: r for r in row["remedies"]}
        for remedy, want in expected.items():
            got = predicted.get(remedy)
            if got is None:
                if not want["optional"]:
                    result.fn += 1
                    result.mistakes.append(f"{comment.id}: missed {remedy}")
                continue
            result.tp += not want["optional"]
            result.effect_total += 1
            right = got.effect in want["effects"]
            result.confusion[(got.effect if right else want["effects"][0], got.effect)] += 1
            if right:
                result.effect_right += 1
            else:
                result.mistakes.append(
                    f"{comment.id}: {remedy} effect {got.effect}, want {want['effects']} "
                    f"({got.reason})"
                )
        for remedy in predicted.keys() - expected.keys():
            result.fp += 1
            result.mistakes.append(f"{comment.id}: extra {remedy} ({predicted[remedy].reason})")
    return result


def report(name: str, result: Score, verbose: bool) -> None:
    print(
        f"{name:<16} remedy P {result.precision:.3f}  R {result.recall:.3f}  "
        f"F1 {result.f1:.3f}  (tp {result.tp}, fp {result.fp}, fn {result.fn})   "
        f"effect accuracy {result.effect_accuracy:.3f} "
        f"({result.effect_right}/{result.effect_total})"
    )
    if verbose:
        for line in result.mistakes:
            print(f"    {line}")


def print_confusion(result: Score, effects: list[str]) -> None:
    """Gold effect (rows; a right answer counts under the effect suggested) x suggested."""
    width = max(map(len, effects)) + 2
    print(" " * width + "".join(f"{e:>{width}}" for e in effects) + "   <- suggested")
    for gold in effects:
        cells = "".join(f"{result.confusion[(gold, got)]:>{width}}" for got in effects)
        print(f"{gold:<{width}}{cells}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codebook", default=str(ROOT / "codebook.yaml"))
    parser.add_argument("--verbose", "-v", action="store_true", help="List every mistake.")
    parser.add_argument("--gold", type=Path, help="Score only this gold file.")
    parser.add_argument("--corpus", type=Path, help="Texts for --gold rows, by id.")
    parser.add_argument("--name", default=None, help="Label for the --gold report line.")
    parser.add_argument(
        "--confusion", action="store_true", help="With --gold: gold x suggested effects."
    )
    args = parser.parse_args()
    codebook = load_codebook(args.codebook)
    suggester = Suggester(codebook)
    if args.gold:
        pairs = corpus_pairs(load_gold(args.gold), args.corpus)
        result = score(suggester, pairs)
        report(args.name or args.gold.stem, result, args.verbose)
        if args.confusion:
            print_confusion(result, [e.id for e in codebook.effects])
        return
    thread = score(suggester, match_thread(load_gold(THREAD_GOLD), thread_comments()))
    report("bundled thread", thread, args.verbose)
    if OWN_GOLD.exists():
        report("own phrasings", score(suggester, own_pairs(load_gold(OWN_GOLD))), args.verbose)


if __name__ == "__main__":
    main()
