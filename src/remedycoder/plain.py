"""`remedycoder code --plain`: the coding session as a line-based prompt.

Numbered choices and plain text, so it works with piped input, a screen reader or no TTY.
End of input quits cleanly. Streams are passed in; nothing here knows about the terminal.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TextIO

from remedycoder.errors import InputError
from remedycoder.session import CodingSession, CommentView, Item

HELP = """Commands (N is a number from the list; 1 when left out):
  a N                  accept suggestion N
  x N                  reject suggestion N (or delete a coding you added)
  e N EFFECT           change the effect of N (id, label or hotkey), e.g. e 1 helped
  EFFECT [N]           the same, as in the coding screen: `3` gives item 1 the effect with
                       hotkey 3, `3 2` gives it to item 2
  + REMEDY [EFFECT]    add a remedy by label, term or misspelling, e.g. + magnesium helped;
                       a "quoted" part of the comment becomes the evidence
  r N                  why N was suggested
  m [N] TEXT           a note on coding N, or on the comment
  f [TEXT]             flag the comment for discussion (again: unflag)
  u                    undo the last decision (any number of times)
  n / p                next comment (marks this one reviewed) / previous comment
  s                    show the comment again
  ?                    this help
  q                    quit (end of input quits too)"""


_QUOTED = re.compile(r'"([^"]+)"')


class PlainPrompt:
    """Reads commands from `stdin`, runs them on the session, writes to `stdout`."""

    def __init__(self, session: CodingSession, stdin: TextIO, stdout: TextIO) -> None:
        self.session = session
        self.stdin = stdin
        self.stdout = stdout
        self.commands: dict[str, Callable[[str], None]] = {
            "a": self.accept,
            "x": self.reject,
            "e": self.effect,
            "+": self.add,
            "/": self.add,
            "r": self.reason,
            "m": self.note,
            "f": self.flag,
            "u": self.undo,
            "n": self.next,
            "p": self.previous,
            "s": self.show,
            "?": self.help,
            "h": self.help,
        }

    def run(self) -> int:
        """The loop: show, read, act, until `q` or end of input. Returns the exit code."""
        self.say(f"Coding as {self.session.coder}; queue: {self.session.spec.describe()}.")
        self.say("Type ? for help, q to quit.")
        self.show([])
        while True:
            self.stdout.write("> ")
            self.stdout.flush()
            line = self.stdin.readline()
            if not line or line.strip() in ("q", "quit", "exit"):
                self.say(f"\nBye. {self.session.progress()}.")
                return 0
            self.dispatch(line.strip())

    def dispatch(self, line: str) -> None:
        """Run one command line; bad input prints a message and the prompt comes back."""
        if not line:
            return
        if line[0] in "+/?":
            name, rest = line[0], line[1:].strip()
        else:
            name, _, rest = line.partition(" ")
        handler = self.commands.get(name.lower())
        if handler is None and self._is_effect(name):
            handler = self.effect  # '3' or 'helped': that effect for item 1, '3 2' for item 2
            rest = f"{rest.strip() or '1'} {name}"
        if handler is None:
            self.say(f"Unknown command `{line}`. Type ? for help.")
            return
        try:
            handler(rest.strip())
        except InputError as error:
            self.say(f"Error: {error}")

    def _is_effect(self, word: str) -> bool:
        try:
            self.session.resolve_effect(word)
        except InputError:
            return False
        return True

    # -- commands ---------------------------------------------------------------------------

    def accept(self, args: str) -> None:
        index = _index(args)
        done = self.session.accept(index)
        self.report(index, "Accepted" if done else "Already accepted")

    def reject(self, args: str) -> None:
        index = _index(args)
        item = self.session.view().items[index] if self._has(index) else None
        self.session.reject(index)
        self.say(f"{'Deleted' if item and item.status == 'added' else 'Rejected'} {index + 1}.")
        self.show_items()

    def effect(self, args: str) -> None:
        args = args.split()
        if len(args) < 2:
            raise InputError("Say which item and which effect, e.g. `e 1 helped`.")
        index = _index(args[:1])
        self.session.set_effect(index, self.session.resolve_effect(" ".join(args[1:])))
        self.report(index, "Changed")

    def add(self, args: str) -> None:
        quoted = _QUOTED.findall(args)
        words = _QUOTED.sub(" ", args).split()
        if not words:
            raise InputError("Say which remedy, e.g. `+ magnesium helped`.")
        effect = None
        if len(words) > 1:
            try:
                effect = self.session.resolve_effect(words[-1])
                words = words[:-1]
            except InputError:
                effect = None
        start, end = self._evidence(quoted)
        remedy = self._remedy(" ".join(words))
        coding = self.session.add(remedy, effect, start, end)
        self.say(f"Added {self._label(coding.remedy)} -> {self._effect_label(coding.effect)}.")
        self.show_items()

    def reason(self, args: str) -> None:
        index = _index(args)
        if not self._has(index):
            raise InputError(f"No item {index + 1} here.")
        item = self.session.view().items[index]
        self.say(f"{index + 1}. {item.coding.reason or 'added by you: no machine reason'}")

    def note(self, args: str) -> None:
        text = args
        head, _, rest = text.partition(" ")
        if head.isdigit():
            self.session.note(rest, int(head) - 1)
            self.say(f"Noted on {head}.")
        else:
            self.session.note(text)
            self.say("Noted on the comment." if text else "Comment note removed.")

    def flag(self, args: str) -> None:
        flagged = self.session.toggle_flag(args)
        self.say("Flagged for discussion." if flagged else "Flag removed.")

    def undo(self, args: str) -> None:
        event = self.session.undo()
        self.say(f"Undid {event.action}." if event else "Nothing to undo.")
        if event:
            self.show([])

    def next(self, args: str) -> None:
        if self.session.next():
            self.show([])
        else:
            self.say(f"End of the queue ({self.session.progress()}). p goes back, q quits.")

    def previous(self, args: str) -> None:
        if self.session.previous():
            self.show([])
        else:
            self.say("This is the first comment of the queue.")

    def help(self, args: str) -> None:
        self.say(HELP)

    # -- output -----------------------------------------------------------------------------

    def show(self, args: str) -> None:
        """Print the current comment, its suggestions, the coder's codings and progress."""
        view = self.session.view()
        if view is None:
            self.say("The queue is empty: nothing to code. q quits.")
            return
        self.say("")
        self.say(self._heading(view))
        if view.parent is not None:
            self.say(
                f"In reply to {view.parent.author or view.parent.id}: {_short(view.parent.text)}"
            )
        self.say(view.comment.text)
        if view.flag is not None:
            self.say(f"Flagged by you{': ' + view.flag if view.flag else ''}.")
        if view.note:
            self.say(f"Your note: {view.note}")
        self.show_items()

    def show_items(self) -> None:
        view = self.session.view()
        self.say("Suggestions and your codings:" if view.items else "No suggestions.")
        for number, item in enumerate(view.items, 1):
            self.say(f"  {number}. {self._line(item)}")
        for coding in view.others:
            self.say(f"  ({coding.coder}: {self._label(coding.remedy)} -> {coding.effect})")
        self.say(f"{self.session.progress()}.")

    def _heading(self, view: CommentView) -> str:
        c = view.comment
        parts = [f"Comment {view.position + 1} of {len(self.session.ids)} [{c.id}]"]
        parts += [p for p in (c.author, c.posted_at and c.posted_at.date().isoformat()) if p]
        return " | ".join(parts)

    def _line(self, item: Item) -> str:
        coding = item.coding
        text = f"{self._label(item.remedy)} -> {self._effect_label(item.effect)} [{item.status}]"
        if coding.quote:
            text += f' "{coding.quote}"'
        if item.decision is not None and item.decision.note:
            text += f" (note: {item.decision.note})"
        return text

    def report(self, index: int, verb: str) -> None:
        self.say(f"{verb} {index + 1}: {self._line(self.session.view().items[index])}.")

    def say(self, text: str) -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    # -- helpers ----------------------------------------------------------------------------

    def _has(self, index: int) -> bool:
        view = self.session.view()
        return view is not None and 0 <= index < len(view.items)

    def _remedy(self, query: str) -> str:
        found = self.session.lookup(query, 1)
        if not found:
            raise InputError(f"No remedy in the codebook matches `{query}`.")
        return found[0].id

    def _evidence(self, quoted: list[str]) -> tuple[int | None, int | None]:
        if not quoted:
            return None, None
        text = self.session.view().comment.text
        start = text.lower().find(quoted[0].lower())
        if start < 0:
            raise InputError(f'"{quoted[0]}" is not in this comment\'s text.')
        return start, start + len(quoted[0])

    def _label(self, remedy: str) -> str:
        code = self.session.codebook.remedy(remedy)
        return code.label if code else remedy

    def _effect_label(self, effect: str) -> str:
        code = self.session.codebook.effect(effect)
        return code.label if code else effect


def run_plain(session: CodingSession, stdin: TextIO, stdout: TextIO) -> int:
    """Run the line-based prompt until `q` or end of input; returns the exit code."""
    return PlainPrompt(session, stdin, stdout).run()


def _index(args: str | list[str]) -> int:
    """A 1-based item number from the command's arguments (1 when left out) as an index."""
    args = args.split() if isinstance(args, str) else args
    if not args:
        return 0
    if not args[0].isdigit() or int(args[0]) < 1:
        raise InputError(f"`{args[0]}` is not an item number (1, 2, ...).")
    return int(args[0]) - 1


def _short(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
