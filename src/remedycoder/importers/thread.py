"""The blog-thread text format: an article, then one bullet per comment.

    Title line
    By Author | April 2, 2011 4:03 pm
    ...article paragraphs...
      • http://example.org Commenter name
        Comment body, possibly in several paragraphs.
          • Reply author          <- deeper bullet: a reply to the comment above
            Reply body.

A bullet's first line is the author, optionally preceded by their URL. Bullets with no body are
reported and skipped. Comment ids are `<file stem>:<bullet number>`, stable across re-imports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from remedycoder.importers.text import read_text
from remedycoder.models import Comment, Source

BULLETS = "•◦▪‣"
_BULLET = re.compile(rf"^(?P<indent>[ \t]*)[{BULLETS}][ \t]+(?P<head>\S.*?)\s*$")
_URL = re.compile(r"^(?P<url>https?://\S+)(?:\s+(?P<name>.*))?$")
_BYLINE = re.compile(r"^By\s+(?P<author>.+?)\s*\|\s*(?P<date>.+?)\s*$")
_DATE_FORMATS = ("%B %d, %Y %I:%M %p", "%B %d, %Y", "%d %B %Y", "%Y-%m-%d")


@dataclass
class ThreadResult:
    source: Source
    comments: list[Comment]
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Bullet:
    number: int
    line: int
    indent: int
    head: str
    body: list[str] = field(default_factory=list)


def read_thread(path: str | Path, source_name: str | None = None) -> ThreadResult:
    """Parse a thread file into its source (with article metadata) and comments."""
    path = Path(path)
    decoded = read_text(path)
    name = source_name or path.name
    lines = decoded.text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    article, bullets = _split(lines)
    source = Source(name=name, path=str(path), metadata=_article_metadata(article))
    result = ThreadResult(source=source, comments=[])
    if decoded.warning:
        result.warnings.append(decoded.warning)
    if not bullets:
        result.warnings.append(
            f"{path}: no comments found: a thread file has one bullet line (• Author) per "
            "comment. For a table or JSON lines use --format csv or jsonl."
        )
    stem = _slug(path.stem)
    stack: list[tuple[int, str]] = []
    for bullet in bullets:
        comment_id = f"{stem}:{bullet.number}"
        while stack and stack[-1][0] >= bullet.indent:
            stack.pop()
        parent = stack[-1][1] if stack else None
        stack.append((bullet.indent, comment_id))
        text = _body_text(bullet.body)
        author, url = _author(bullet.head)
        if not text:
            result.warnings.append(
                f"{path}:{bullet.line}: comment by {author or 'unknown'} has no text; not imported."
            )
            continue
        result.comments.append(
            Comment(
                id=comment_id,
                text=text,
                author=author,
                author_url=url,
                parent_id=parent,
                source=name,
                attributes={"position": bullet.number},
            )
        )
    return result


def looks_like_thread(text: str) -> bool:
    return any(_BULLET.match(line) for line in text.splitlines()[:5000])


def _split(lines: list[str]) -> tuple[list[str], list[_Bullet]]:
    article: list[str] = []
    bullets: list[_Bullet] = []
    for number, line in enumerate(lines, start=1):
        match = _BULLET.match(line)
        if match:
            indent = len(match["indent"].expandtabs(4))
            bullets.append(_Bullet(len(bullets) + 1, number, indent, match["head"]))
        elif bullets:
            bullets[-1].body.append(line)
        else:
            article.append(line)
    return article, bullets


def _body_text(lines: list[str]) -> str:
    """Dedent the body and keep its paragraphs; trailing spaces and blank edges go."""
    lines = [line.rstrip() for line in lines]
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        return ""
    indent = min(len(line) - len(line.lstrip()) for line in lines if line.strip())
    return "\n".join(line[indent:] for line in lines)


def _author(head: str) -> tuple[str | None, str | None]:
    match = _URL.match(head)
    if not match:
        return head, None
    return (match["name"] or None), match["url"]


def _article_metadata(lines: list[str]) -> dict[str, str | None]:
    paragraphs = [line.strip() for line in lines if line.strip()]
    meta: dict[str, str | None] = {}
    if not paragraphs:
        return meta
    meta["title"] = paragraphs[0]
    body_start = 1
    if len(paragraphs) > 1 and (byline := _BYLINE.match(paragraphs[1])):
        meta["byline"] = byline["author"]
        meta["date"] = _iso_date(byline["date"])
        body_start = 2
    meta["article"] = "\n\n".join(paragraphs[body_start:])
    return meta


def _iso_date(text: str) -> str:
    cleaned = re.sub(r"\s+", " ", text.strip())
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).isoformat()
        except ValueError:
            continue
    return text


def _slug(stem: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-") or "thread"
