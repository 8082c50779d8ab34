"""What a link is to newsbrief: the form dedupe compares, and whether it holds a secret.

Pure functions at the bottom of the house: ingest keys stories by `normalize_url`,
the conversations core looks stories up by it, and every place a person can type a
link refuses one that `has_credentials` (it would be stored and echoed to a channel).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING_PARAMS = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ocid|cmpid|at_\w+)$")


def normalize_url(url: str) -> str:
    """The form of a story URL that dedupe compares: no fragment, no tracking parameters."""
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    kept = [(k, v) for k, v in query if not _TRACKING_PARAMS.match(k.lower())]
    path = parts.path.rstrip("/") or "/"
    return urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), path, urlencode(sorted(kept)), "")
    )


def story_url_key(url: str) -> str:
    """The dedupe key under which a story with this link is stored."""
    return f"url:{normalize_url(url)}"


def has_credentials(url: str) -> bool:
    """True when ``url`` carries a user name or password (``https://user:pw@host/``).

    Such a URL is never stored, fetched or repeated back: it would show the
    password to every channel and in `newsbrief feeds`.
    """
    try:
        netloc = urlsplit(url.strip()).netloc
    except ValueError:
        return "@" in url
    return "@" in netloc
