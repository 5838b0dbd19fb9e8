"""Story list items built in Python are byte-identical to the Jinja macro they replaced."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import jinja2
from hypothesis import given
from hypothesis import settings as settings_h
from hypothesis import strategies as st

from publish import meta, render
from publish.fragments import ItemCache
from publish.listings import Section
from store.types import StoredStory

# The story_item macro as it was in templates/_macros.html before it moved to fragments.py.
OLD_MACRO = """{% macro story_item(s, level=3, summary=true, lead=false) -%}
<li class="item{% if lead %} item-lead{% endif %}">
  <h{{ level }} class="item-title"><a href="{{ links.story(s) }}">{{ s.title }}</a></h{{ level }}>
  <p class="item-meta"><time datetime="{{ iso(s.date) }}">{{ short_date(s.date) }}</time>\
{% set c = credit(s) %}{% if c %} <span class="item-credit">{{ c }}</span>{% endif %}</p>
  {% if summary %}<p class="item-summary">{{ describe(s) }}</p>{% endif %}
</li>
{%- endmacro %}
{{ story_item(s, level, summary, lead) }}"""

WHEN = datetime(2024, 4, 17, 9, 5, tzinfo=UTC)
SEC = Section("World", "world")


def story(**changes: object) -> StoredStory:
    base = StoredStory(
        id=7,
        source="wire",
        guid="g",
        url="https://wire.example/a",
        canonical_url=None,
        title='Rates & "bonds" <fall>',
        slug="rates",
        published=WHEN,
        first_seen=WHEN,
        updated=WHEN,
        agency="Reuters",
        dateline=None,
        byline="Jane <Doe>",
        credit_line=None,
        sections=("World",),
        body_text="Body text & more.",
        body_html="<p>b</p>",
        summary="It's <cheap> & quick",
        also_at=(),
        lead_image=None,
        rights=None,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def old_item(links: render.Links, s: StoredStory, level: int, summary: bool, lead: bool) -> str:
    env = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(
        iso=meta.iso, short_date=meta.short_date, credit=meta.credit_text, describe=meta.describe
    )
    template = env.from_string(OLD_MACRO)
    return template.render(links=links, s=s, level=level, summary=summary, lead=lead)


def site(s: StoredStory, path: str = "2024/04/17/rates/index.html") -> render.Site:
    return render.Site("S", "https://n.example/?a=1&b=2/", (SEC,), {s.id: path}, {s.id: (SEC,)})


@settings_h(max_examples=60, deadline=None)
@given(
    title=st.text(min_size=1, max_size=40),
    byline=st.none() | st.text(max_size=20),
    agency=st.none() | st.text(max_size=20),
    level=st.sampled_from([2, 3]),
    summary=st.booleans(),
    lead=st.booleans(),
    here=st.sampled_from(["index.html", "section/world/index.html", "2024/04/18/y/index.html"]),
)
def test_item_matches_the_old_macro(
    title: str,
    byline: str | None,
    agency: str | None,
    level: int,
    summary: bool,
    lead: bool,
    here: str,
) -> None:
    s = story(title=title, byline=byline, agency=agency)
    links = render.Links(site(s), here)
    new = render.story_item(links, s, level, summary, lead)
    assert str(new) == old_item(links, s, level, summary, lead)


def test_absolute_links_are_escaped_like_the_template_did() -> None:
    s = story()
    links = render.Links(site(s, "a&b/index.html"), "404.html", base="https://n.example/?x=1&y=2/")
    new = str(render.story_item(links, s, 3, False, False))
    assert 'href="https://n.example/?x=1&amp;y=2/a&amp;b/index.html"' in new
    assert new == old_item(links, s, 3, False, False)


def test_items_joins_items_without_separator() -> None:
    a, b = story(), story(id=8, title="Other")
    sec_site = render.Site(
        "S", "https://n.example/", (SEC,), {7: "x/index.html", 8: "y/index.html"}, {}
    )
    links = render.Links(sec_site, "z/w/index.html")
    joined = render.story_items(links, [a, b], 3, summary=False)
    assert str(joined) == old_item(links, a, 3, False, False) + old_item(links, b, 3, False, False)


def test_cache_follows_the_story_object_not_its_id() -> None:
    cache = ItemCache()
    first = cache.item(story(), "x/", summary=False)
    changed = cache.item(story(title="New title"), "x/", summary=False)  # same id, new object
    assert "Rates &amp; &#34;bonds&#34; &lt;fall&gt;" in first
    assert "New title" in changed and "Rates" not in changed
