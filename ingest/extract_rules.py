"""Data tables for the generic article extractor: what is chrome, what is body, what ends a story.

Only patterns live here, each commented with the kind of page furniture it catches; the logic
that applies them is in ``ingest.extract_body``. Rules are general (class/id/role vocabulary used
across CMSs), never per-site or per-URL.
"""

from __future__ import annotations

import re


def words(text: str) -> tuple[str, ...]:
    """Split a whitespace-separated word table (keeps long tables compact and commented)."""
    return tuple(text.split())


# Elements removed with their content before scoring: scripts, media players, form controls,
# and the HTML5 landmarks for site navigation/furniture.
DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "canvas",
    "iframe",
    "object",
    "embed",
    "button",
    "input",
    "select",
    "textarea",
    "label",
    "nav",
    "aside",
    "footer",
    "link",
    "meta",
    "title",
    "dialog",
    "audio",
    "video",
    "map",
    "picture",
    "source",
)

# ARIA roles that mark furniture (site nav, masthead, footer, sidebars, modals, search).
CHROME_ROLES = frozenset(
    words(
        "navigation banner contentinfo complementary dialog alertdialog search menu menubar "
        "toolbar tablist alert marquee "
    )
)

# class/id vocabulary of furniture. Matched against the lowercased class + id string; words are
# delimited by start/end, space, '-', '_' or a camelCase hump (handled by splitting first).
CHROME_WORDS = words(
    # sharing and social
    "share sharing shares social sociable addthis sharethis shareaholic "
    "follow followus "
    # lists of other stories
    "related relatedposts recommended recommendations recirc recirculation "
    "more-stories morestories popular most-popular mostpopular trending "
    "outbrain taboola zergnet read-next readnext up-next upnext also-like "
    "you-may-like post-navigation nav-links prev-next previous-post next-post "
    "pagination pager breadcrumb breadcrumbs jp-relatedposts yarpp "
    # newsletters, paywalls, subscriptions, popups
    "newsletter subscribe subscription signup sign-up optin opt-in "
    "mailchimp mc4wp paywall modal popup overlay lightbox inline-cta "
    # comments
    "comment comments commentlist comment-list disqus respond replies "
    "discussion "
    # consent and banners
    "cookie cookies consent gdpr cc-banner notice-bar "
    # ads and sponsors
    "ad ads advert advertisement advertising adsense adslot ad-slot "
    "ad-container ad-wrapper dfp gpt-ad sponsor sponsored promo promotion "
    "native-ad affiliate-disclosure "
    # site furniture
    "nav navbar navigation menu masthead site-header site-footer footer "
    "sidebar widget widgets toolbar skip-link skiplink search searchform "
    "login topbar top-bar "
    # story furniture that is not story text
    "byline author-bio author-box authorbox about-author author-info tags "
    "tag-list taglist post-tags entry-tags categories cat-links tags-links "
    "meta-data post-meta entry-meta article-meta dateline-meta print "
    "screen-reader-text sr-only visually-hidden visuallyhidden hidden hide "
    "caption-credit credit copyright disclaimer toc table-of-contents "
    "rating reactions jump-link flag "
)
_WORD_ALT = "|".join(sorted((re.escape(w) for w in CHROME_WORDS), key=len, reverse=True))
CHROME_RE = re.compile(rf"(?:^|[\s_-])(?:{_WORD_ALT})(?=$|[\s_-]|\d)")

# class/id vocabulary of story bodies (raise a candidate's score, protect from pruning).
BODY_RE = re.compile(
    r"article[-_]?body|articlebody|story[-_]?body|storybody|entry[-_]?content|post[-_]?content"
    r"|post[-_]?body|article[-_]?content|article[-_]?text|story[-_]?content|story[-_]?text"
    r"|content[-_]?body|body[-_]?text|main[-_]?content|article__body|rich[-_]?text|post[-_]?entry"
    r"|single[-_]?post|td-post-content|field-name-body|blog[-_]?post|text[-_]?content"
)
# Every alternative of BODY_RE holds one of these words (a test checks it): a cheap first look.
BODY_WORDS = ("body", "content", "text", "entry", "post")
POSITIVE_RE = re.compile(r"article|body|content|entry|main|post|story|text|blog|hentry|page")
NEGATIVE_RE = re.compile(
    r"comment|share|social|sidebar|widget|footer|related|promo|sponsor|ad-|banner|menu|nav"
    r"|combx|contact|foot|masthead|media|meta|outbrain|shoutbox|skyscraper|tags|tool|popup"
)

# Headings (or short bold lines) that start a block of furniture at the end of a story.
BOILERPLATE_HEADING_RE = re.compile(
    r"^\W*(?:you (?:may|might) (?:also )?(?:like|enjoy|be interested)|also read|read (?:more|next)"
    r"|related(?: (?:articles?|posts?|stories|content|news|coverage|reading|links|videos?))?"
    r"|recent (?:posts|articles|stories|news)|more (?:from|on|stories|news|in|like this|to read)"
    r"|recommended(?: for you)?|popular(?: posts| stories| now)?"
    r"|most (?:popular|read|viewed|shared)"
    r"|trending(?: now| stories)?|newsletter|sign up|subscribe|join (?:our|the)"
    r"|(?:leave a |post a |\d+ )?(?:comments?|reply|responses?)|share (?:this|the)|follow us"
    r"|about the author|tags?|filed under|previous (?:post|article)|next (?:post|article)"
    r"|what to read next|don'?t miss|latest (?:news|posts|stories)|top stories|editor'?s picks?"
    r"|sponsored(?: content| stories)?|advertisement|further reading|see also|in other news)\W*$",
    re.I,
)

# Short lines inside a body that are furniture, whatever their markup.
CHROME_LINE_RE = re.compile(
    r"^\W*(?:advertisement|advertising|sponsored|story continues below(?: advertisement)?"
    r"|continue reading(?: below)?|scroll to continue.*|share(?: this)?(?: article| story)?"
    r"|click to share.*|print|email|tweet|pin it|whatsapp|facebook|twitter|linkedin|reddit"
    r"|previous post|next post|read more|skip to (?:main )?content|loading\.*|close"
    r"|(?:photo|image|video|credit)s?:?.{0,60}(?:getty|reuters|ap photo|shutterstock|afp).{0,40}"
    r"|.{0,80}click(?:ing)? here.{0,40}|like this (?:story|article)\?.{0,60}"
    r"|related:?.{0,120}|(?:read|see) (?:also|more):.{0,160}|subscribe.{0,80})\W*$",
    re.I,
)

# Tags scored as paragraphs when they hold no block inside (their text feeds their ancestors).
SCORED_TAGS = frozenset(
    {"p", "pre", "td", "blockquote", "li", "dd", "div", "section", "article", "center", "font"}
)
# Readability's tag priors for a candidate container.
TAG_PRIOR = {
    "div": 5,
    "article": 8,
    "main": 5,
    "section": 3,
    "pre": 3,
    "td": 3,
    "blockquote": 3,
    "address": -3,
    "ol": -3,
    "ul": -3,
    "dl": -3,
    "dd": -3,
    "dt": -3,
    "li": -3,
    "form": -3,
    "h1": -5,
    "h2": -5,
    "h3": -5,
    "h4": -5,
    "h5": -5,
    "h6": -5,
    "th": -5,
}
