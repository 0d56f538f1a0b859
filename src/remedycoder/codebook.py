"""YAML <-> Codebook, with validation errors that name file, line and field.

Loading is safe: no python tags, no anchors or aliases (that rules out "billion laughs"), and a
size limit. Every problem is collected, so one `codebook check` run lists them all.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from remedycoder.errors import CodebookError
from remedycoder.models import Codebook

MAX_CODEBOOK_BYTES = 5_000_000
MAX_DEPTH = 50
"""Deepest nesting of lists and mappings accepted (a codebook needs about five levels)."""

RESERVED_KEYS = frozenset("axnpu?qmf/+ ")
"""Keys the coding screen uses itself; a codebook hotkey may not take them."""

REQUIRED_EFFECTS = ("helped", "partial", "no_effect", "worsened", "not_stated")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml when installed: the pure-Python parser takes minutes over a few megabytes."""
_ID = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_GLOB = re.compile(r"^[^*]+\*?$")


@dataclass(frozen=True)
class _Located:
    """Line numbers of every mapping key and sequence item, keyed by their path."""

    lines: dict[tuple[Any, ...], int]

    def line(self, path: Iterable[Any]) -> int | None:
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())


def load_codebook(path: str | Path) -> Codebook:
    """Read and validate a codebook file; raise CodebookError listing every problem."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_CODEBOOK_BYTES:
            _fail(str(path), [_too_big(str(path), size)])
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CodebookError(
            f"{path}: no such codebook file.",
            "Give the path of a codebook YAML file, or run `remedycoder init` for the default one.",
        ) from None
    except OSError as exc:
        raise CodebookError(f"{path}: cannot read the codebook ({exc.strerror}).") from None
    return parse_codebook(raw, str(path))


def parse_codebook(raw: bytes, name: str) -> Codebook:
    """Validate codebook bytes; `name` is used in messages."""
    if len(raw) > MAX_CODEBOOK_BYTES:
        _fail(name, [_too_big(name, len(raw))])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        _fail(
            name,
            [f"{name}:{line}: byte {exc.start} is not UTF-8 text. Save the codebook as UTF-8."],
        )
    data, located = _parse_yaml(text, name)
    if data is None:
        _fail(name, [f"{name}: the codebook is empty. Start from the default: `remedycoder init`."])
    if not isinstance(data, dict):
        _fail(
            name,
            [
                f"{name}:{located.line(())}: the top level must be a mapping with "
                "`remedies:` and `effects:`."
            ],
        )
    try:
        codebook = Codebook.model_validate(data)
    except ValidationError as exc:
        _fail(name, [_pydantic_problem(name, located, err) for err in exc.errors()])
    problems = list(_semantic_problems(codebook, name, located))
    if problems:
        _fail(name, problems)
    codebook.content_hash = hashlib.sha256(raw).hexdigest()
    codebook.path = name
    return codebook


def _too_big(name: str, size: int) -> str:
    return (
        f"{name}: the file is {size:,} bytes; a codebook may be at most "
        f"{MAX_CODEBOOK_BYTES:,}. Is this the right file?"
    )


def _too_deep(name: str, line: int | None) -> str:
    where = f"{name}:{line}" if line else name
    return (
        f"{where}: lists or mappings are nested more than {MAX_DEPTH} deep, too deep for a "
        "codebook; check the brackets."
    )


def dump_codebook(codebook: Codebook) -> str:
    """The codebook as YAML (for `init` and round trips)."""
    data = codebook.model_dump(mode="json", exclude_defaults=True)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def _fail(name: str, problems: list[str]) -> None:
    count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
    raise CodebookError(
        f"{name}: the codebook has {count}:\n" + "\n".join(f"  {p}" for p in problems),
        "Fix them and run `remedycoder codebook check` again.",
        problems,
    )


def _parse_yaml(text: str, name: str) -> tuple[Any, _Located]:
    try:
        depth = 0
        for event in yaml.parse(text, Loader=_LOADER):
            # PyYAML slows down quadratically with nesting: stop a deep file early.
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    _fail(name, [_too_deep(name, event.start_mark.line + 1)])
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            if isinstance(event, yaml.AliasEvent):
                line = event.start_mark.line + 1
                _fail(
                    name,
                    [
                        f"{name}:{line}: anchors and aliases (*name) are not allowed in a "
                        "codebook; write the values out."
                    ],
                )
        node, data = _compose_and_construct(text)
    except yaml.MarkedYAMLError as exc:
        if "nesting depth" in str(exc.problem):  # libyaml >= 0.2.5 stops at 1000 levels itself
            _fail(name, [_too_deep(name, (exc.context_mark or exc.problem_mark).line + 1)])
        mark = exc.problem_mark or exc.context_mark
        where = f"{name}:{mark.line + 1}:{mark.column + 1}" if mark else name
        what = exc.problem or str(exc)
        if "\\t" in what or "tab" in what or _tab_at(text, mark):
            what += " (indent with spaces, not tabs)"
        elif exc.context and exc.context_mark and exc.context_mark is not mark:
            # e.g. an unclosed `[` is found lines later: name where it opened.
            what += f" ({exc.context} started at line {exc.context_mark.line + 1})"
        if "tag" in what and "python" in what:
            what += " (python tags are never executed; remove the tag)"
        _fail(name, [f"{where}: YAML syntax error: {what}."])
    except yaml.YAMLError as exc:
        _fail(name, [f"{name}: YAML error: {exc}."])
    except RecursionError:
        _fail(name, [_too_deep(name, None)])
    lines: dict[tuple[Any, ...], int] = {}
    if node is not None:
        _record_lines(node, (), lines)
    return data, _Located(lines)


def _compose_and_construct(text: str) -> tuple[yaml.Node | None, Any]:
    """One pass: the node tree (for line numbers) and the plain data built from it."""
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def _tab_at(text: str, mark: yaml.Mark | None) -> bool:
    """Whether the line an error points at is indented with a tab (libyaml does not say)."""
    if mark is None:
        return False
    lines = text.splitlines()
    return mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]


def _record_lines(node: yaml.Node, path: tuple[Any, ...], out: dict[tuple[Any, ...], int]) -> None:
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*path, key.value)
            out[child] = key.start_mark.line + 1
            _record_lines(value, child, out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, (*path, index), out)


def _pydantic_problem(name: str, located: _Located, err: dict[str, Any]) -> str:
    loc = tuple(err["loc"])
    field = _field_name(loc)
    if err["type"] == "extra_forbidden":
        what = (
            f"unknown key `{loc[-1]}`; check its spelling (see `remedycoder codebook check --help`)"
        )
    elif err["type"] == "missing":
        what = f"`{loc[-1]}` is required"
    elif err["type"] == "string_type" and isinstance(err.get("input"), bool):
        what = (
            "expected text but YAML read a yes/no value (no, yes, on, off are booleans); "
            "put it in quotes"
        )
    else:
        what = err["msg"].lower()
    return f"{name}:{located.line(loc)}: {field}: {what}."


def _field_name(loc: tuple[Any, ...]) -> str:
    parts = []
    for part in loc:
        if isinstance(part, int):
            parts[-1] = f"{parts[-1]}[{part}]" if parts else f"[{part}]"
        else:
            parts.append(str(part))
    return ".".join(parts) or "(top level)"


def _semantic_problems(cb: Codebook, name: str, located: _Located) -> Iterable[str]:
    def at(*loc: Any) -> str:
        return f"{name}:{located.line(loc)}: {_field_name(loc)}"

    yield from _id_problems(cb, at)
    yield from _tree_problems(cb, at)
    yield from _hotkey_problems(cb, at)
    yield from _term_problems(cb, at)
    yield from _rule_problems(cb, at)
    yield from _suggestion_problems(cb, at)


def _id_problems(cb: Codebook, at) -> Iterable[str]:
    seen: dict[str, int] = {}
    for i, code in enumerate(cb.remedies):
        if not _ID.match(code.id):
            yield (
                f"{at('remedies', i, 'id')}: `{code.id}` is not a valid id; use lower-case "
                "letters, digits and underscores."
            )
        if code.id in seen:
            yield (
                f"{at('remedies', i, 'id')}: duplicate id `{code.id}` (first defined as "
                f"remedies[{seen[code.id]}]); give each code its own id."
            )
        seen.setdefault(code.id, i)
    effect_seen: dict[str, int] = {}
    for i, effect in enumerate(cb.effects):
        if not _ID.match(effect.id):
            yield f"{at('effects', i, 'id')}: `{effect.id}` is not a valid id."
        if effect.id in effect_seen:
            yield f"{at('effects', i, 'id')}: duplicate effect id `{effect.id}`."
        effect_seen.setdefault(effect.id, i)
    if not cb.effects:
        yield f"{at('effects')}: no effect codes; add at least {', '.join(REQUIRED_EFFECTS)}."
    elif cb.rules.default_effect not in effect_seen:
        yield (
            f"{at('rules', 'default_effect')}: `{cb.rules.default_effect}` is not an effect id "
            f"(known: {', '.join(effect_seen)})."
        )


def _tree_problems(cb: Codebook, at) -> Iterable[str]:
    ids = {code.id for code in cb.remedies}
    parents = {code.id: code.parent for code in cb.remedies}
    for i, code in enumerate(cb.remedies):
        if code.parent is None:
            continue
        if code.parent not in ids:
            yield (
                f"{at('remedies', i, 'parent')}: unknown parent `{code.parent}` of "
                f"`{code.id}`; define it as a remedy or remove the parent."
            )
            continue
        seen, cur = {code.id}, code.parent
        while cur is not None and cur not in seen:
            seen.add(cur)
            cur = parents.get(cur)
        if cur == code.id:
            yield (
                f"{at('remedies', i, 'parent')}: `{code.id}` is its own ancestor (a cycle of "
                "parents); break the cycle."
            )


def _hotkey_problems(cb: Codebook, at) -> Iterable[str]:
    taken: dict[str, str] = {}
    items = [("remedies", i, c.id, c.hotkey) for i, c in enumerate(cb.remedies)]
    items += [("effects", i, e.id, e.hotkey) for i, e in enumerate(cb.effects)]
    for section, i, code_id, key in items:
        if key is None:
            continue
        where = at(section, i, "hotkey")
        if len(key) != 1:
            yield f"{where}: hotkey `{key}` must be a single key."
        elif key.lower() in RESERVED_KEYS:
            yield (
                f"{where}: hotkey `{key}` is used by the coding screen itself "
                f"({' '.join(sorted(RESERVED_KEYS - {' '}))}); choose another."
            )
        elif key in taken:
            yield f"{where}: hotkey `{key}` of `{code_id}` is already the hotkey of `{taken[key]}`."
        else:
            taken[key] = code_id


def _term_problems(cb: Codebook, at) -> Iterable[str]:
    owner: dict[str, str] = {}
    for i, code in enumerate(cb.remedies):
        for field in ("terms", "misspellings", "exclude"):
            for j, term in enumerate(getattr(code, field)):
                where = at("remedies", i, field, j)
                if not term.strip():
                    yield f"{where}: empty term; remove it."
                elif "*" in term and (field == "exclude" or not _GLOB.match(term)):
                    yield (
                        f"{where}: bad pattern `{term}`: `*` may only end a term "
                        "(as in `masturbat*`) and not stand alone."
                    )
                elif field != "exclude":
                    key = term.strip().lower()
                    if key in owner and owner[key] != code.id:
                        yield (
                            f"{where}: term `{term}` also belongs to `{owner[key]}`; a term "
                            "may name one code only."
                        )
                    owner.setdefault(key, code.id)
        if code.codable is False and (code.terms or code.misspellings):
            yield (
                f"{at('remedies', i, 'terms')}: `{code.id}` is not codable (a group) but has "
                "terms; move them to a child code or set `codable: true`."
            )
    signals: dict[str, str] = {}
    for i, effect in enumerate(cb.effects):
        for j, cue in enumerate(effect.cues):
            key = " ".join(cue.lower().split())
            if not key:
                yield f"{at('effects', i, 'cues', j)}: empty cue; remove it."
            elif signals.setdefault(key, effect.id) != effect.id:
                yield (
                    f"{at('effects', i, 'cues', j)}: cue `{cue}` is also a cue of "
                    f"`{signals[key]}`; a cue may signal one effect only."
                )


def _rule_problems(cb: Codebook, at) -> Iterable[str]:
    effect_ids = {e.id for e in cb.effects}
    for field in ("negated", "discontinued", "lapsed", "omitted"):
        for source, target in getattr(cb.rules, field).items():
            for value in (source, target):
                if value not in effect_ids:
                    yield (
                        f"{at('rules', field, source)}: `{value}` is not an effect id "
                        f"(known: {', '.join(sorted(effect_ids))})."
                    )
    remedy_ids = {code.id for code in cb.remedies}
    for i, anaphor in enumerate(cb.rules.anaphors):
        for j, code_id in enumerate(anaphor.refer_to):
            if code_id not in remedy_ids:
                yield (
                    f"{at('rules', 'anaphors', i, 'refer_to', j)}: `{code_id}` is not a remedy "
                    "id; name a code or group of `remedies`."
                )
        for j, phrase in enumerate(anaphor.phrases):
            if not phrase.strip() or "*" in phrase:
                yield (
                    f"{at('rules', 'anaphors', i, 'phrases', j)}: `{phrase}` is not a phrase; "
                    "write the words ('the drug'), without `*`."
                )
    negators = {n.strip().lower() for n in cb.rules.negators}
    for j, word in enumerate(cb.rules.subject_negators):
        if (word.split() or [""])[0].lower() not in negators:  # 'not one': its first word
            yield (
                f"{at('rules', 'subject_negators', j)}: `{word}` does not start with a word of "
                "rules.negators; a subject negator must be one (add it there or remove it here)."
            )


_PLACEHOLDER = re.compile(r"<([^>]*)>")


def _suggestion_problems(cb: Codebook, at) -> Iterable[str]:
    """Fields the suggestion engine reads: `avoidance_of` targets, `<symptom>`/`<n>` in cues."""
    codable = {code.id for code in cb.remedies if code.codable}
    effect_ids = {e.id for e in cb.effects}
    for i, code in enumerate(cb.remedies):
        if code.default_effect is not None and code.default_effect not in effect_ids:
            yield (
                f"{at('remedies', i, 'default_effect')}: `{code.default_effect}` is not an "
                f"effect id (known: {', '.join(sorted(effect_ids))})."
            )
        target = code.avoidance_of
        if target is not None and (target not in codable or target == code.id):
            yield (
                f"{at('remedies', i, 'avoidance_of')}: `{target}` is not another codable "
                "remedy id; name the code whose avoidance this is."
            )
    for i, effect in enumerate(cb.effects):
        for j, cue in enumerate(effect.cues):
            for name in _PLACEHOLDER.findall(cue):
                if name not in ("symptom", "n", "end"):
                    yield (
                        f"{at('effects', i, 'cues', j)}: unknown placeholder `<{name}>`; "
                        "only `<symptom>`, `<n>` (a number) and `<end>` (the end of a "
                        "clause) are known."
                    )
                elif name == "symptom" and not cb.rules.symptoms:
                    yield (
                        f"{at('effects', i, 'cues', j)}: `<symptom>` needs a list of "
                        "words under `rules: symptoms:`."
                    )
