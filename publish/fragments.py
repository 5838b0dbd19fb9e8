"""Story list items (the ``<li class="item">`` of listings and story asides) as HTML fragments.

A story is listed on many pages (up to ten story pages show it as related or recent, plus its
section pages), so its escaped title, dates and credit are built once per story and kept in an
``ItemCache``; each page adds only its own link to the story. This is the hot inner loop of a
full publish, done in Python rather than as a Jinja macro; the page skeletons stay templates.

Escaping is markupsafe's (the same as the templates' autoescape): every story field and every
link is escaped exactly once, and the result is ``Markup`` for the templates to insert as is.

Nothing here decides which stories are listed (``listings``) or where a link points (``render``
gives the link prefix and ``paths`` the story's path).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from publish import meta

if TYPE_CHECKING:
    from store.types import StoredStory


class _Parts:
    """One story's escaped pieces: title, the item's meta paragraph, summary (made on demand)."""

    __slots__ = ("_summary", "meta", "story", "title")

    def __init__(self, story: StoredStory) -> None:
        self.story = story  # held so that the cache key (the object's id) is never reused
        self.title = str(escape(story.title))
        credit = meta.credit_text(story)
        credit_html = f' <span class="item-credit">{escape(credit)}</span>' if credit else ""
        date = story.date
        self.meta = (
            f'<time datetime="{escape(meta.iso(date))}">{escape(meta.short_date(date))}</time>'
            + credit_html
        )
        self._summary: str | None = None

    @property
    def summary(self) -> str:
        if self._summary is None:
            self._summary = str(escape(meta.describe(self.story)))
        return self._summary


class ItemCache:
    """Escaped parts of each story listed, keyed by the story object, and escaped paths.

    Meant to live as long as one site build (``render.Site`` holds one): stories are frozen.
    """

    __slots__ = ("_parts", "_paths")

    def __init__(self) -> None:
        self._parts: dict[int, _Parts] = {}
        self._paths: dict[str, str] = {}

    def __reduce__(self) -> tuple[type[ItemCache], tuple[()]]:
        """A copy sent to another process starts empty (its keys are this process's ids)."""
        return (ItemCache, ())

    def _of(self, story: StoredStory) -> _Parts:
        got = self._parts.get(id(story))
        if got is None or got.story is not story:
            got = self._parts[id(story)] = _Parts(story)
        return got

    def href(self, path: str) -> str:
        """``path`` escaped for an attribute value (cached: every page links to many)."""
        got = self._paths.get(path)
        if got is None:
            got = self._paths[path] = str(escape(path))
        return got

    def item(
        self,
        story: StoredStory,
        href: str,
        level: int = 3,
        *,
        summary: bool = True,
        lead: bool = False,
    ) -> Markup:
        """One ``<li class="item">`` linking to ``href`` (escaped already, see ``href``)."""
        p = self._of(story)
        cls = "item item-lead" if lead else "item"
        tail = f'<p class="item-summary">{p.summary}</p>' if summary else ""
        return Markup(
            f'<li class="{cls}">\n'
            f'  <h{level} class="item-title"><a href="{href}">{p.title}</a></h{level}>\n'
            f'  <p class="item-meta">{p.meta}</p>\n'
            f"{tail}</li>"
        )
