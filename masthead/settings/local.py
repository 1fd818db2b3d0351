"""The default settings: a newcomer's machine and the demo. Not for the internet."""

from .base import *  # noqa: F403
from .env import env_bool, env_str

DEBUG = env_bool("MASTHEAD_DEBUG", False)
# A fixed key is acceptable only because this module never serves the internet;
# production.py refuses to start without SECRET_KEY.
SECRET_KEY = env_str("SECRET_KEY", "masthead-local-only-not-secret-3f9c1d0b7a")
# Serve static files straight from the apps so the demo needs no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
