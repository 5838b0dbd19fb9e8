"""Fast, output-identical stand-in for feedparser's relative-URI resolution inside feed HTML.

What it does: ``resolve_html(html, base, content_type)`` returns exactly what
``feedparser.urls.resolve_relative_uris`` returns (feedparser 6.0.x, whose sgmllib-based
processor re-serializes the fragment: attributes lower-cased, de-duplicated and sorted, void
elements written ``<br />``, unknown entity references escaped, cp1252 character references
remapped), for fragments made only of plain text, well-formed start/end tags with quoted or bare
attributes, and ``&name;`` / ``&#NN;`` references. It tokenizes with one regular expression
instead of feedparser's character-by-character SGML parser, about 10x faster.

What it deliberately does not do: anything else. A fragment with a comment, a declaration, a
processing instruction, a stray ``<``, a bare ``&``, odd attribute syntax or an unknown entity
spelled unusually is handed to feedparser's own resolver unchanged, so the output never differs;
it is only slower. It does not sanitize (nh3 does that downstream).
"""

from __future__ import annotations

import html.entities
import re

from feedparser.html import _BaseHTMLProcessor, _cp1252
from feedparser.urls import RelativeURIResolver, make_safe_absolute_uri, resolve_relative_uris

_NAME = r"[a-zA-Z][a-zA-Z0-9]*"
_ATTR = r"""\s+[a-zA-Z_][-:.a-zA-Z_0-9]*(?:\s*=\s*(?:"[^"<>&]*"|'[^'<>&]*'))?"""
_MARKUP_RE = (
    rf"""<(?P<start>{_NAME})(?P<attrs>(?:{_ATTR})*)\s*(?P<close>/?)>"""
    rf"""|</(?P<end>{_NAME})\s*>"""
    rf"""|&(?P<ref>#[0-9]{{1,7}}|#[xX][0-9a-fA-F]{{1,6}}|{_NAME});"""
)
_MARKUP = re.compile(_MARKUP_RE)
# The whole fragment must be text and the markup above; possessive, so a failure is linear.
_UNNAMED = re.sub(r"\(\?P<\w+>", "(?:", _MARKUP_RE)  # possessive + named groups trips re
_SUBSET = re.compile(rf"(?:[^<&]++|(?:{_UNNAMED}))*+")
_ONE_ATTR = re.compile(r"""\s+([a-zA-Z_][-:.a-zA-Z_0-9]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'))?""")
_VOID = _BaseHTMLProcessor.elements_no_end_tag
_URI_ATTRS = RelativeURIResolver.relative_uris
_ENTITIES = frozenset(html.entities.name2codepoint) | {"apos"}
_CACHE: dict[tuple[str, str, bool], str] = {}  # (markup, base, xhtml) -> output
_CACHE_SIZE = 20_000


def resolve_html(source: str, base: str, content_type: str) -> str:
    """``source`` with relative URIs resolved against ``base``, exactly as feedparser does."""
    fast = _resolve_subset(source, base, content_type)
    if fast is None:
        return str(resolve_relative_uris(source, base, "utf-8", content_type))
    return fast


def _resolve_subset(source: str, base: str, content_type: str) -> str | None:
    # feedparser turns these two references into quotes before parsing, inside tags too.
    data = source.replace("&#39;", "'").replace("&#34;", '"')
    if _SUBSET.fullmatch(data) is None:
        return None
    xhtml = content_type == "application/xhtml+xml"
    cache = _CACHE

    def render(token: re.Match[str]) -> str:
        key = (token.group(0), base, xhtml)
        out = cache.get(key)
        if out is None:
            out = _render(token, base, xhtml)
            if len(cache) >= _CACHE_SIZE:
                cache.clear()
            cache[key] = out
        return out

    return _MARKUP.sub(render, data)


def _render(token: re.Match[str], base: str, xhtml: bool) -> str:
    kind = token.lastgroup
    if kind == "ref":
        return _ref(token.group("ref"))
    if kind == "end":
        tag = token.group("end").lower()
        return "" if tag in _VOID else f"</{tag}>"
    raw_tag, attrs, close = token.group("start", "attrs", "close")
    tag = raw_tag.lower()
    out = _start_tag(tag, attrs, base)
    # feedparser rewrites an attribute-less "<tag/>" to "<tag></tag>" before parsing, and closes
    # "<tag .../>" itself only for XHTML; void elements never get an end tag.
    if close and (xhtml or not attrs) and tag not in _VOID:
        out += f"</{tag}>"
    return out


def _ref(ref: str) -> str:
    if ref[0] == "#":
        low = ref[1:].lower()
        value = int(low[1:], 16) if low[0] == "x" else int(low)
        if value in _cp1252:
            return f"&#{hex(ord(_cp1252[value]))[1:]};"
        return f"&#{low};"
    # an unknown entity loses its ";" in feedparser's output
    return f"&{ref};" if ref in _ENTITIES else f"&amp;{ref}"


def _start_tag(tag: str, attrs: str, base: str) -> str:
    pairs: dict[str, str] = {}
    for match in _ONE_ATTR.finditer(attrs):
        name, dq, sq = match.groups()
        value = dq if dq is not None else sq
        pairs[name.lower()] = name if value is None else value
    text = ""
    for key, value in sorted(pairs.items()):
        if key in ("rel", "type") and value:
            value = value.lower()
        if (tag, key) in _URI_ATTRS:
            value = make_safe_absolute_uri(base, value.strip()) or value
        value = value.replace(">", "&gt;").replace("<", "&lt;").replace('"', "&quot;")
        if "&" in value:
            value = _BaseHTMLProcessor.bare_ampersand.sub("&amp;", value)
        text += f' {key}="{value}"'
    return f"<{tag}{text} />" if tag in _VOID else f"<{tag}{text}>"
