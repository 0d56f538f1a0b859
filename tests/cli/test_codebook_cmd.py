"""`remedycoder codebook check|show`."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from remedycoder.cli import app

CODEBOOK = Path(__file__).parents[1] / "data" / "migraine_codebook.yaml"


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_check_a_good_codebook():
    result = run("codebook", "check", str(CODEBOOK))
    assert result.exit_code == 0
    assert result.stdout == f"{CODEBOOK}: OK: 4 remedy codes, 1 group, 5 effect codes.\n"


def test_check_the_projects_codebook_by_default(tmp_path):
    root = tmp_path / "study"
    run("init", str(root), "--codebook", str(CODEBOOK))
    result = run("--project", str(root), "codebook", "check")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"{root / 'codebook.yaml'}: OK: ")


def test_check_lists_every_problem_and_exits_2(tmp_path):
    path = tmp_path / "cb.yaml"
    path.write_text(
        CODEBOOK.read_text()
        .replace("    hotkey: c\n", "    hotkey: q\n")
        .replace("parent: medication\n    definition", "parent: medicine\n    definition"),
        encoding="utf-8",
    )
    result = run("codebook", "check", str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: {path}: the codebook has 2 problems:\n"
        f"  {path}:10: remedies[1].parent: unknown parent `medicine` of `triptans`; define it "
        "as a remedy or remove the parent.\n"
        f"  {path}:21: remedies[3].hotkey: hotkey `q` is used by the coding screen itself "
        "(+ / ? a f m n p q u x); choose another.\n"
        "Fix them and run `remedycoder codebook check` again.\n"
    )


def test_show_prints_the_tree_and_the_effects():
    result = run("codebook", "show", str(CODEBOOK), "--terms")
    assert result.exit_code == 0
    assert result.stdout == (
        "Migraine remedies (test fixture)\n"
        "Remedies\n"
        "├── medication: Medication (group)\n"
        "│   ├── triptans: Triptans\n"
        "│   │     terms: sumatriptan, Imitrex, rizatriptan, Maxalt\n"
        "│   └── triptans_generic: Triptan (class)\n"
        "│         terms: triptan*\n"
        "├── caffeine: Caffeine\n"
        "│     terms: caffeine, coffee, espresso, cafeine\n"
        "└── feverfew: Feverfew\n"
        "      terms: feverfew\n"
        "Effects\n"
        "  helped [1]: Helped\n"
        "  partial [2]: Partial\n"
        "  no_effect [3]: No effect\n"
        "  worsened [4]: Worsened\n"
        "  not_stated [5]: Not stated\n"
    )
