"""Escaping for the markup formats chat bots render. Names of jobs, models and workspaces are user
input: a model called `**urgent**` or `[click](http://evil)` must arrive as those characters, not as
bold text or a link."""

from __future__ import annotations

import re

# Values always follow a label on the same line, so only inline markup needs escaping (a `#` or `-`
# can only start a heading or a list at the start of a line).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def markdown_escape(text: str) -> str:
    """Plain text made inert in (chat) markdown: inline markup backslash-escaped, HTML-ish tags
    neutralised as entities, line breaks folded so a value cannot start a heading or a quote."""
    text = " ".join(str(text).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def link_target(url: str) -> str:
    """A URL safe inside markdown's `(...)`: no spaces or parentheses that would end it early."""
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
