"""Fast path of the feed parsing stage: ordinary RSS 2.0 and Atom 1.0 read with lxml.

What it does: ``read_fast(body, url, content_type)`` returns ``(version, feed, entries)`` shaped
like the feedparser result ``ingest.parse`` reads (plain dicts with feedparser's keys: ``title`` /
``title_detail``, ``links``, ``id``, ``summary``, ``content``, ``published_parsed``, ``authors``,
``tags``, ``rights``...), so both paths share the same normalisation code. It reproduces, for the
elements it knows, what feedparser 6.0 does with ``sanitize_html=False, resolve_relative_uris=True``
in its strict (expat) mode: the same charset decoding (feedparser's own ``convert_to_utf8``), date
parser, ``xml:base`` tracking, URI joining, HTML guessing for RSS text, its UTF-8-read-as-Latin-1
and cp1252 repairs, author/e-mail splitting, category and link bookkeeping, and relative-URI
resolution inside HTML (``ingest.parse_html``). lxml never loads a DTD, never resolves entities,
never touches the network and refuses huge trees.

What it deliberately does not do: anything unusual. It returns None, and the caller falls back to
feedparser, for: a DOCTYPE, a charset feedparser cannot settle, XML that lxml reports any error
or warning for, a root other than ``<rss version="2.x">`` or Atom 1.0 ``<feed>``, a namespace
feedparser does not know, an element with a feedparser handler this module does not emulate
(RSS 1.0, ``source``, ``contributor``, ``media:group``...), elements inside text (Atom XHTML
content), base64 or ``src`` content, a second description, or an empty result.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any

from feedparser.datetimes import _parse_date
from feedparser.encodings import convert_to_utf8
from feedparser.html import _cp1252
from feedparser.mixin import _FeedParserMixin
from feedparser.urls import _urljoin, make_safe_absolute_uri
from lxml import etree

from ingest.parse_fpdict import add_tag, enforce_href, save_author, sync_author_detail
from ingest.parse_html import resolve_html

_ATOM = "http://www.w3.org/2005/Atom"
_NS = {k.lower(): v for k, v in _FeedParserMixin.namespaces.items()}
_CANONICAL = set(_NS.values())
_DOCTYPE = re.compile(rb"<!doctype", re.IGNORECASE)
_XMLNS = re.compile(rb"""xmlns(?::([\w.-]+))?\s*=\s*["']([^"']*)["']""")
_VERSION_NS = ("http://purl.org/rss/1.0/", "http://my.netscape.com/rdf/simple/0.9/")
_RELATIVE = _FeedParserMixin.can_be_relative_uri
_HTMLISH = _FeedParserMixin.can_contain_relative_uris
_HTML_TYPES = _FeedParserMixin.html_types
_KNOWN_TYPES = {"text/plain", "text/html", "application/xhtml+xml"}
_READ_KEYS = {"id", "link", "links", "title", "title_detail", "summary", "summary_detail",
              "content", "published_parsed", "updated_parsed", "authors", "author_detail",
              "tags", "rights", "rights_detail", "ttl", "guidislink", "author"}  # fmt: skip
_C1 = re.compile("[\x80-\x9f]")
_ENTITYISH = re.compile("&([A-Za-z0-9_]+);")
_PLAIN, _HTML = "text/plain", "text/html"
_TEXT = {"title": _PLAIN, "dc_title": _PLAIN, "rights": _PLAIN, "copyright": _PLAIN,
         "dc_rights": _PLAIN, "subtitle": _PLAIN, "tagline": _PLAIN, "description": _HTML,
         "dc_description": _HTML, "summary": _PLAIN, "content_encoded": _HTML,
         "content": _PLAIN}  # fmt: skip
_STORE_AS = {"dc_title": "title", "copyright": "rights", "dc_rights": "rights",
             "tagline": "subtitle", "dc_description": "description",
             "content_encoded": "content"}  # fmt: skip
_PUBLISHED = {"published", "pubdate", "issued", "dcterms_issued"}
_UPDATED = {"updated", "modified", "lastbuilddate", "dc_date", "dcterms_modified"}
_AUTHOR = {"author", "dc_creator", "dc_author", "managingeditor"}
_CATEGORY = {"category", "dc_subject", "keywords"}
# Handled elements whose effects never reach a field ``ingest.parse`` reads (text only).
_IGNORED = {"language", "dc_language", "generator", "webmaster", "dc_publisher", "created",
            "dcterms_created", "expirationdate", "icon", "logo", "media_content", "cloud",
            "media_thumbnail", "info"}  # fmt: skip


class Unsupported(Exception):
    """Raised inside the walker: this document is for feedparser."""


def read_fast(
    body: bytes, url: str, content_type: str | None
) -> tuple[str, dict[str, Any], list[dict[str, Any]]] | None:
    """The feedparser-shaped reading of ``body``, or None when feedparser must read it."""
    if not url or _DOCTYPE.search(body):
        return None
    headers = {"content-location": url, "content-type": content_type or "application/xml"}
    result: dict[str, Any] = {}
    try:
        data = convert_to_utf8(headers, body, result)
    except Exception:
        return None
    if not result.get("encoding") or not _namespaces_ok(data):
        return None
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
        remove_comments=True, remove_pis=True,
    )  # fmt: skip
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError):
        return None
    if len(parser.error_log):
        return None
    try:
        return _Walker(url).run(root)
    except Unsupported:
        return None


def _namespaces_ok(data: bytes) -> bool:
    for prefix, uri in _XMLNS.findall(data):
        low = uri.decode("utf-8", "replace").lower()
        if "backend.userland.com/rss" in low or low in _VERSION_NS:
            return False
        canonical = _NS.get(low)
        if canonical is None:
            return False
        name = prefix.decode()
        if name and name != canonical and name in _CANONICAL:
            return False
    return True


def _key(el: Any) -> str:
    """feedparser's name for an element: ``prefix_local`` (known prefix) or ``local``."""
    tag = el.tag
    if not isinstance(tag, str):
        raise Unsupported("entity or other node")
    if tag[0] == "{":
        ns, local = tag[1:].split("}", 1)
        prefix = _NS.get(ns.lower())
        if prefix is None:
            raise Unsupported(ns)
        return f"{prefix}_{local.lower()}" if prefix else local.lower()
    return tag.lower()


def _attrs(el: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in el.attrib.items():
        if name[0] == "{":
            ns, local = name[1:].split("}", 1)
            prefix = _NS.get(ns.lower())
            name = f"{prefix}:{local}" if prefix else local
        key = name.lower()
        out[key] = value.lower() if key in ("rel", "type") else value
    return out


def _repair(text: str) -> str:
    """feedparser's repairs of every text value: UTF-8 read as Latin-1, then cp1252 code points."""
    if text.isascii():
        return text
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        text = text.encode("iso-8859-1").decode("utf-8")
    return text.translate(_cp1252) if _C1.search(text) else text


def _map_type(value: str) -> str:
    value = value.lower()
    return {"text": "text/plain", "plain": "text/plain", "html": "text/html",
            "xhtml": "application/xhtml+xml"}.get(value, value)  # fmt: skip


class _Walker:
    def __init__(self, url: str) -> None:
        self.url = url
        self.version = ""
        self.title_depth = -1
        self.feed: dict[str, Any] = {}
        self.entries: list[dict[str, Any]] = []
        self.guidislink = False
        self.has_content = False

    def run(self, root: Any) -> tuple[str, dict[str, Any], list[dict[str, Any]]] | None:
        base = self._base(make_safe_absolute_uri("", self.url) or self.url, root)
        key = _key(root)
        if root.tag == "rss" and root.get("version").startswith("2."):
            self.version = "rss20"
            channels = [c for c in root if _key(c) == "channel"]
            if len(channels) != 1 or len(root) != 1 or (root.text and root.text.strip()):
                raise Unsupported("rss layout")
            channel = channels[0]
            self._container(channel, self._base(base, channel), 2, self.feed, entry=False)
        elif root.tag == f"{{{_ATOM}}}feed":
            self.version = "atom10"
            self._container(root, base, 1, self.feed, entry=False)
        else:
            raise Unsupported(key)
        if not self.entries:
            return None
        return self.version, self.feed, self.entries

    @staticmethod
    def _base(parent: str, el: Any) -> str:
        attrs = el.attrib
        if not attrs:
            return _same_base(parent)
        a = _attrs(el)
        given = a.get("xml:base", a.get("base")) or parent
        if parent:
            return make_safe_absolute_uri(parent, given) or parent
        return _urljoin(parent, given)

    def _container(
        self, el: Any, base: str, depth: int, ctx: dict[str, Any], *, entry: bool
    ) -> None:
        for child in el:
            key = _key(child)
            if key in ("item", "entry") and not entry:
                self._entry(child, self._base(base, child), depth + 1)
            else:
                self._child(child, key, self._base(base, child), depth + 1, ctx, entry)

    def _entry(self, el: Any, base: str, depth: int) -> None:
        a = _attrs(el)
        if "rdf:about" in a or "lastmod" in a or "href" in a:
            raise Unsupported("item attributes")
        ctx: dict[str, Any] = {}
        self.entries.append(ctx)
        self.guidislink = False
        self.title_depth = -1
        self._container(el, base, depth, ctx, entry=True)
        self.has_content = False

    def _child(
        self, el: Any, key: str, base: str, depth: int, ctx: dict[str, Any], entry: bool
    ) -> None:
        if key in _TEXT:
            self._text_construct(el, key, base, depth, ctx, entry)
        elif key == "link":
            self._link(el, base, ctx, entry)
        elif key in ("id", "guid"):
            self._no_children(el)
            self.guidislink = _attrs(el).get("ispermalink", "true") == "true"
            value = self._pop(el, "id", base)
            ctx["id"] = value
            ctx.setdefault("guidislink", self.guidislink and "link" not in ctx)
            if self.guidislink:
                ctx.setdefault("link", value)
        elif key in _PUBLISHED or key in _UPDATED:
            self._no_children(el)
            name = "published" if key in _PUBLISHED else "updated"
            value = self._pop(el, name, base)
            ctx[name] = value
            ctx[f"{name}_parsed"] = _parse_date(value)
        elif key in _AUTHOR:
            self._author(el, base, ctx)
        elif key in _CATEGORY:
            self._category(el, base, ctx)
        elif key == "enclosure":
            self._no_children(el)
            a = enforce_href(_attrs(el))
            a["rel"] = "enclosure"
            ctx.setdefault("links", []).append(a)
        elif key in _IGNORED or (key in ("description", "subtitle") and not entry):
            self._no_children(el)
        elif key == "image" and not entry:
            self._image(el, depth)
        else:
            self._inert(el, key)
            if key in _READ_KEYS or key.startswith("sy_"):
                if len(el) or el.attrib:
                    raise Unsupported(key)
                ctx[key] = self._pop(el, key, base)

    def _text_construct(
        self, el: Any, key: str, base: str, depth: int, ctx: dict[str, Any], entry: bool
    ) -> None:
        self._no_children(el)
        a = _attrs(el)
        if "mode" in a or "src" in a:
            raise Unsupported("base64 or src content")
        name = _STORE_AS.get(key, key)
        if name in ("description", "summary") and "summary" in ctx and not self.has_content:
            raise Unsupported("second summary")
        if not entry and name in ("content", "summary"):
            raise Unsupported("feed-level content")
        if not entry and name in ("description", "subtitle"):
            return  # the feed's subtitle is never read
        if name == "content":
            self.has_content = True
        ctype = _map_type(a.get("type", _TEXT[key]))
        if ctype not in _KNOWN_TYPES or ctype == "application/xhtml+xml":
            raise Unsupported(f"content type {ctype}")
        value, ctype = self._pop_typed(el, name, base, ctype)
        if name == "content":
            ctx.setdefault("content", []).append({"type": ctype, "value": value})
            if ctype in {"text/plain"} | _HTML_TYPES:
                ctx.setdefault("summary", value)
            return
        if name == "title":
            stored = not (-1 < self.title_depth <= depth)
            if value:
                self.title_depth = depth
            if not stored:
                return
        if name == "description":
            name = "summary"
        ctx[name] = value
        ctx[f"{name}_detail"] = {"type": ctype}

    def _pop_typed(self, el: Any, name: str, base: str, ctype: str) -> tuple[str, str]:
        output = _own_text(el).strip()
        rss = not self.version.startswith("atom")
        if rss and ctype == "text/plain" and _FeedParserMixin.looks_like_html(output):
            ctype = "text/html"
        if ctype in _HTML_TYPES and name in _HTMLISH:
            output = resolve_html(output, base, ctype)
        return _repair(output), ctype

    def _pop(self, el: Any, name: str, base: str) -> str:
        output = _own_text(el).strip()
        if name in _RELATIVE and output and (name != "id" or self.guidislink):
            output = _urljoin(base, output)
        return _repair(output)

    def _link(self, el: Any, base: str, ctx: dict[str, Any], entry: bool) -> None:
        self._no_children(el)
        a = _attrs(el)
        a.setdefault("rel", "alternate")
        a.setdefault("type", "application/atom+xml" if a["rel"] == "self" else "text/html")
        a = enforce_href(a)
        if "href" in a:
            a["href"] = _urljoin(base, a["href"])
        links = ctx.setdefault("links", [])
        links.append(a)
        if "href" in a:
            if a.get("rel") == "alternate" and _map_type(a.get("type") or "") in _HTML_TYPES:
                ctx["link"] = a["href"]
            return
        output = self._pop(el, "link", base)
        if entry:
            output = _ENTITYISH.sub(r"&\g<1>", output.replace("&amp;", "&"))
            ctx["link"] = output
            if output:
                links[-1]["href"] = output
        else:
            ctx["link"] = output
            output = _ENTITYISH.sub(r"&\g<1>", output)
            ctx["link"] = output
            links[-1]["href"] = output

    def _author(self, el: Any, base: str, ctx: dict[str, Any]) -> None:
        ctx.setdefault("authors", []).append({})
        for child in el:
            key = _key(child)
            self._no_children(child)
            if key in ("name", "email"):
                save_author(ctx, key, _own_text(child).strip())
            elif key in ("uri", "url", "homepage"):
                save_author(ctx, "href", self._pop(child, "href", self._base(base, child)))
            else:
                raise Unsupported(f"author child {key}")
        ctx["author"] = self._pop(el, "author", base)
        sync_author_detail(ctx)

    def _category(self, el: Any, base: str, ctx: dict[str, Any]) -> None:
        self._no_children(el)
        a = _attrs(el)
        add_tag(ctx, a.get("term"), a.get("scheme", a.get("domain")), a.get("label"))
        value = self._pop(el, "category", base)
        if not value:
            return
        tags = ctx["tags"]
        if value and len(tags) and not tags[-1]["term"]:
            tags[-1]["term"] = value
        else:
            add_tag(ctx, value, None, None)

    def _image(self, el: Any, depth: int) -> None:
        self.title_depth = -1
        for child in el:
            key = _key(child)
            self._no_children(child)
            if key == "title":
                if _repair(_own_text(child).strip()):
                    self.title_depth = depth + 1
            elif key not in ("url", "link", "width", "height", "description"):
                raise Unsupported(f"image child {key}")

    @staticmethod
    def _no_children(el: Any) -> None:
        if len(el):
            raise Unsupported("element inside a text element")

    @staticmethod
    def _inert(el: Any, key: str) -> None:
        """Elements feedparser has no handler for only store their text under their own name."""
        for node in el.iter():
            name = key if node is el else _key(node)
            if hasattr(_FeedParserMixin, f"_start_{name}") or hasattr(
                _FeedParserMixin, f"_end_{name}"
            ):
                raise Unsupported(f"handler for {name}")


def _own_text(el: Any) -> str:
    """The element's own character data (what feedparser collects between its children)."""
    if not len(el):
        return el.text or ""
    return (el.text or "") + "".join(child.tail or "" for child in el)


_BASES: dict[str, str] = {}


def _same_base(parent: str) -> str:
    """What feedparser's base becomes on an element without base attributes."""
    known = _BASES.get(parent)
    if known is None:
        known = make_safe_absolute_uri(parent, parent) or parent if parent else parent
        if len(_BASES) < 4096:
            _BASES[parent] = known
    return known
