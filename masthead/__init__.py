"""Masthead: independent channels publish and curate news stories; members discuss them."""

__version__ = "0.1.0"
