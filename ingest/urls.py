"""URL normalization: one spelling per page, so that the same story behind different links is one.

``strip_tracking`` removes click-tracking parameters (kept as a commented table below);
``url_key`` reduces a URL to a comparison key (no scheme, no ``www.``/``m.``/``amp.`` host
prefix, no AMP prefix or suffix, no trailing slash, sorted query). ``usable_canonical`` keeps a
page's ``rel=canonical`` only when it can name one story (not a home or section page, which
some sites put on every article and which would merge all their stories into one). Pure
strings: nothing is fetched.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that identify a click, a campaign or a session, never the page itself.
TRACKING_PREFIXES = (
    "utm_",  # Google Analytics campaign tags (utm_source, utm_medium, ...)
    "mtm_",  # Matomo campaign tags
    "pk_",  # Piwik campaign tags
    "hsa_",  # HubSpot ads
    "_hs",  # HubSpot e-mail (_hsenc, _hsmi)
    "oly_",  # Omeda (oly_anon_id, oly_enc_id)
)
TRACKING_PARAMS = frozenset(
    {
        "fbclid",  # Facebook click id
        "gclid",  # Google Ads click id
        "gclsrc",  # Google Ads click source
        "dclid",  # DoubleClick click id
        "gbraid",  # Google Ads (iOS)
        "wbraid",  # Google Ads (web to app)
        "msclkid",  # Microsoft Ads click id
        "yclid",  # Yandex click id
        "twclid",  # X/Twitter click id
        "__twitter_impression",  # X/Twitter embeds
        "igshid",  # Instagram share id
        "mc_cid",  # Mailchimp campaign id
        "mc_eid",  # Mailchimp subscriber id
        "_ga",  # Google Analytics cross-domain linker
        "_gl",  # Google Analytics cross-domain linker
        "mkt_tok",  # Marketo
        "vero_id",  # Vero e-mail
        "vero_conv",  # Vero e-mail
        "wickedid",  # Wicked Reports
        "rb_clickid",  # Rakuten
        "s_cid",  # Adobe campaign id
        "cmpid",  # campaign id
        "ncid",  # Yahoo/AOL campaign id
        "ocid",  # Microsoft campaign id
        "spm",  # Alibaba tracking
        "ref_src",  # referrer source tag
        "smid",  # NYT share medium
        "taid",  # Reuters/Yahoo affiliate id
        "ito",  # BBC internal tracking
        "at_medium",  # BBC/AT Internet
        "at_campaign",  # BBC/AT Internet
        "trk",  # LinkedIn and others
        "trkcampaign",  # campaign tags
        "soc_src",  # social source
        "soc_trk",  # social tracking
        "cid_source",  # campaign source
        "rss_source",  # feed source tag
        "sr_share",  # share tracking
    }
)
# Deliberately absent: generic names such as "ref", "from", "source" or "cid", which some sites
# use to select content (e.g. ?ref=main); stripping them could change the page.

_AMP_PATH = re.compile(r"(/amp/?|\.amp(?:\.html)?|/amp\.html)$", re.I)
_AMP_PREFIX = re.compile(r"^/amp(?=/[^/])", re.I)  # example.com/amp/world/story
_HOST_PREFIXES = ("www.", "m.", "mobile.", "amp.")


def is_tracking(name: str) -> bool:
    lower = name.lower()
    return lower in TRACKING_PARAMS or lower.startswith(TRACKING_PREFIXES)


def strip_tracking(url: str) -> str:
    """``url`` without tracking parameters; other parameters keep their order."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.query:
        return url
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if not is_tracking(k)]
    if len(kept) == len(pairs):
        return url
    return urlunsplit(parts._replace(query=urlencode(kept)))


def url_key(url: str | None) -> str | None:
    """Comparison key: ``https://www.ex.com/a/?utm_source=x`` -> ``ex.com/a``; None if unusable."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower().rstrip(".")
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
            break
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    path = _AMP_PATH.sub("", parts.path or "/") or "/"
    path = _AMP_PREFIX.sub("", path)
    path = re.sub(r"/{2,}", "/", path).rstrip("/") or ""
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not is_tracking(k) and k.lower() not in ("amp", "outputtype")
    )
    key = host + path
    if query:
        key += "?" + urlencode(query)
    return key


def usable_canonical(canonical: str | None, link: str | None) -> str | None:
    """``canonical`` when it can identify one story, else None (then the link is used).

    Rejected: non-http(s) or unparsable URLs, a bare host or home page, and a page whose path is
    a proper prefix of the link's path (``/world`` for ``/world/some-story``: a section page).
    A canonical on another host is kept: a republisher pointing at the wire's original is
    exactly what lets copies on different sites meet.
    """
    key = url_key(canonical)
    if key is None or ("/" not in key and "?" not in key):
        return None
    link_key = url_key(link)
    if link_key and link_key != key and link_key.startswith(key + "/"):
        return None
    return canonical
