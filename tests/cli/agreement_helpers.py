"""A small project with a test codebook for the agreement, adjudicate and import-codings CLIs."""

from __future__ import annotations

from pathlib import Path

import krippendorff
import numpy as np
from statsmodels.stats.inter_rater import cohens_kappa
from typer.testing import CliRunner

from remedycoder.cli import app
from remedycoder.models import Coding, Comment
from remedycoder.project import Project

CODEBOOK_YAML = """\
name: test remedies
remedies:
  - {id: minerals, label: Minerals, codable: false}
  - {id: magnesium, label: Magnesium, parent: minerals, terms: [magnesium]}
  - {id: iron, label: Iron, parent: minerals, terms: [iron]}
  - {id: tea, label: Tea, terms: [tea]}
  - {id: ginger, label: Ginger, terms: [ginger]}
effects:
  - {id: helped, label: Helped}
  - {id: partial, label: Partial}
  - {id: no_effect, label: No effect}
  - {id: worsened, label: Worsened}
  - {id: not_stated, label: Not stated}
rules:
  default_effect: not_stated
"""
N = 40


def make_project(tmp_path: Path) -> Project:
    tmp_path.mkdir(parents=True, exist_ok=True)
    book = tmp_path / "book.yaml"
    book.write_text(CODEBOOK_YAML, encoding="utf-8")
    project = Project(Project.init(tmp_path / "proj", book).root)
    comments = [Comment(id=f"c{i:02d}", text=f"comment {i} tea iron") for i in range(N)]
    project.store.add_comments(comments)
    return project


def confirmed(comment_id: str, remedy: str, coder: str, effect: str) -> Coding:
    return Coding(
        comment_id=comment_id, remedy=remedy, effect=effect, coder=coder, status="confirmed"
    )


def run(project: Project, *args: str):
    return CliRunner().invoke(app, ["--project", str(project.root), *args])


def ref_kappa(a, b) -> float:
    """Cohen's kappa by statsmodels, from the contingency table."""
    cats = sorted(set(a) | set(b))
    table = np.zeros((len(cats), len(cats)))
    for x, y in zip(a, b, strict=True):
        table[cats.index(x), cats.index(y)] += 1
    return float(cohens_kappa(table, return_results=False))


def ref_alpha(a, b) -> float:
    codes = sorted(set(a) | set(b))
    data = [[codes.index(x) for x in a], [codes.index(y) for y in b]]
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
