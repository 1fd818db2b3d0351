"""Text an XML 1.0 document can carry. Feeds, sitemaps and OPML files print names and
headlines that came from outside; a control character among them (NUL, a form feed, a lone
surrogate, U+FFFE) would make the whole document unreadable, so it is left out instead."""

from __future__ import annotations

import re

# C0 controls but tab, newline and return; U+FFFE and U+FFFF; lone surrogates.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)
