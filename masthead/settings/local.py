"""The default settings: a newcomer's machine and the demo. Not for the internet."""

from .base import *  # noqa: F403
from .env import env_bool, env_int, env_str

DEBUG = env_bool("MASTHEAD_DEBUG", False)
# A fixed key is acceptable only because this module never serves the internet;
# production.py refuses to start without SECRET_KEY.
SECRET_KEY = env_str("SECRET_KEY", "masthead-local-only-not-secret-3f9c1d0b7a")
# Serve static files straight from the apps so the demo needs no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# While `masthead demo` runs it serves made-up publishers on one address and port of this
# machine (masthead/demo/sources.py) and names it here, for the server and worker it starts:
# they may fetch from it, and from no other address of the machine.
MASTHEAD_DEMO_SOURCES = env_str("MASTHEAD_DEMO_SOURCES")  # "127.0.0.1:8642"
MASTHEAD_FETCH_ALLOW_ENDPOINTS = [MASTHEAD_DEMO_SOURCES] if MASTHEAD_DEMO_SOURCES else []
# Links in e-mails lead to the port this machine serves on (`PORT=8080 make demo`).
MASTHEAD_SITE_URL = env_str("MASTHEAD_SITE_URL", f"http://127.0.0.1:{env_int('PORT', 8000)}")
