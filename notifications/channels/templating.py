"""Message templates: `${resource.name}` placeholders and nothing else.

The whole language: text, `${name}` where `name` is one of the event type's variables
(`catalog.event_variables`), and `$$` for a literal dollar sign. No attribute access beyond those
names, no filters, no loops or conditions: a template cannot run away, and its output is bounded
(each value clipped, the whole clipped). Values are escaped for the channel's own markup by the
`escape` function the renderer passes; the template's own text is the channel's markup as written.

`template_check` finds every problem of a template at once, each naming its line; `template_render`
fills one in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

MAX_TITLE_CHARS = 200
MAX_BODY_CHARS = 4000
MAX_VALUE_CHARS = 300
ELLIPSIS = "…"

_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")


@dataclass(frozen=True)
class Piece:
    text: str = ""
    name: str = ""  # set for a placeholder
    line: int = 1


@dataclass(frozen=True)
class TemplateProblem:
    line: int
    message: str
    name: str = ""  # the unknown variable, when that is the problem

    def __str__(self) -> str:
        return f"Line {self.line}: {self.message}"


@lru_cache(maxsize=1024)
def _parse(template: str) -> tuple[tuple[Piece, ...], tuple[TemplateProblem, ...]]:
    """The template's pieces and syntax problems, parsed once per process for each distinct text (a
    routing pass renders the same few templates for every event)."""
    pieces: list[Piece] = []
    problems: list[TemplateProblem] = []
    position, line, text = 0, 1, []
    while position < len(template):
        char = template[position]
        if char == "$" and template.startswith("$$", position):
            text.append("$")
            position += 2
            continue
        if char == "$" and template.startswith("${", position):
            end = template.find("}", position + 2)
            newline = template.find("\n", position + 2)
            if end == -1 or (newline != -1 and newline < end):
                problems.append(TemplateProblem(line, "“${” is not closed with “}” on the same line (write $$ for "
                                                      "a dollar sign)."))
                text.append(template[position:position + 2])
                position += 2
                continue
            name = template[position + 2:end].strip()
            if not _NAME.match(name):
                problems.append(TemplateProblem(line, f"“${{{name}}}” is not a variable name: use lower-case names "
                                                      "with dots, like ${resource.name}.", name=name))
            else:
                pieces.append(Piece(text="".join(text), line=line))
                text = []
                pieces.append(Piece(name=name, line=line))
            position = end + 1
            continue
        if char == "\n":
            line += 1
        text.append(char)
        position += 1
    pieces.append(Piece(text="".join(text), line=line))
    return tuple(p for p in pieces if p.name or p.text), tuple(problems)


def template_check(template: str, known: Iterable[str], *, max_chars: int) -> list[TemplateProblem]:
    """Every problem of `template` given the variable names it may use: unclosed or malformed
    placeholders, unknown variables, control characters, length."""
    known = set(known)
    problems: list[TemplateProblem] = []
    if len(template) > max_chars:
        problems.append(TemplateProblem(1, f"The template has {len(template)} characters; the limit is {max_chars}."))
    for number, text in enumerate(template.split("\n"), start=1):
        if any((ord(c) < 32 and c not in "\t\r") or ord(c) == 127 for c in text):
            problems.append(TemplateProblem(number, "contains control characters."))
    pieces, syntax = _parse(template)
    problems += syntax
    for piece in pieces:
        if piece.name and piece.name not in known:
            problems.append(TemplateProblem(piece.line, f"unknown variable ${{{piece.name}}}.", name=piece.name))
    return sorted(problems, key=lambda problem: problem.line)


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def template_render(template: str, values: dict[str, str], *, escape: Callable[[str], str] = str,
                    escape_link: Callable[[str], str] = str, link_names: frozenset | set = frozenset(),
                    max_chars: int = MAX_BODY_CHARS) -> str:
    """The template filled in: each value clipped and escaped; an unknown name renders empty (a
    saved template is checked on save; an event may lack a value). Links (`link_names`) are not
    clipped, and escaped by `escape_link`."""
    pieces, _ = _parse(template)
    out = []
    for piece in pieces:
        if piece.name:
            value = str(values.get(piece.name, ""))
            out.append(escape_link(value) if piece.name in link_names else escape(clip(value, MAX_VALUE_CHARS)))
        else:
            out.append(piece.text)
    return clip("".join(out), max_chars)


def template_variables(template: str) -> list[str]:
    """The variable names a template uses, in order, once each."""
    pieces, _ = _parse(template)
    return list(dict.fromkeys(piece.name for piece in pieces if piece.name))
