"""Settings modules: ``local`` (default, the demo), ``production`` and ``test``.

Every value an operator may change comes from the environment; see ``docs/operations.md``.
"""
