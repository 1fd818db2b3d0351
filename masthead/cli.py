"""The ``masthead`` command: Django's management commands with Masthead's settings.

``masthead demo``, ``masthead serve``, ``masthead worker``, ``masthead createchannel`` and every
Django command (``masthead migrate``, ``masthead createsuperuser``, ...).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings.local")
    from django.core.management import execute_from_command_line

    from masthead.settings.env import var_dir

    var_dir().mkdir(parents=True, exist_ok=True)  # the SQLite file cannot make its folder

    execute_from_command_line(["masthead", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
