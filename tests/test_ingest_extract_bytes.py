"""Parsing a fetched page from its own bytes (``ingest.clean_text.decode_page``).

A worker decodes the page and the extractor used to encode that text back to UTF-8 to parse it.
When the fetched bytes already are that encoding they are handed down instead
(``page_bytes=``). They are only ever given when they are exactly the encoded text, and the
extraction is the same with or without them.
"""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ingest.extract as extract_mod
import ingest.process as process_mod
from config.settings import SourceSettings
from ingest.clean import decode_html
from ingest.clean_text import decode_page
from ingest.extract import extract_article
from ingest.process import process_entry
from ingest.types import Fetched, RawEntry
from ingest.workers import process_item

URL = "https://wire.example/world/story.html"
STORY = (
    "<html><head><title>Quake</title></head><body><article><h1>Quake</h1>"
    + "".join(f"<p>Paragraph {i}: rescuers dug through the rubble “all night” — café é.</p>"
              for i in range(8))
    + "</article></body></html>"
)  # fmt: skip
ASCII_STORY = STORY.replace("“", '"').replace("”", '"').replace("—", "-").replace("é", "e")


def _is_encoding_of_decoded(body: bytes, content_type: str | None) -> None:
    """The invariant: ``decode_page`` gives ``body`` only when it is the decoded text's UTF-8,
    and its text is ``decode_html``'s."""
    html, got = decode_page(body, content_type)
    assert html == decode_html(body, content_type)
    assert got is None or got == html.encode("utf-8")


@pytest.mark.parametrize(
    ("body", "content_type", "usable"),
    [
        (STORY.encode(), "text/html; charset=utf-8", True),
        (STORY.encode(), "text/html; charset=UTF8", True),
        (STORY.encode(), None, True),
        (ASCII_STORY.encode(), "text/html", True),
        (STORY.encode(), "text/html; charset=nonsense", True),  # unknown label: UTF-8
        (b'<meta charset="utf-16">' + STORY.encode(), None, True),  # decode_html: UTF-8
        (b'<meta charset="utf-8">' + STORY.encode(), "text/html", True),
        (b"a\x01b " + STORY.encode(), None, True),  # control bytes: _parse still scrubs them
        (codecs.BOM_UTF8 + STORY.encode(), None, False),
        (codecs.BOM_UTF16_LE + STORY.encode("utf-16-le"), None, False),
        (STORY.encode("cp1252", "replace"), None, False),  # not UTF-8: windows-1252 fallback
        (STORY.encode("cp1252", "replace"), "text/html; charset=utf-8", False),
        (ASCII_STORY.encode(), "text/html; charset=iso-8859-1", False),
        (ASCII_STORY.encode(), "text/html; charset=utf-16", False),
        (b'<meta charset="windows-1252">' + STORY.encode(), None, False),
        (STORY.encode("utf-16-le"), "text/html; charset=utf-16-le", False),
        (b"", None, False),
    ],
)
def test_the_bytes_come_back_only_when_they_are_the_text(
    body: bytes, content_type: str | None, usable: bool
) -> None:
    _is_encoding_of_decoded(body, content_type)
    got = decode_page(body, content_type)[1]
    assert (got is body) if usable else (got is None)


_PIECES = st.one_of(
    st.sampled_from(
        [
            codecs.BOM_UTF8,
            codecs.BOM_UTF16_LE,
            codecs.BOM_UTF16_BE,
            b'<meta charset="utf-16">',
            b'<meta charset="utf-8">',
            b"<meta charset=iso-8859-1>",
            b'<meta http-equiv="content-type" content="text/html; charset=shift_jis">',
            b"<meta charset=cp500>",
            b"<p>",
            b"\x00",
            b"\xc3",
            b"\xa9",
        ]
    ),
    st.text(max_size=8).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.text(alphabet=st.characters(max_codepoint=255), max_size=8).map(
        lambda t: t.encode("latin-1")
    ),
    st.binary(max_size=6),
)
_TYPES = st.sampled_from(
    [None, "text/html", "text/html; charset=utf-8", "text/html; charset=latin-1",
     "text/html; charset=utf-16", "text/html;charset='cp500'", "text/html; charset=bogus"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=10).map(b"".join), _TYPES)
def test_decode_page_never_gives_other_bytes(body: bytes, content_type: str | None) -> None:
    _is_encoding_of_decoded(body, content_type)


@pytest.mark.parametrize(
    "html",
    [
        STORY,
        ASCII_STORY,
        "a\x01b\x1f" + STORY,  # control characters: parsed from the scrubbed text
        "<?xml version='1.0' encoding='utf-8'?>\n" + STORY,
        "  \n<?xml version='1.0'?>" + STORY,
        "\u00a0<?xml version='1.0'?>" + STORY,
        " \n\t ",
        "",
    ],
)
def test_extraction_is_the_same_with_the_bytes(html: str) -> None:
    expected = extract_article(html, URL)
    assert extract_article(html, URL, None, frozenset(), page_bytes=html.encode()) == expected


def test_xml_declaration_check_is_the_lstrip_it_replaces() -> None:
    for markup in ("<?xml?>", " \t\n<?xml", "\u3000<?xml", "\x1c<?xml", "x<?xml", " <? xml", ""):
        expected = markup.lstrip().startswith("<?xml")
        assert bool(extract_mod._XML_DECL.match(markup)) is expected


def _kwargs() -> dict[str, object]:
    source = SourceSettings(name="wire", url="https://wire.example/rss.xml")
    return {"source": source, "sections": (), "max_sections": 3}


@pytest.mark.parametrize(
    ("body", "content_type", "fast"),
    [
        (STORY.encode(), "text/html; charset=utf-8", True),
        (STORY.encode("cp1252", "replace"), "text/html", False),
    ],
)
def test_process_item_hands_the_fetched_bytes_down(
    monkeypatch: pytest.MonkeyPatch, body: bytes, content_type: str, fast: bool
) -> None:
    seen: list[bytes | None] = []
    real = extract_mod.extract_article

    def spy(*args: object, page_bytes: bytes | None = None, **kw: object) -> object:
        seen.append(page_bytes)
        return real(*args, page_bytes=page_bytes, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(process_mod, "extract_article", spy)
    entry = RawEntry(guid="g1", link=URL, title="Quake", summary_html="Short.")
    page = Fetched(URL, URL, 200, body, content_type=content_type)
    done = process_item(entry, _kwargs(), page)
    assert seen == [body if fast else None]
    monkeypatch.setattr(process_mod, "extract_article", real)
    plain = process_entry(
        entry,
        **_kwargs(),  # type: ignore[arg-type]
        page_html=decode_html(body, content_type),
        page_url=URL,
        page_blob=done.page[0] if done.page else None,
    )
    assert done.draft == plain
    assert len(done.draft.body.text) > 200
