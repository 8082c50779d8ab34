"""An article page → its main text, with trafilatura.

trafilatura drops navigation, bylines boxes, comments and ads, and keeps one
paragraph a line, which is what the quote extractor needs (a paragraph break
ends a carried speaker). It is CPU work, so callers run it in a thread.
"""

from __future__ import annotations

import logging
import re

# trafilatura logs every page it finds too short at WARNING; that is our fallback path.
logging.getLogger("trafilatura").setLevel(logging.ERROR)

import trafilatura  # noqa: E402 - after quieting its logger

MIN_ARTICLE_CHARS = 200
_BLANK_LINES = re.compile(r"\n\s*\n+")


def article_text(html: bytes, *, url: str) -> str | None:
    """The page's main text, or None when there is none worth keeping."""
    if not html.strip():
        return None
    try:
        text = trafilatura.extract(
            html,
            url=url,
            include_comments=False,
            include_tables=False,
            include_links=False,
            include_images=False,
            deduplicate=True,
        )
    except Exception:  # trafilatura on hostile markup: any failure means "use the feed text"
        return None
    if not text:
        return None
    text = _BLANK_LINES.sub("\n", text).strip()
    return text if len(text) >= MIN_ARTICLE_CHARS else None
