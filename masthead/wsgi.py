"""WSGI entry point: ``masthead serve`` runs it under granian."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings.local")

application = get_wsgi_application()
