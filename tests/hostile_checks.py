"""Checks shared by the hostile-input tests: is this HTML, feed or output directory executable?

``unsafe_in_html`` lists every construct a browser could run in a piece of HTML (a fragment or a
whole page): script elements other than JSON-LD (and JSON-LD that could close its element),
frames, objects, ``<base>``, ``on*`` attributes, CSS expressions and ``javascript:``/``vbscript:``/
``data:`` URLs (except raster images), checked both on the lxml tree and on the raw markup (a
regex over the tags, so a parser difference cannot hide one). ``unsafe_in_output_dir`` runs it
over every page of a published site and over the HTML carried by its RSS, Atom and JSON feeds.

It is a test helper: it judges output, it does not sanitize anything.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import lxml.html
from lxml import etree

# Characters stored text must never contain: C0 (but tab and newline), DEL and C1, bidi
# embeddings/overrides/isolates.
CONTROL_CHARS = frozenset(
    [chr(c) for c in range(0x20) if c not in (0x09, 0x0A)]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
)
FORBIDDEN_TAGS = frozenset(
    {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal", "noembed"}
)
URL_ATTRS = frozenset(
    {"href", "src", "action", "formaction", "xlink:href", "poster", "data", "background",
     "cite", "srcset", "ping", "lowsrc", "dynsrc", "longdesc", "manifest", "codebase"}
)  # fmt: skip
_SAFE_DATA = re.compile(r"^data:image/(?:png|gif|jpeg|webp);", re.I)
_STRIP = re.compile(r"[\x00-\x20\x7f-\x9f]+")
_TAG = re.compile(r"<[a-zA-Z][^>]*>", re.S)
_HANDLER = re.compile(r"[\s\"'/]on[a-z]+\s*=", re.I)
_JSON_URL_KEYS = frozenset({"url", "external_url", "image", "banner_image", "icon", "favicon"})
_QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")
_RAW_SCRIPT = re.compile(r"<script\b([^>]*)>", re.I)


def bad_url(value: str) -> bool:
    """True for a URL a browser would execute or render as a document."""
    url = _STRIP.sub("", value).lower()
    if url.startswith(("javascript:", "vbscript:", "livescript:")):
        return True
    return url.startswith("data:") and not _SAFE_DATA.match(url)


def _element_problems(el: Any) -> list[str]:
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    tag = tag.rsplit("}", 1)[-1]
    out = []
    if tag == "script":
        if (el.get("type") or "").strip().lower() != "application/ld+json":
            out.append(f"<script> ({(el.text or '')[:40]!r})")
        else:
            body = el.text or ""
            if re.search(r"</script|<!--", body, re.I):
                out.append("JSON-LD that can close its element")
            try:
                json.loads(body)
            except ValueError:
                out.append("JSON-LD that is not JSON")
    if tag in FORBIDDEN_TAGS:
        out.append(f"<{tag}>")
    refresh = tag == "meta" and "refresh" in (el.get("http-equiv") or "").lower()
    if refresh and bad_url((el.get("content") or "").split("=", 1)[-1]):
        out.append("meta refresh to a script URL")
    for name, value in el.attrib.items():
        short = name.rsplit("}", 1)[-1].lower()
        if short.startswith("on"):
            out.append(f"<{tag} {short}=...>")
        if short == "style" and re.search(r"expression\s*\(|javascript:|behavior\s*:", value, re.I):
            out.append(f"<{tag} style={value[:40]!r}>")
        if (short in URL_ATTRS or name.endswith("}href")) and any(
            bad_url(part) for part in (value.split(",") if short == "srcset" else [value])
        ):
            out.append(f"<{tag} {short}={value[:40]!r}>")
    return out


def unsafe_in_html(markup: str) -> list[str]:
    """Every executable construct in ``markup`` (empty list when it is safe)."""
    if not markup or not markup.strip():
        return []
    problems: list[str] = []
    for match in _TAG.finditer(markup):
        tag = match.group(0)
        if _HANDLER.search(_QUOTED.sub('""', tag)):
            problems.append(f"raw handler in {tag[:60]!r}")
    for match in _RAW_SCRIPT.finditer(markup):
        if "application/ld+json" not in match.group(1).lower():
            problems.append(f"raw <script{match.group(1)[:40]}>")
    try:
        doc = lxml.html.document_fromstring(f"<html><body>{markup}</body></html>")
    except (etree.ParserError, ValueError):
        return problems
    for el in doc.iter():
        if isinstance(el.tag, str):
            problems.extend(_element_problems(el))
    return problems


def _xml_problems(path: Path) -> list[str]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    tree = etree.parse(str(path), parser)
    problems: list[str] = []
    if tree.docinfo.internalDTD is not None or b"<!ENTITY" in path.read_bytes():
        problems.append("a DTD in a published feed")
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        local = el.tag.rsplit("}", 1)[-1]
        if local in ("description", "content", "summary", "encoded", "subtitle") and el.text:
            problems.extend(f"{local}: {p}" for p in unsafe_in_html(el.text))
        if local in ("link", "guid", "comments", "id", "uri") and el.text and bad_url(el.text):
            problems.append(f"<{local}> {el.text[:40]!r}")
        for name, value in el.attrib.items():
            if name in ("href", "src", "url", "uri") and bad_url(value):
                problems.append(f"<{local} {name}={value[:40]!r}>")
    return problems


def _json_problems(doc: Any, where: str = "$") -> list[str]:
    problems: list[str] = []
    if isinstance(doc, dict):
        for key, value in doc.items():
            if isinstance(value, str):
                if key.endswith("html"):
                    problems.extend(f"{where}.{key}: {p}" for p in unsafe_in_html(value))
                if key in _JSON_URL_KEYS and bad_url(value):
                    problems.append(f"{where}.{key} = {value[:40]!r}")
            else:
                problems.extend(_json_problems(value, f"{where}.{key}"))
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            problems.extend(_json_problems(value, f"{where}[{i}]"))
    return problems


def unsafe_in_output_dir(root: Path) -> list[str]:
    """Every executable construct in the pages and feeds under ``root``."""
    problems: list[str] = []
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(root).as_posix()
        if path.suffix in (".html", ".htm"):
            problems.extend(f"{rel}: {p}" for p in unsafe_in_html(path.read_text("utf-8")))
        elif path.suffix in (".xml", ".rss", ".atom"):
            problems.extend(f"{rel}: {p}" for p in _xml_problems(path))
        elif path.suffix == ".json":
            problems.extend(f"{rel}: {p}" for p in _json_problems(json.loads(path.read_bytes())))
    return problems
