"""The edits outlets make to wire copy, as deterministic functions of a seeded ``random.Random``.

Used by ``bench/make_dedupe_pairs.py`` to turn hand-written base stories into labelled copies:
``light_edit`` (honorifics, reworded headline, an added sentence, typography, spelling, a
credit trailer, a dropped last paragraph, a lost agency or dateline), ``heavy_rewrite`` (cut to
about half, words replaced, outlet paragraphs added, paragraphs merged), ``correct`` (one fact
changed plus a correction note) and ``template_reports`` (daily market reports written from one
template: near-identical text, different stories). It reads and writes no files.
"""

from __future__ import annotations

import random
import re

OUTLET_SENTENCES = (
    "The ministry did not immediately respond to a request for comment.",
    "The company declined to comment further when contacted by this newspaper.",
    "Officials were expected to give more details later in the day.",
    "It was not immediately clear how many people had been affected.",
    "Local media carried live coverage of the events throughout the morning.",
    "The announcement was widely shared on social media within minutes.",
)
OUTLET_PARAGRAPHS = (
    "Readers in our region may be affected as well: local businesses with suppliers in the "
    "area told us they were watching developments closely and had no plans to change orders.",
    "Our correspondent reports that the mood among residents was tense but calm, with many "
    "saying they had expected something like this to happen for a long time.",
    "This newspaper has covered the issue extensively over the past year; our earlier reports "
    "explained how the situation developed and what the main parties have said about it.",
    "Analysts contacted by our business desk were divided on the longer-term consequences, "
    "with some saying the market had overreacted and others warning of further turbulence.",
)
TRAILERS = (
    "(Reporting by Staff; Editing by Desk Editor)",
    "Copyright 2026. All rights reserved.",
    "(Additional reporting by our correspondents; writing by the news desk)",
)
SYNONYMS = {
    "said": "stated",
    "says": "states",
    "told": "informed",
    "about": "around",
    "more than": "over",
    "on Tuesday": "this week",
    "on Wednesday": "this week",
    "on Thursday": "this week",
    "on Friday": "this week",
    "expected": "anticipated",
    "began": "started",
    "biggest": "largest",
    "help": "assist",
    "because of": "due to",
    "several": "a number of",
    "company": "firm",
    "government": "authorities",
    "officials": "authorities",
    "however": "but",
    "rose": "climbed",
    "fell": "dropped",
}
SPELLINGS = (
    (r"(\d) ?%", r"\1 percent"),
    (r"(\d) percent", r"\1%"),
    (r"\bcenter\b", "centre"),
    (r"\bdefense\b", "defence"),
    (r"\bkilometers\b", "km"),
    (r"\borganization\b", "organisation"),
    (r"\bmillion\b", "mln"),
    (r"\bU\.S\.", "US"),
)


def _paras(body: str) -> list[str]:
    return [p for p in body.split("\n\n") if p.strip()]


def _honorific(body: str, surname: str, rng: random.Random) -> str:
    """ "Mr. Miller" for "Miller", except right after the first name ("Kari Halvorsen")."""
    if not surname:
        return body
    title = rng.choice(("Mr.", "Ms.", "Dr."))

    def sub(m: re.Match[str]) -> str:
        before = body[: m.start()].split()
        after = body[m.end() :].split()
        first_name = before and before[-1][:1].isupper() and before[-1].isalpha()
        company = after and after[0][:1].isupper()  # "Halvorsen Systems" is not a person
        if not before or first_name or company:
            return m.group()
        return f"{title} {m.group()}"

    return re.sub(rf"\b{re.escape(surname)}\b", sub, body)


def _headline(title: str, rng: random.Random) -> str:
    choice = rng.randrange(4)
    if choice == 0:
        return f"UPDATE {rng.randint(1, 3)}-{title}"
    if choice == 1:
        return title.split(",")[0] + " - sources"
    if choice == 2:
        words = title.split()
        return " ".join(words[: max(4, len(words) - 3)])
    return title.upper() if rng.random() < 0.3 else title.title()


def light_edit(
    body: str, title: str, surname: str, rng: random.Random
) -> tuple[str, str, set[str]]:
    """A lightly edited outlet copy; returns (body, title, metadata the copy lost)."""
    edits = rng.sample(
        ["honorific", "sentence", "typography", "spelling", "trailer", "trim", "lost"], 3
    )
    paras = _paras(body)
    lost: set[str] = set()
    if "sentence" in edits:
        at = rng.randint(1, len(paras) - 1)
        paras[at] = paras[at] + " " + rng.choice(OUTLET_SENTENCES)
    if "trim" in edits and len(paras) > 4:
        paras = paras[:-1]
    if "trailer" in edits:
        paras.append(rng.choice(TRAILERS))
    if "lost" in edits:
        lost.add(rng.choice(("agency", "dateline")))
    text = "\n\n".join(paras)
    if "honorific" in edits:
        text = _honorific(text, surname, rng)
    if "typography" in edits:
        text = re.sub(r'"([^"]*)"', "\u201c\\1\u201d", text).replace("'", "\u2019")
        text = text.replace(". ", ".  ").replace("\n\n", "\n \n")
    if "spelling" in edits:
        for pattern, repl in rng.sample(SPELLINGS, 3):
            text = re.sub(pattern, repl, text)
    return text, _headline(title, rng), lost


def heavy_rewrite(body: str, title: str, rng: random.Random) -> tuple[str, str]:
    """An outlet's rewrite: cut to 50-70 %, words replaced, own paragraphs added."""
    paras = _paras(body)
    keep = max(2, round(len(paras) * rng.uniform(0.5, 0.7)))
    paras = paras[:keep]
    if len(paras) > 3 and rng.random() < 0.5:
        paras[1:3] = [paras[1] + " " + paras[2]]
    text = "\n\n".join(paras)
    for old, new in rng.sample(sorted(SYNONYMS.items()), 12):
        text = re.sub(rf"\b{re.escape(old)}\b", new, text, count=2)
    extra = rng.sample(OUTLET_PARAGRAPHS, rng.randint(1, 2))
    text = text + "\n\n" + "\n\n".join(extra)
    words = title.split()
    new_title = "What we know: " + " ".join(words[: len(words) // 2 + 1]).rstrip(",")
    return text, new_title


def correct(body: str, title: str, rng: random.Random) -> tuple[str, str]:
    """One fact changed (a number, else a word) plus the wire's correction note."""
    numbers = list(re.finditer(r"\b\d+\b", body))
    if numbers:
        m = rng.choice(numbers)
        value = int(m.group()) + rng.choice((1, 2, 10))
        body = body[: m.start()] + str(value) + body[m.end() :]
        what = "a figure"
    else:
        body = body.replace(" on ", " late on ", 1)
        what = "timing"
    note = f"(Corrects {what} in paragraph {rng.randint(2, 4)})"
    if rng.random() < 0.5:
        return note + "\n\n" + body, title
    return body + "\n\n" + note, title


_REPORT = (
    "European shares {dir} on {day}, with the pan-European STOXX 600 index closing {move}% "
    "{updown} at {level} points as investors weighed {theme}.\n\n"
    "Germany's DAX {dax_dir} {dax}% while France's CAC 40 {cac_dir} {cac}%. Britain's FTSE 100 "
    "ended {ftse}% {ftse_dir}.\n\n"
    "{sector} stocks led the moves, with the sector index {sector_dir} {sector_move}%. "
    "Shares in {company} {company_dir} {company_move}% after the company {news}.\n\n"
    "Trading volumes were {volume} the 30-day average, according to exchange data, and the "
    "euro traded at {eur} dollars.\n\n"
    "Investors will look to {next_event} for further direction."
)
_THEMES = (
    "fresh comments from central bank officials on the path of interest rates",
    "a mixed batch of corporate earnings and weaker factory data from China",
    "a rise in bond yields and uncertainty over trade talks",
    "signs of cooling inflation in the euro zone",
)
_NEWS = (
    "reported quarterly sales above forecasts",
    "cut its full-year outlook",
    "announced a share buyback",
    "said its chief executive would step down",
)


def template_reports(rng: random.Random) -> list[list[dict[str, str]]]:
    """Two series of four daily market reports: one template, different days and numbers."""
    series = []
    for s, (agency, dateline) in enumerate((("Reuters", "LONDON"), ("AFP", "PARIS"))):
        out = []
        for n in range(4):
            up = rng.random() < 0.5
            values = {
                "dir": "rose" if up else "fell",
                "updown": "higher" if up else "lower",
                "day": ("Monday", "Tuesday", "Wednesday", "Thursday")[n],
                "move": f"{rng.uniform(0.1, 1.9):.1f}",
                "level": f"{rng.uniform(480, 530):.2f}",
                "theme": rng.choice(_THEMES),
                "dax_dir": rng.choice(("added", "lost")),
                "dax": f"{rng.uniform(0.1, 2):.1f}",
                "cac_dir": rng.choice(("gained", "shed")),
                "cac": f"{rng.uniform(0.1, 2):.1f}",
                "ftse": f"{rng.uniform(0.1, 2):.1f}",
                "ftse_dir": rng.choice(("up", "down")),
                "sector": rng.choice(("Bank", "Energy", "Technology", "Retail", "Auto")),
                "sector_dir": rng.choice(("gaining", "falling")),
                "sector_move": f"{rng.uniform(0.5, 3):.1f}",
                "company": rng.choice(("Halvorsen", "Nordbank", "Aerolis", "Bavaria Motors")),
                "company_dir": rng.choice(("jumped", "slid")),
                "company_move": f"{rng.uniform(2, 9):.1f}",
                "news": rng.choice(_NEWS),
                "volume": rng.choice(("above", "below", "in line with")),
                "eur": f"{rng.uniform(1.05, 1.15):.4f}",
                "next_event": rng.choice(
                    ("U.S. inflation data", "the central bank meeting", "earnings next week")
                ),
            }
            out.append(
                {
                    "id": f"market{s}-{n}",
                    "agency": agency,
                    "dateline": dateline,
                    "published": f"2026-06-{8 + n:02d}T16:{30 + s:02d}:00Z",
                    "title": f"European shares {values['dir']} as investors weigh "
                    + values["theme"][:40],
                    "body": _REPORT.format(**values),
                }
            )
        series.append(out)
    return series
