"""Text-level repairs shared by the cleaning and extraction stages.

Charset decoding of fetched bytes (``decode_html``), conservative mojibake repair, removal of
invisible and control characters, whitespace collapsing, and the tracking-parameter filter for
URLs. Pure string functions: no HTML parsing here (``ingest.clean`` does that), no I/O.
"""

from __future__ import annotations

import codecs
import re


def words(text: str) -> tuple[str, ...]:
    """Split a whitespace-separated word table (keeps long tables compact and commented)."""
    return tuple(text.split())


# --- charset -------------------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
# WHATWG: these labels mean windows-1252 in browsers, which is what pages really contain.
_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
    "x-user-defined": "cp1252",
}


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    name = _ALIASES.get(label.strip().lower(), label.strip().lower())
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(body: bytes, content_type: str | None) -> str:
    """Decode a fetched page: BOM, then the HTTP charset, then ``<meta charset>``, else UTF-8
    with a windows-1252 fallback. Never raises; undecodable bytes become U+FFFD."""
    return decode_page(body, content_type)[0]


def decode_page(body: bytes, content_type: str | None) -> tuple[str, bytes | None]:
    """``decode_html``, and ``body`` itself when the text is exactly its strict UTF-8 decoding
    (no BOM, no other charset): the extractor can then parse those bytes rather than encode
    the text back to UTF-8 (``extract_article(..., page_bytes=)``); None otherwise."""
    try:
        if not body:
            return "", None
        for bom, enc in _BOMS:
            if body.startswith(bom):
                return body[len(bom) :].decode(enc, "replace"), None
        header = _HEADER_CHARSET.search(content_type or "")
        declared = _codec(header.group(1)) if header else None
        if declared is None:
            meta = _META_CHARSET.search(body[:8192])
            declared = _codec(meta.group(1).decode("ascii", "ignore")) if meta else None
            if declared in ("utf-16", "utf-16-le", "utf-16-be"):  # a byte-level lie in ASCII
                declared = "utf-8"
        if declared is not None and declared != "utf-8":
            return body.decode(declared, "replace"), None
        try:
            return body.decode("utf-8"), body
        except UnicodeDecodeError:
            return body.decode("cp1252", "replace"), None
    except Exception:  # never raise on hostile input
        return (body.decode("utf-8", "replace") if isinstance(body, bytes) else ""), None


# --- mojibake ------------------------------------------------------------------------------------

# Characters windows-1252 shows for the UTF-8 continuation bytes 0x80-0xBF.
_CONT = (
    "[\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d\u2018\u2019"
    "\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178\u00a0-\u00bf]"
)
_MOJIBAKE = re.compile(
    f"(?:[\u00c2-\u00df]{_CONT}|[\u00e0-\u00ef]{_CONT}{{2}}|[\u00f0-\u00f4]{_CONT}{{3}})+"
)


def _unmangle(match: re.Match[str]) -> str:
    chunk = match.group(0)
    try:
        fixed = chunk.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return chunk
    return fixed


_MOJIBAKE_LEAD = re.compile("[\u00c2-\u00f4]")  # every run starts with one: a cheap first look


def fix_mojibake(text: str) -> str:
    """Repair UTF-8 text that was decoded as windows-1252 ('â€™' -> '’'), run by run.

    Only runs that re-encode to valid UTF-8 are changed, so correct text is left alone.
    """
    if not text or text.isascii() or not _MOJIBAKE_LEAD.search(text):
        return text
    if not _MOJIBAKE.search(text):
        return text
    return _MOJIBAKE.sub(_unmangle, text)


# --- invisible characters and whitespace ---------------------------------------------------------

# C0/C1 controls (but tab, newline, carriage return), zero-width space, word joiner, BOM, soft
# hyphen, bidi embeddings/overrides/isolates (text reordering, "Trojan Source"), lone surrogates
# (unencodable: SQLite and every writer would fail on them). ZWJ/ZWNJ and the LRM/RLM marks stay:
# emoji, Persian/Indic and right-to-left scripts need them.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u2060\ufeff\u00ad\u202a-\u202e"
    "\u2066-\u2069\ud800-\udfff]"
)
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


_SURROGATES = re.compile("[\ud800-\udfff]")


def remove_invisible(text: str) -> str:
    return _INVISIBLE.sub("", text)


def replace_surrogates(text: str) -> str:
    """Lone surrogates (from JSON ``\\ud800`` or a bad decoder) as U+FFFD: parsers and encoders
    choke on them (lxml silently drops the rest of the text)."""
    if text.isascii():  # O(1): CPython knows
        return text
    try:
        text.encode("utf-16-le")  # fails on a lone surrogate; a near copy, unlike a regex scan
    except UnicodeEncodeError:
        return _SURROGATES.sub("\ufffd", text)
    return text


# Whitespace for ``str.split`` that ``_SPACES`` leaves alone (a test checks the list is whole).
ODD_SPACES = ("\x1c", "\x1d", "\x1e", "\x1f", "\x85", "\u1680", "\u2028", "\u2029")
_ODD_ASCII = ODD_SPACES[:4]


def collapse_spaces(text: str) -> str:
    """Collapse any run of whitespace (including no-break spaces) into one space.

    Same result as ``_SPACES.sub(" ", text)``; ``str.split`` does it several times faster
    whenever the text holds none of ``ODD_SPACES``.
    """
    for odd in _ODD_ASCII if text.isascii() else ODD_SPACES:
        if odd in text:
            return _SPACES.sub(" ", text)
    joined = " ".join(text.split())
    if not joined:
        return " " if text else ""
    if text[0].isspace():
        joined = " " + joined
    if text[-1].isspace():
        joined += " "
    return joined
