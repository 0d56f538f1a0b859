"""The facade the CLI and the TUI call: where a project's files are, its store and codebook."""

from __future__ import annotations

import getpass
import hashlib
import os
import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from remedycoder.codebook import load_codebook
from remedycoder.errors import ImportFormatError, ProjectError
from remedycoder.importers import FORMATS, CorpusFile, guess_format, open_corpus
from remedycoder.importers.tabular import Columns
from remedycoder.models import Codebook, Coding, Comment
from remedycoder.store import ImportReport, Store

if TYPE_CHECKING:
    import pandas as pd

CODEBOOK = "codebook.yaml"
STATE_DIR = ".remedycoder"
STORE_FILE = "store.sqlite3"
ENV_PROJECT = "REMEDYCODER_PROJECT"


def default_codebook_path() -> Path:
    """The bundled default codebook: packaged in a wheel, the repository's own in a checkout."""
    packaged = Path(__file__).parent / "data" / CODEBOOK
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / CODEBOOK


@dataclass
class FileImport:
    """What importing one file did."""

    path: Path
    format: str
    report: ImportReport
    warnings: list[str] = field(default_factory=list)
    codings_added: int = 0
    copied_to: Path | None = None


class Project:
    """A coding project: codebook.yaml, corpus/, exports/ and the store in .remedycoder/."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.codebook_path = root / CODEBOOK
        self.corpus_dir = root / "corpus"
        self.exports_dir = root / "exports"
        self.state_dir = root / STATE_DIR
        self.store_path = self.state_dir / STORE_FILE

    # -- finding and creating ---------------------------------------------------------------

    @classmethod
    def find(cls, explicit: str | Path | None = None) -> Project:
        """The project named by --project, $REMEDYCODER_PROJECT, or the current directory up."""
        named = explicit or os.environ.get(ENV_PROJECT)
        if named:
            root = Path(named).expanduser()
            if not cls._is_project(root):
                raise ProjectError(
                    f"{root}: not a remedycoder project (no {CODEBOOK} there).",
                    f"Create one with `remedycoder init {root}`.",
                )
            return cls(root.resolve())
        here = Path.cwd()
        for candidate in (here, *here.parents):
            if cls._is_project(candidate):
                return cls(candidate)
        raise ProjectError(
            f"{here}: no remedycoder project here or above (no {CODEBOOK}).",
            "Run `remedycoder init` to make one, or pass --project DIR.",
        )

    @staticmethod
    def _is_project(path: Path) -> bool:
        return (path / CODEBOOK).is_file() or (path / STATE_DIR / STORE_FILE).is_file()

    @classmethod
    def init(cls, root: str | Path, codebook: Path | None = None) -> Project:
        """Make a new project; an existing codebook or store is kept, never overwritten."""
        root = Path(root).expanduser().resolve()
        if root.exists() and not root.is_dir():
            raise ProjectError(f"{root}: exists and is not a directory.", "Choose another path.")
        project = cls(root)
        source = None
        if not project.codebook_path.exists():
            source = codebook or default_codebook_path()
            load_codebook(source)  # a bad codebook is refused before anything is created
        for directory in (root, project.corpus_dir, project.exports_dir, project.state_dir):
            directory.mkdir(parents=True, exist_ok=True)
        if source is not None:
            shutil.copyfile(source, project.codebook_path)
        project.store  # noqa: B018  (creates and migrates the store)
        project.close()  # and close it: a cached, closed store would break later calls
        return project

    # -- parts ------------------------------------------------------------------------------

    @cached_property
    def codebook(self) -> Codebook:
        return load_codebook(self.codebook_path)

    @cached_property
    def store(self) -> Store:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        return Store.open(self.store_path, backup_dir=self.state_dir / "backups")

    def close(self) -> None:
        if "store" in self.__dict__:
            self.store.close()
            del self.__dict__["store"]

    def default_coder(self) -> str:
        """The last coder who worked here, else the login name."""
        last = self.store.get_meta("last_coder")
        if last:
            return last
        try:
            return getpass.getuser()
        except Exception:  # no login name in some containers
            return "coder"

    # -- import -----------------------------------------------------------------------------

    def import_files(
        self,
        paths: Iterable[Path],
        *,
        fmt: str | None = None,
        columns: Columns | None = None,
        update: bool = False,
        sheet: str | None = None,
    ) -> list[FileImport]:
        """Import corpus files in one transaction: all of them are stored, or none."""
        files = list(expand_paths(paths))
        if fmt is not None and fmt not in FORMATS:
            raise ImportFormatError(f"--format {fmt}: unknown format.", f"Use {'|'.join(FORMATS)}.")
        results: list[FileImport] = []
        with self.store.transaction():
            for path in files:
                results.append(self._import_one(path, fmt, columns or Columns(), update, sheet))
        for result in results:
            result.copied_to = self._keep_copy(result.path)
        return results

    def _import_one(
        self, path: Path, fmt: str | None, columns: Columns, update: bool, sheet: str | None
    ) -> FileImport:
        fmt = fmt or guess_format(path)
        if fmt == "qdpx":
            return self._import_qdpx(path, update)
        corpus: CorpusFile = open_corpus(path, fmt, columns, sheet)
        report = self.store.add_comments(corpus.comments, update=update, origin=str(path))
        self.store.put_source(corpus.source)
        return FileImport(path, fmt, report, corpus.warnings)

    def _import_qdpx(self, path: Path, update: bool) -> FileImport:
        from remedycoder.importers.qdpx import read_qdpx

        result = read_qdpx(path, self.codebook)
        report = self.store.add_comments(result.comments, update=update, origin=str(path))
        added = self.store.put_codings(result.codings)
        self.store.put_source(result.source)
        for coder, comment_ids in result.reviewed.items():
            for comment_id in comment_ids - self.store.reviewed(coder):
                self.store.set_reviewed(comment_id, coder)
        warnings = [
            f"{path}: code `{name}` is not in the codebook; its codings were not imported."
            for name in result.unknown_codes
        ]
        warnings += result.warnings
        return FileImport(path, "qdpx", report, warnings, codings_added=added)

    def _keep_copy(self, path: Path) -> Path | None:
        """Keep the imported file, untouched, in corpus/ (unless it is already there)."""
        resolved = path.resolve()
        if resolved.parent == self.corpus_dir.resolve():
            return None
        target = self.corpus_dir / path.name
        if target.exists():
            if _digest(target) == _digest(resolved):
                return None
            stem, n = target.stem, 2
            while (target := self.corpus_dir / f"{stem}-{n}{path.suffix}").exists():
                n += 1
        self.corpus_dir.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".part")
        shutil.copyfile(resolved, tmp)
        tmp.replace(target)
        return target

    # -- suggestions ------------------------------------------------------------------------

    def suggest(
        self,
        *,
        only_new: bool = False,
        progress: Callable[[int], None] | None = None,
        jobs: int = 1,
    ) -> tuple[int, int, int]:
        """Run the codebook over the comments and store the suggestions in one transaction.

        With `jobs` > 1, worker processes suggest (each with its own Suggester) and the
        results are stored in comment order, the same as with one. Returns (comments read,
        suggestions stored, decided suggestions kept).
        """
        from remedycoder.suggest import Suggester, suggest_in_processes

        ids = self.store.comment_ids_without_suggestions() if only_new else None
        comments = self.store.iter_comments(ids)
        if jobs > 1:
            per_comment = suggest_in_processes(self.codebook, comments, jobs)
        else:
            per_comment = map(Suggester(self.codebook).suggest, comments)
        seen = [0]

        def generate() -> Iterator[Coding]:
            for codings in per_comment:
                yield from codings
                seen[0] += 1
                if progress is not None:
                    progress(seen[0])

        stored, kept = self.store.replace_suggestions(generate(), ids)
        self.store.set_meta("suggested_with", self.codebook.content_hash)
        return seen[0], stored, kept

    def codings_frame(self, fields: Sequence[str] | None = None) -> pd.DataFrame:
        """Stored codings as a pandas frame, read as plain rows (fast for tallies).

        All fields in store order by default; with `fields`, only those, in no set order, with
        remedy, effect, coder and status as categories: the summary needs five columns of a
        million rows, and reads them in about 1.2 s.
        """
        import pandas as pd

        from remedycoder.tallies import CODING_COLUMNS

        wanted = list(fields or CODING_COLUMNS)
        frame = self._packed_frame(wanted) if fields is not None else None
        if frame is None:
            rows = self.store.coding_rows(wanted, ordered=fields is None)
            frame = pd.DataFrame.from_records(rows, columns=wanted)
        for column in ("start", "end"):
            if column in frame:
                frame[column] = frame[column].astype("Int64")
        if "created_at" in frame:
            frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True, format="ISO8601")
        return frame

    def _packed_frame(self, wanted: list[str]) -> pd.DataFrame | None:
        """`wanted` fields with remedy, effect, coder and status as categorical columns, read
        packed into one string a row and split once per distinct combination (a million rows:
        about 1.2 s instead of 2). None when a value holds the separator."""
        import pandas as pd

        from remedycoder.store import PACK_SEP

        packed = [f for f in wanted if f in ("remedy", "effect", "coder", "status")]
        if len(packed) < 2:
            return None
        plain = [f for f in wanted if f not in packed]
        rows = self.store.coding_rows(plain, ordered=False, packed=packed)
        frame = pd.DataFrame.from_records(rows, columns=[*plain, PACK_SEP])
        codes, keys = pd.factorize(frame.pop(PACK_SEP))
        parts = [key.split(PACK_SEP) for key in keys]
        if any(len(p) != len(packed) for p in parts):
            return None
        for i, name in enumerate(packed):
            inner, values = pd.factorize(pd.Index([p[i] for p in parts], dtype=object))
            frame[name] = pd.Categorical.from_codes(inner[codes], categories=values)
        return frame[wanted]

    def authors_frame(self) -> pd.DataFrame:
        """`id` and `author` of every comment (for distinct-author counts)."""
        import pandas as pd

        return pd.DataFrame.from_records(self.store.comment_authors(), columns=["id", "author"])

    def comment(self, comment_id: str) -> Comment:
        found = self.store.get_comment(comment_id)
        if found is None:
            raise ProjectError(
                f"no comment with id `{comment_id}` in {self.root}.",
                "List ids with `remedycoder export --format jsonl` or check the spelling.",
            )
        return found


def expand_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Files as given; a directory stands for the corpus files directly inside it."""
    for path in paths:
        if path.is_dir():
            known = sorted(
                p
                for p in path.iterdir()
                if p.is_file() and not p.name.startswith(".") and _known_suffix(p)
            )
            if not known:
                raise ImportFormatError(f"{path}: no corpus files in this directory.")
            yield from known
        else:
            yield path


def _known_suffix(path: Path) -> bool:
    try:
        guess_format(path)
    except ImportFormatError:
        return False
    return True


def _digest(path: Path) -> str:
    hasher = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            hasher.update(chunk)
    return hasher.hexdigest()
