"""Keys, sign-in (passwords, lockout, the client address behind proxies), cookies, HTTPS and the
Content-Security-Policy."""

from csp.constants import NONCE

from console.settings_parts.environment import DEBUG, TESTING, env

# --- Keys. Production (DEBUG off) must set SECRET_KEY and FIELD_ENCRYPTION_KEYS: the system checks
# (console/checks.py), which web, worker and beat each run before starting, refuse to start without
# them. Development has an explicit path: with DEBUG on (`make run` sets it) both default to fixed,
# public development keys; the tests make random ones per run (and hand them to the workers they start).
DEV_SECRET_KEY = "django-insecure-development-key-for-DEBUG-only-never-in-production"
DEV_FIELD_ENCRYPTION_KEY = "ZGV2ZWxvcG1lbnQta2V5LWZvci1ERUJVRy1vbmx5ISE="  # base64("development-key-for-DEBUG-only!!")
if TESTING:
    import secrets as _secrets

    from cryptography.fernet import Fernet as _Fernet

    _default_keys = (_secrets.token_urlsafe(50), _Fernet.generate_key().decode())
else:
    _default_keys = (DEV_SECRET_KEY, DEV_FIELD_ENCRYPTION_KEY if DEBUG else "")
SECRET_KEY = env.str("SECRET_KEY", default=_default_keys[0])
# Earlier SECRET_KEYs still accepted for sessions and signatures (Django's key rotation). Secrets at
# rest do not depend on SECRET_KEY, so rotating it stops nothing.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
# Secrets at rest (signing keys, webhook tokens, credentials in HTTP target URLs): MultiFernet keys,
# newest first. Rotation: a new key first, `manage.py rotate_secrets`, then drop the old one.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[_default_keys[1]] if _default_keys[1] else [])

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in: axes first (refuses a locked-out user name or address before any password is hashed),
# then Django's backend; users are found by sign-in name (`name@alias` for sub-users,
# workspaces.iam.models.users.sign_in_lookup), which is why user names need not be unique.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
SILENCED_SYSTEM_CHECKS = ["auth.W004"]  # user names are unique per account; sign-in names are unique
# Failed sign-ins (console, admin, the API's token endpoint), counted in the database and shared by
# every web process: this many for one user name, or from one client address, lock that name or
# address out for LOGIN_LOCKOUT_MINUTES (429), then it may try again.
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_LOCKOUT_MINUTES = env.int("LOGIN_LOCKOUT_MINUTES", default=15)
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = LOGIN_LOCKOUT_MINUTES / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one: per user name and per address
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "console.signin.attempted_sign_in_name"
AXES_CLIENT_IP_CALLABLE = "console.signin.client_address"
AXES_LOCKOUT_CALLABLE = "console.signin.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["password"]
# The number of proxies in front of the web processes that append to X-Forwarded-For (0: none, the
# TCP peer is the client). The one setting behind every per-client limit: sign-in lockout and the
# API's throttles (DRF's NUM_PROXIES). Never more than there are: the client could then choose its
# address.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
# HTTPS (see the README's production settings): HSTS seconds (0 = no header), redirect http to
# https, and the header a TLS-terminating proxy sets, as "HEADER_NAME,value"
# (e.g. "HTTP_X_FORWARDED_PROTO,https"); empty = trust no such header.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
_proxy_ssl_header = env.list("SECURE_PROXY_SSL_HEADER", default=[])
SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header) if _proxy_ssl_header else None
# Content-Security-Policy on every answer (django-csp): scripts, styles, images and fonts from this
# origin only (htmx is vendored, Swagger UI and Redoc come from drf-spectacular-sidecar), no inline
# script, no framing, forms post here only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # A <style> element needs the page's nonce (the console has none; Swagger UI's page has one);
        # style="" attributes are allowed (they can load nothing img-src would refuse).
        "style-src": ["'self'", NONCE],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
