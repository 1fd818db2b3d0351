"""One spelling per article URL, so the same article found twice is found once.

Lower-case scheme and host, no default port, no fragment, no tracking parameters (utm_*,
fbclid, gclid and their kind), remaining parameters in their original order. The page's
rel=canonical, once fetched, is the last word (ingest.services applies it).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|yclid|igshid|"
    r"_ga|_gl|_hsenc|_hsmi|mkt_tok|oly_anon_id|oly_enc_id|vero_id|ref_src|s_cid|cmpid|"
    r"ocid|icid|ito|at_medium|at_campaign|sr_share|share|xtor)$",
    re.IGNORECASE,
)
DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str) -> str:
    """The canonical spelling of an article URL; ValidationError if it is not one."""
    text = url.strip()
    if "://" not in text and not text.startswith("//"):
        text = "https://" + text
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValidationError(
            _("Enter the full address of an article, starting with https://."), code="url"
        )
    host = parts.hostname.lower().rstrip(".")
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise ValidationError(
            _("This address has a host name that cannot be used."), code="url"
        ) from error
    netloc = host if ":" not in host else f"[{host}]"
    if parts.port and parts.port != DEFAULT_PORTS[scheme]:
        netloc += f":{parts.port}"
    query = urlencode(
        [
            (key, value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
            if not TRACKING.match(key)
        ],
        doseq=True,
    )
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=~-._")
    return urlunsplit((scheme, netloc, path, query, ""))


def is_home_page(url: str) -> bool:
    """Whether a canonical URL is only a site's home page (path "/", no query): it names the
    site, not one of its articles, so it never identifies an article on its own."""
    parts = urlsplit(url)
    return parts.path in {"", "/"} and not parts.query
