"""Every environment variable the settings read (console/settings.py and the blocks it imports from
console/settings_parts/) has its line in .env.example, with its default."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READ = re.compile(r"""\.(?:str|int|bool|float|list|db_url|cache_url|email_url)\(\s*["']([A-Z][A-Z0-9_]*)["']""")


def test_every_variable_the_settings_read_is_in_env_example():
    files = [ROOT / "console" / "settings.py", *sorted((ROOT / "console" / "settings_parts").glob("*.py"))]
    read = {name for path in files for name in READ.findall(path.read_text())}
    assert {"SECRET_KEY", "CELERY_BROKER_URL", "LOG_FORMAT", "PORT", "VAR_DIR"} <= read  # the pattern sees them
    example = (ROOT / ".env.example").read_text()
    missing = sorted(name for name in read if not re.search(rf"^# ?{name}=", example, re.MULTILINE))
    assert missing == [], f"read by the settings but not in .env.example: {missing}"
