"""Near-duplicate fingerprints and text similarity over word shingles of a story body.

``shingles_of(words_of(text))`` reduces a body to the set of 64-bit hashes of its 3-word
shingles, after normalizing the words (case, punctuation, honorifics such as "Mr.", articles,
"percent"/"%") and dropping shingles made only of stopwords (unrelated stories share them).
``fingerprint(text)`` is a one-permutation MinHash of that set: the shingles are split into
``BODY_BANDS`` bins by hash and each bin keeps its smallest member; ``LEAD_BANDS`` more bins do
the same for the lead (first ``LEAD_WORDS`` words), which outlets keep when they cut a story
from the bottom. Two texts share a bin value with probability about their Jaccard similarity, so
a copy that keeps 60 % of a story still shares one of four body values 97 % of the time, which
SimHash (whose bits drift with every cut paragraph) cannot offer. Each value is the key of one
indexed column in the persisted index (``store.fingerprints``): a look-up is ``BANDS`` index
probes, whatever the size of the store.

``similarity(a, b)`` is the confirming score computed on the two texts (Jaccard and containment
of the shingle sets, plus agreement of the numbers they quote). This module does not decide
whether two stories are the same (``ingest.dedupe.same_story`` does, with its guards) and does no
I/O.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from array import array
from collections import OrderedDict
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

SHINGLE_WORDS = 3
BODY_BANDS = 4
LEAD_BANDS = 4
LEAD_WORDS = 60
BANDS = BODY_BANDS + LEAD_BANDS  # one indexed column each in store.fingerprints (migration!)
VALUE_BITS = 31  # stored band values fit a signed 32-bit column on every database
MIN_WORDS = 20  # shorter bodies get no fingerprint: too little text to tell stories apart

_WORD = re.compile(r"\w+", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# Words that never distinguish one copy from another: honorifics that outlets add or drop ("Mr.
# Miller" for "Miller"), articles, and the spellings of percent ("5 percent", "5 per cent", "5%").
_DROP = frozenset({"mr", "mrs", "ms", "dr", "the", "a", "an", "percent", "pct", "per", "cent"})
# Function words: a shingle made only of these ("said on the", "in a statement" without content)
# appears in most stories, so it would only add false candidates.
_STOPWORDS_TEXT = """
    about above after again against all also am and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further
    had has have having he her here hers him his how i if in into is it its itself just me more
    most my no nor not now of off on once only or other our ours out over own said same says she
    should so some such than that their theirs them then there these they this those through to
    too under until up very was we were what when where which while who whom why will with would
    you your told added
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


def words_of(text: str) -> list[str]:
    """The normalized words of ``text``: lower case, ``\\w+`` tokens, noise words dropped."""
    return [w for w in _WORD.findall(text.casefold()) if w not in _DROP]


def _hash64(value: str) -> int:
    """A stable 64-bit hash (stored band values must not change between runs or machines).

    Two CRC-32s with different seeds: C-speed, well mixed enough for shingle sets; a
    cryptographic hash here cost a third of the pipeline's time.
    """
    data = value.encode()
    return (zlib.crc32(data) << 32) | zlib.crc32(data, 0x9E3779B9)


def shingles_of(words: list[str], size: int = SHINGLE_WORDS) -> frozenset[int]:
    """64-bit hashes of the ``size``-word shingles (words from ``words_of``) with a content word."""
    if len(words) < size:
        return frozenset([_hash64(" ".join(words))]) if words else frozenset()
    content = [w not in STOPWORDS for w in words]
    out = set()
    for i in range(len(words) - size + 1):
        if any(content[i : i + size]):
            out.add(_hash64(" ".join(words[i : i + size])))
    return frozenset(out)


def _body_and_lead(words: list[str]) -> tuple[frozenset[int], frozenset[int]]:
    """``shingles_of(words)`` and ``shingles_of(words[:LEAD_WORDS])`` in one pass (the lead's
    shingles are the body's first ones), for the default 3-word shingles."""
    if len(words) < SHINGLE_WORDS:
        return shingles_of(words), shingles_of(words[:LEAD_WORDS])
    crc32 = zlib.crc32
    stop = STOPWORDS
    lead_windows = min(len(words), LEAD_WORDS) - SHINGLE_WORDS + 1
    hashes = []
    for a, b, c in zip(words, words[1:], words[2:], strict=False):
        if a in stop and b in stop and c in stop:
            hashes.append(None)  # only stopwords: no shingle
            continue
        data = f"{a} {b} {c}".encode()
        hashes.append((crc32(data) << 32) | crc32(data, 0x9E3779B9))
    body = frozenset(h for h in hashes if h is not None)
    lead = frozenset(h for h in hashes[:lead_windows] if h is not None)
    return body, lead


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """The band values of a body (``None`` for an empty bin) and its normalized word count."""

    bands: tuple[int | None, ...]
    words: int

    @property
    def usable(self) -> bool:
        return self.words >= MIN_WORDS and any(b is not None for b in self.bands)


def bands_of(shingles: frozenset[int], bands: int) -> tuple[int | None, ...]:
    """One-permutation MinHash: the smallest hash in each of ``bands`` bins, as a 31-bit key.

    The bin is chosen by ``hash % bands`` and the minimum by the whole hash, whose high bits are
    therefore mostly zero; the stored key is taken from the bits just above the bin's, which are
    independent of both, so keys are uniform over 2^31.
    """
    mins: list[int | None] = [None] * bands
    for h in shingles:
        b = h % bands
        current = mins[b]
        if current is None or h < current:
            mins[b] = h
    mask = (1 << VALUE_BITS) - 1
    return tuple(None if m is None else (m // bands) & mask for m in mins)


def fingerprint(text: str) -> Fingerprint:
    """The fingerprint of a story body (plain text, as stored in ``body_text``)."""
    return fingerprint_of(analyse(text))


def fingerprint_of(analysis: Analysis) -> Fingerprint:
    """The fingerprint from a text's analysis (the same shingles ``similarity`` compares)."""
    if analysis.words < MIN_WORDS:
        return Fingerprint(bands=(None,) * BANDS, words=analysis.words)
    body = bands_of(analysis.shingles, BODY_BANDS)
    lead = bands_of(analysis.lead, LEAD_BANDS)
    return Fingerprint(bands=body + lead, words=analysis.words)


@dataclass(frozen=True, slots=True)
class Similarity:
    """How much two bodies share: ``jaccard`` and ``containment`` of their shingle sets (the
    share of the smaller set found in the larger); ``numbers``: the share of the distinct
    numbers quoted by the text quoting fewer that the other quotes too (1.0 when it quotes fewer
    than three: a cut copy keeps a subset of the figures, a template report changes them)."""

    jaccard: float
    containment: float
    numbers: float
    overlap_words: float  # Jaccard of the content-word sets: same subject, even when rewritten
    lead: float  # share of one text's lead shingles found in the other (the larger of the two)


def numbers_of(text: str) -> frozenset[str]:
    return frozenset(n.replace(",", "") for n in _NUMBER.findall(text))


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything ``similarity`` and ``fingerprint`` need of one text. ``content`` holds the
    CRC-32 of each content word (sets of small ints pack and compare cheaper than strings)."""

    words: int
    shingles: frozenset[int]
    lead: frozenset[int]
    numbers: frozenset[str]
    content: frozenset[int]
    # the packed form it was rebuilt from, if any (kept: the caches pack it again otherwise)
    was_packed: tuple[int, bytes, bytes, str, bytes] | None = field(
        default=None, compare=False, repr=False
    )

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickled packed (hashes as arrays): a worker sends one per story, and rebuilding
        sets from arrays is several times cheaper than from pickled items."""
        return _unpack, self.packed()

    def packed(self) -> tuple[int, bytes, bytes, str, bytes]:
        if self.was_packed is not None:
            return self.was_packed
        return (
            self.words,
            array("Q", self.shingles).tobytes(),
            array("Q", self.lead).tobytes(),
            "\n".join(self.numbers),
            array("I", self.content).tobytes(),
        )


def _unpack(words: int, shingles: bytes, lead: bytes, numbers: str, content: bytes) -> Analysis:
    return Analysis(
        words=words,
        shingles=frozenset(array("Q", shingles)),
        lead=frozenset(array("Q", lead)),
        numbers=frozenset(numbers.split("\n")) if numbers else frozenset(),
        content=frozenset(array("I", content)),
        was_packed=(words, shingles, lead, numbers, content),
    )


# Two caches, because near-duplicate candidates recur through a run: the analyses in use
# (ready sets: ~85 KB each) and many more kept packed (~6 KB each, rebuilt in ~20 us instead of
# ~400 us to analyse the text again), keyed by a digest so the texts themselves are not kept.
_RECENT: OrderedDict[str, Analysis] = OrderedDict()
RECENT_TEXTS = 128
_PACKED: OrderedDict[bytes, tuple[int, bytes, bytes, str, bytes]] = OrderedDict()
PACKED_TEXTS = 4096


def analyse(text: str) -> Analysis:
    """The analysis of ``text``, computed once while it is among the recent texts."""
    found = _RECENT.get(text)
    if found is not None:
        _RECENT.move_to_end(text)
        return found
    analysis = _unpack(*_packed(text))
    _keep_ready(text, analysis)
    return analysis


def analysis_of(text: str) -> Analysis:
    """The analysis of ``text``, computed now and kept nowhere (a worker process analyses each
    new story once and sends it on: a cache there would only hold memory)."""
    words = words_of(text)
    shingles, lead = _body_and_lead(words)
    return Analysis(
        words=len(words),
        shingles=shingles,
        lead=lead,
        numbers=numbers_of(text),
        content=frozenset(
            zlib.crc32(w.encode()) for w in words if w not in STOPWORDS and len(w) > 2
        ),
    )


def forget() -> None:
    """Drop every kept analysis (an ingest run is over: its memory goes back, e.g. to publish)."""
    _RECENT.clear()
    _PACKED.clear()


def remember(text: str, analysis: Analysis) -> None:
    """Keep an analysis made elsewhere (a worker process analysed the new story's body)."""
    _keep_packed(_digest(text), analysis)
    _keep_ready(text, analysis)


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def _keep_ready(text: str, analysis: Analysis) -> None:
    _RECENT[text] = analysis
    _RECENT.move_to_end(text)
    while len(_RECENT) > RECENT_TEXTS:
        _RECENT.popitem(last=False)


def _keep_packed(key: bytes, analysis: Analysis) -> None:
    _PACKED[key] = analysis.packed()
    _PACKED.move_to_end(key)
    while len(_PACKED) > PACKED_TEXTS:
        _PACKED.popitem(last=False)


def similarity(a: str, b: str) -> Similarity:
    """The confirming score of two bodies, computed on the texts themselves.

    ``a`` is analysed into sets (the new story: compared with several candidates); ``b`` is
    compared in its packed form when it is not among the ready analyses. The counts are the
    same either way: every lead shingle is also a body shingle, so the lead overlaps are counted
    within the shared body shingles, and no set is built for ``b``'s ~1,000 shingles.
    """
    x = analyse(a)
    y = _RECENT.get(b)
    if y is not None:
        return _score(x, len(y.shingles), x.shingles & y.shingles, y.lead, y.numbers, y.content)
    _words, shingles, lead, numbers, content = _packed(b)
    return _score(
        x,
        len(shingles) // 8,
        x.shingles.intersection(array("Q", shingles)),
        array("Q", lead),
        frozenset(numbers.split("\n")) if numbers else frozenset(),
        array("I", content),
    )


def _score(
    x: Analysis,
    count_b: int,
    common: set[int] | frozenset[int],
    lead_b: Collection[int],
    numbers_b: frozenset[str],
    content_b: Collection[int],
) -> Similarity:
    """``similarity`` from ``x``'s sets, the other text's shingle count, the shingles both hold,
    and the other text's lead shingles, numbers and content words (sets or packed arrays)."""
    count_a = len(x.shingles)
    if not count_a or not count_b:
        return Similarity(0.0, 0.0, 0.0, 0.0, 0.0)
    shared = len(common)
    jaccard = shared / (count_a + count_b - shared)  # |a | b| without building the union
    containment = shared / min(count_a, count_b)
    fewer = min(len(x.numbers), len(numbers_b))
    numbers = 1.0 if fewer < 3 else len(x.numbers & numbers_b) / fewer
    shared_words = len(x.content.intersection(content_b))
    words_b = len(content_b)
    union = len(x.content) + words_b - shared_words
    overlap = shared_words / union if x.content and words_b else 0.0
    lead_a = len(x.lead & common) / len(x.lead) if x.lead else 0.0
    lead_b_shared = len(common.intersection(lead_b)) / len(lead_b) if len(lead_b) else 0.0
    return Similarity(jaccard, containment, numbers, overlap, max(lead_a, lead_b_shared))


def _packed(text: str) -> tuple[int, bytes, bytes, str, bytes]:
    """The packed analysis of ``text`` (from the packed cache, or computed and kept there)."""
    key = _digest(text)
    packed = _PACKED.get(key)
    if packed is not None:
        _PACKED.move_to_end(key)
        return packed
    analysis = analysis_of(text)
    _keep_packed(key, analysis)
    return _PACKED[key]


def word_count(text: str) -> int:
    """The number of normalized words of ``text`` (cached with the rest of its analysis)."""
    ready = _RECENT.get(text)
    return ready.words if ready is not None else _packed(text)[0]
