"""The API's documentation pages: Swagger UI and Redoc, both served from this app's own static files
(drf-spectacular-sidecar), never from a CDN, under the console's Content-Security-Policy.

Swagger UI: the split view, whose start-up script is a file of its own (no inline script). Its one
small inline <style> carries the request's CSP nonce. Redoc writes its styles at run time (inline
<style> elements) and renders its search in a worker made from a blob: its page alone allows both.

Whether the pages and the schema need a login: settings.API_DOCS_PUBLIC (default: public). The
schema describes the code anyone can read, and nothing of any tenant; public docs let tools (client
generators, the fuzzing) and readers use it without a token. A deployment that wants it private
sets API_DOCS_PUBLIC=false.
"""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView


class SwaggerDocsView(SpectacularSwaggerSplitView):
    template_name = "console/swagger_ui.html"


@method_decorator(csp_update({"style-src": [UNSAFE_INLINE], "worker-src": [SELF, "blob:"]}), name="dispatch")
class RedocDocsView(SpectacularRedocView):
    template_name = "console/redoc.html"
