"""The production tests share the browser suite's Chromium."""

from tests.browser.conftest import browser  # noqa: F401  (the fixture)
