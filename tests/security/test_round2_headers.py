"""Issue 13, F16: a Content-Security-Policy on every answer, and the API's documentation pages from the
app's own static files. On 457c939 no page had a CSP and /api/docs/ loaded swagger-ui-dist@latest
from cdn.jsdelivr.net. (The HTTPS settings from the environment: test_round2_keys.py. That the
console, htmx included, works under this policy: tests/browser/test_csp.py.)"""

import re

import pytest
from django.test import Client


def policy(answer) -> dict[str, list[str]]:
    header = answer.get("Content-Security-Policy", "")
    assert header, f"no Content-Security-Policy on {answer.status_code} {answer.get('Content-Type')}"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("path", ["/login/", "/", "/workspaces/{ws}/configuration/event-notifications/",
                                  "/admin/login/", "/api/v1/workspaces/", "/api/docs/", "/api/redoc/", "/api/schema/",
                                  "/no-such-page/"])
def test_f16_every_answer_has_a_content_security_policy_without_inline_script(path, owner_client,
                                                                              activated_workspace):
    answer = owner_client.get(path.format(ws=activated_workspace.pk))
    directives = policy(answer)
    assert directives["script-src"] == ["'self'"], directives
    assert directives["default-src"] == ["'self'"] and directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"] and directives["base-uri"] == ["'self'"]


def test_f16_inline_style_elements_need_the_pages_nonce(owner_client):
    assert policy(owner_client.get("/"))["style-src"] == ["'self'"]  # the console has no <style> element
    docs = owner_client.get("/api/docs/")
    nonce = re.search(r'<style nonce="([^"]+)">', docs.content.decode()).group(1)
    assert policy(docs)["style-src"] == ["'self'", f"'nonce-{nonce}'"]
    assert nonce not in owner_client.get("/api/docs/").content.decode()  # a new one per answer


def test_f16_swagger_ui_and_redoc_come_from_our_own_static_files():
    client = Client()
    for path in ("/api/docs/", "/api/redoc/"):
        page = client.get(path)
        assert page.status_code == 200
        html = page.content.decode()
        sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
        assert sources and all(source.startswith("/") for source in sources), sources
        assert "cdn.jsdelivr" not in html and "googleapis" not in html and "unpkg" not in html
        assert not re.search(r"<script>(?!\s*</script>)", html), "an inline script"
    # Swagger UI's start-up script is a file of its own (the split view), served as JavaScript.
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_f16_the_docs_need_a_login_when_api_docs_public_is_off(tmp_path):
    """Public by default (console/api_docs.py says why), closed with API_DOCS_PUBLIC=false (read when
    the views are imported, hence a process of its own)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    assert Client().get("/api/schema/").status_code == 200
    probe = ("import django; django.setup(); from django.test import Client; c = Client(); "
             "print([c.get(p).status_code for p in ('/api/schema/', '/api/docs/', '/api/redoc/')])")
    env = {**os.environ, "API_DOCS_PUBLIC": "false", "DEBUG": "true", "VAR_DIR": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "console.settings"}
    done = subprocess.run([sys.executable, "-c", probe], cwd=Path(__file__).resolve().parents[2], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.strip().splitlines()[-1] == "[401, 401, 401]", done.stdout + done.stderr
