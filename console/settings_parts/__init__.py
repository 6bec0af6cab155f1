"""Blocks of `console/settings.py`, one concern a module (keys and sign-in, Celery, the API, what
production sees). `console/settings.py` imports each with `*`, so `DJANGO_SETTINGS_MODULE` stays
`console.settings`; every variable they read is in `.env.example` and the README, as before."""
