"""Fake chat platforms, receivers and APIs for tests: small http.server servers on 127.0.0.1 that
answer as the real ones do. Fixtures for them: tests/fakes/fixtures.py (a pytest plugin)."""
