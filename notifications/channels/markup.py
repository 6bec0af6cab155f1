"""Escaping for the markup formats chat bots render. Names of jobs, models and workspaces are user
input: a model called `**urgent**` or `[click](http://evil)` must arrive as those characters, not as
bold text or a link."""

from __future__ import annotations

import re

# Values always follow a label on the same line, so only inline markup needs escaping (a `#` or `-`
# can only start a heading or a list at the start of a line). Escapes are kept to what can change the
# rendering: chat renderers differ in how they show a backslash, and `ws_demo` must stay readable.
_ALWAYS = re.compile(r"([\\`*~])")
_EDGE_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")  # intraword `_` emphasises nothing
_LINK_CLOSE = re.compile(r"\](?=[(\[])")  # `](`: what turns brackets into a link or an image


def markdown_escape(text: str) -> str:
    """Plain text made inert in (chat) markdown: inline markup backslash-escaped, HTML-ish tags
    neutralised as entities, line breaks folded so a value cannot start a heading or a quote."""
    text = " ".join(str(text).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _ALWAYS.sub(r"\\\1", text)
    text = _EDGE_UNDERSCORE.sub(r"\\_", text)
    return _LINK_CLOSE.sub(r"\\]", text)


def link_target(url: str) -> str:
    """A URL safe inside markdown's `(...)`: no spaces or parentheses that would end it early."""
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
