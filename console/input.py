"""Text that no handler should ever see, refused at the door (issue 13, F8).

- JSON nested deeper than settings.MAX_JSON_DEPTH (Python's parser would recurse until a
  RecursionError, a 500 and a logged traceback), lone UTF-16 surrogates in any string or key (they
  cannot be encoded to UTF-8: a 500 wherever the text is written or measured) and NUL characters
  (PostgreSQL cannot store them in text or jsonb): the API's JSON parser answers 400 in the error
  envelope, for every endpoint at once.
- NUL in a request path: 404; in a query string: 400 (both before any view runs).

`json_text_problem` is the one check; what parses JSON text itself uses it too: a policy document
typed in the console, and PutEvents (which reads its body raw and reports a bad entry on its own, as
EventBridge does).
"""

from __future__ import annotations

import codecs
import json

from django.conf import settings
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from rest_framework import parsers
from rest_framework.exceptions import ParseError

NUL = "\x00"


def _text_problem(text: str) -> str | None:
    if NUL in text:
        return "contains a NUL (\\u0000) character"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "contains a lone surrogate (an unpaired \\ud800-\\udfff escape), which is not text"
    return None


def json_text_problem(value, *, max_depth: int | None = None) -> str | None:
    """What is wrong with a parsed JSON value, or None: nested deeper than `max_depth`, or a string
    (value or key) that is not storable text. Iterative, so any depth is safe to walk."""
    limit = settings.MAX_JSON_DEPTH if max_depth is None else max_depth
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            problem = _text_problem(item)
        elif isinstance(item, dict | list):
            if depth > limit:
                return f"is nested deeper than {limit} levels"
            problem = None
            if isinstance(item, dict):
                for key, child in item.items():
                    if (problem := _text_problem(key)) is not None:
                        break
                    stack.append((child, depth + 1))
            else:
                stack.extend((child, depth + 1) for child in item)
        else:
            problem = None
        if problem is not None:
            return f"has a string that {problem}"
    return None


def json_loads_checked(text: str | bytes):
    """json.loads, with nesting too deep for Python's parser reported as a ValueError like any
    other malformed JSON (RecursionError is not one)."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError(f"the JSON is nested deeper than {settings.MAX_JSON_DEPTH} levels") from None


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing (400, in the error envelope) what `json_text_problem` finds and
    nesting too deep to parse at all."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        try:
            data = json_loads_checked(codecs.getreader(encoding)(stream).read())
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}")
        if (problem := json_text_problem(data)) is not None:
            raise ParseError(f"JSON parse error - the body {problem}.")
        return data


class UnsafeRequestTextMiddleware:
    """A NUL in the path names nothing (404); in the query string it is never a valid value (400).
    API paths answer in the API's error envelope."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        api = request.path.startswith("/api/")
        if NUL in request.path or NUL in request.path_info:
            if api:
                return JsonResponse({"error": {"code": "not_found", "message": "Not found."}}, status=404)
            raise Http404("No such page")
        if NUL in request.META.get("QUERY_STRING", "") or any(
            NUL in key or any(NUL in value for value in values) for key, values in request.GET.lists()
        ):
            message = "The query string contains a NUL (\\u0000) character."
            if api:
                return JsonResponse({"error": {"code": "bad_request", "message": message}}, status=400)
            return HttpResponseBadRequest(message)
        return self.get_response(request)
