"""Fixtures for the reliability battery: a small project with a few comments already stored."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # reliability_helpers, in any import mode

from reliability_helpers import CODEBOOK, seed_comments  # noqa: E402

from remedycoder.project import Project  # noqa: E402


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A project on the migraine test codebook holding three comments."""
    project = Project.init(tmp_path / "study", CODEBOOK)
    seed_comments(project)
    return project
