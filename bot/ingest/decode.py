"""Bytes of a feed or page → text that every parser downstream can take.

Hostile or broken documents break parsers in ways that are not parse errors:
a character reference to a surrogate or beyond U+10FFFF makes feedparser's
``chr()`` raise, an encoding declaration holding non-UTF-8 bytes or a NUL makes
its encoding sniffer raise, and lxml refuses strings with control characters.
So we choose the encoding ourselves (byte-order mark, then the HTTP
``charset``, then the XML declaration, then UTF-8), decode with replacement
characters (never Latin-1 guesswork), and neutralise what no parser should see.
"""

from __future__ import annotations

import codecs
import html
import re
from email.message import Message
from urllib.parse import urljoin, urlsplit

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Only an ASCII encoding name in a declaration is read; anything else is ignored.
_XML_DECLARED = re.compile(
    rb"""\A\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z][\w.:-]{0,39})["']"""
)
_DECLARATION = re.compile(r"\A(\s*<\?xml\b)([^>]{0,400}?)(\?>)")
_ENCODING_ATTR = re.compile(r"""\s+encoding\s*=\s*(["']).*?\1""", re.DOTALL)
_XML_BASE = re.compile(r"""\sxml:base\s*=\s*(["'])(.*?)\1""", re.DOTALL)
_CHARREF = re.compile(r"&#(?:([0-9]+)|[xX]([0-9a-fA-F]+));?")
# C0 controls XML 1.0 forbids (tab, LF and CR are allowed), DEL-range C1 kept: they are legal.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
SURROGATES = re.compile(r"[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def charset_of(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type header, if it names a text codec."""
    if not content_type:
        return None
    message = Message()
    message["content-type"] = content_type
    charset = message.get_param("charset")
    return _text_codec(charset) if isinstance(charset, str) else None


def decode_document(document: bytes, content_type: str | None = None) -> str:
    """The document as text: BOM, then HTTP charset, then XML declaration, then UTF-8.

    Bytes that are invalid in the chosen encoding become U+FFFD.
    """
    for bom, encoding in _BOMS:
        if document.startswith(bom):
            return document[len(bom) :].decode(encoding, errors="replace")
    encoding = charset_of(content_type) or _declared(document) or "utf-8"
    return document.decode(encoding, errors="replace")


def _declared(document: bytes) -> str | None:
    match = _XML_DECLARED.match(document[:512])
    if match is None:
        return None
    encoding = _text_codec(match[1].decode("ascii"))
    # A declaration readable as ASCII cannot be in UTF-16/32: the declaration lies.
    if encoding is None or encoding.startswith(("utf-16", "utf-32")):
        return None
    return encoding


def _text_codec(name: str) -> str | None:
    try:
        info = codecs.lookup(name.strip())
    except (LookupError, ValueError):
        return None
    # codecs.lookup also knows rot13, base64, zlib... which are not character sets.
    if not getattr(info, "_is_text_encoding", True):
        return None
    return info.name


def safe_markup(text: str) -> str:
    """``text`` with its encoding declaration dropped and bad characters neutralised.

    Character references to code points no parser can hold (NUL, controls,
    surrogates, above U+10FFFF, hundreds of digits) become U+FFFD, and so do
    such characters themselves. The result is meant to be encoded as UTF-8.
    """
    text = _DECLARATION.sub(_without_encoding, text, count=1)
    text = _XML_BASE.sub(_usable_base, text)
    text = _CHARREF.sub(_safe_charref, text)
    return safe_text(text)


def safe_text(text: str) -> str:
    """``text`` without characters that XML, lxml or PostgreSQL refuse."""
    return CONTROL_CHARS.sub(REPLACEMENT, SURROGATES.sub(REPLACEMENT, text))


def _usable_base(match: re.Match[str]) -> str:
    """An ``xml:base`` no URL can be resolved against is dropped.

    feedparser resolves every later link against it and, when that raises,
    loses the links of the items after it too, good ones included.
    """
    try:
        resolved = urljoin("https://base.invalid/", html.unescape(match[2]).strip())
        scheme = urlsplit(resolved).scheme
        urlsplit(resolved).port  # noqa: B018 - raises on a port out of range
    except ValueError:
        return ""
    return match[0] if scheme in ("http", "https") else ""


def _without_encoding(match: re.Match[str]) -> str:
    return match[1] + _ENCODING_ATTR.sub("", match[2]) + match[3]


def _safe_charref(match: re.Match[str]) -> str:
    digits, hexdigits = match[1], match[2]
    raw = digits if digits is not None else hexdigits
    if len(raw.lstrip("0")) > 7:
        return "&#xFFFD;"
    code = int(digits) if digits is not None else int(hexdigits, 16)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF or not _xml_char(code):
        return "&#xFFFD;"
    return match[0]


def _xml_char(code: int) -> bool:
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or (0x10000 <= code <= 0x10FFFF)
    )
