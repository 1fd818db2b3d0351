"""WSGI entry point: ``masthead serve`` runs it under granian.

The anonymous page cache sits in front of Django (core/pagecache.py).
"""

import os

from django.core.wsgi import get_wsgi_application

from masthead.core.pagecache import PageCacheApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings.local")

application = PageCacheApp(get_wsgi_application())
