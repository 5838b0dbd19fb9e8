"""Wire-style story text for the bench corpus: headlines, datelines, agency credits, bodies.

``make_story(rng, story_id)`` draws one invented wire story (a topic whose words the demo
sections recognise, an agency with its house style of dateline and credit, 7-15 paragraphs of
templated prose with quotes); ``carry(rng, story)`` is the same story as a second outlet runs it:
reworded headline, one sentence added, "Mr."/"Ms." added before a surname. Everything comes from
the ``random.Random`` passed in, so a seed gives the same text on every machine.

It deliberately does not build HTML pages or feeds (``bench.corpus`` does) and makes no claim
to be good prose: it only has to look like news to extractors, attributors and dedupers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

EPOCH = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)

FIRST = [
    "Anna",
    "Maria",
    "James",
    "Olena",
    "Pierre",
    "Kenji",
    "Amara",
    "Lucas",
    "Sofia",
    "Rahul",
    "Ingrid",
    "Carlos",
    "Mei",
    "Tomasz",
    "Fatima",
    "David",
    "Elena",
    "Kwame",
    "Laura",
    "Hassan",
    "Noor",
    "Erik",
    "Chloe",
    "Mateo",
    "Aisha",
    "Daniel",
    "Yuki",
    "Paolo",
    "Grace",
    "Omar",
]
LAST = [
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Tanaka",
    "Novak",
    "Haddad",
    "Silva",
    "Brennan",
    "Kowalski",
    "Mensah",
    "Ferreira",
    "Petrov",
    "Nakamura",
    "Schultz",
    "Duarte",
    "Osei",
    "Laurent",
    "Whitfield",
    "Ibrahim",
    "Rossi",
    "Castellanos",
    "Varga",
    "Achterberg",
    "Mbeki",
    "Ostrowski",
    "Delacroix",
    "Henriksen",
    "Abara",
    "Quintero",
    "Sato",
]
CITIES = (
    ("LONDON", "Britain"),
    ("WASHINGTON", "the United States"),
    ("PARIS", "France"),
    ("BERLIN", "Germany"),
    ("TOKYO", "Japan"),
    ("NEW YORK", "the United States"),
    ("BRUSSELS", "the European Union"),
    ("GENEVA", "Switzerland"),
    ("NAIROBI", "Kenya"),
    ("SYDNEY", "Australia"),
    ("SINGAPORE", "Singapore"),
    ("FRANKFURT", "Germany"),
    ("MADRID", "Spain"),
    ("ROME", "Italy"),
    ("OTTAWA", "Canada"),
    ("MEXICO CITY", "Mexico"),
    ("SAO PAULO", "Brazil"),
    ("JOHANNESBURG", "South Africa"),
    ("MUMBAI", "India"),
    ("SEOUL", "South Korea"),
)
MONTHS = ["Jan", "Feb", "March", "April", "May", "June", "July", "Aug", "Sept", "Oct", "Nov", "Dec"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
# topic -> (actors, nouns, verbs used in headlines, phrases the demo sections match)
TOPICS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "world": (
        ("the United Nations", "NATO", "the foreign ministry", "the Kremlin", "Beijing"),
        ("ceasefire", "aid corridor", "peace talks", "border crossing", "refugee camp"),
        ("backs", "extends", "rejects", "warns over", "opens"),
        ("Security Council", "humanitarian", "refugees", "foreign minister", "embassy"),
    ),
    "politics": (
        ("the Senate", "the White House", "parliament", "the governor", "the city council"),
        ("budget bill", "election law", "housing plan", "tax reform", "ethics inquiry"),
        ("passes", "blocks", "delays", "approves", "debates"),
        ("lawmakers", "prime minister", "election", "Congress", "mayor"),
    ),
    "investing": (
        ("the Federal Reserve", "pension funds", "bond investors", "gold traders", "fund managers"),
        ("interest rates", "Treasuries", "bullion", "dividend payouts", "bond yields"),
        ("lifts", "cuts", "holds", "bets on", "dumps"),
        ("investors", "yields", "portfolio", "ETF", "Federal Reserve"),
    ),
    "stock": (
        ("Wall Street", "the FTSE 100", "the Nasdaq", "European equities", "Asian stocks"),
        ("record high", "losing streak", "rally", "sell-off", "rebound"),
        ("hits", "extends", "snaps", "posts", "shrugs off"),
        ("shares", "stocks", "S&P 500", "stock market", "Dow Jones"),
    ),
    "technology": (
        ("a chipmaker", "a cloud provider", "a smartphone maker", "a telecoms group", "a startup"),
        ("software unit", "data centre", "AI model", "chip plant", "cyberattack probe"),
        ("unveils", "expands", "sells", "shuts", "delays"),
        ("technology", "semiconductor", "artificial intelligence", "software", "cloud"),
    ),
    "science": (
        ("astronomers", "researchers", "NASA", "physicists", "climate scientists"),
        ("telescope survey", "fossil find", "space probe", "species count", "ice core"),
        ("confirms", "reveals", "launches", "maps", "dates"),
        ("scientists", "planet", "species", "space", "climate"),
    ),
    "health": (
        ("the World Health Organization", "health officials", "a hospital group", "regulators"),
        ("vaccine rollout", "malaria programme", "flu season", "cancer screening", "outbreak"),
        ("expands", "warns on", "approves", "funds", "tracks"),
        ("health", "vaccine", "hospital", "disease", "outbreak"),
    ),
    "sports": (
        ("the league", "the champions", "the Olympic committee", "the tournament", "the coach"),
        ("title race", "World Cup bid", "Grand Slam final", "transfer window", "doping case"),
        ("wins", "loses", "opens", "clinches", "reopens"),
        ("football", "tennis", "championship", "tournament", "Olympics"),
    ),
}
# agency -> (dateline template, byline style, closing credit or "")
AGENCY_STYLES: tuple[tuple[str, str, str, str], ...] = (
    (
        "Reuters",
        "{CITY}, {mon} {d} (Reuters) - ",
        "By {name}",
        "(Reporting by {n1}; Editing by {n2})",
    ),
    ("Reuters", "{CITY} (Reuters) - ", "", "(Reporting by {n1} in {city}; Writing by {n2})"),
    ("Associated Press", "{CITY} (AP) — ", "By {NAME} Associated Press", ""),
    ("AFP", "{CITY} (AFP) - ", "", "— AFP"),
    ("Bloomberg", "(Bloomberg) -- ", "By {name}", "©2026 Bloomberg L.P."),
    ("dpa", "{City} (dpa) - ", "", ""),
    ("AFP", "{CITY} — ", "", "(With inputs from AFP)"),
)
OPENERS = (
    "{actor} {verb} the {noun} on {day}, {why}.",
    "{actor} said on {day} it {verb} the {noun}, {why}.",
    "The {noun} drew fresh scrutiny on {day} after {actor} {verb} it, {why}.",
)
WHYS = (
    "a move that {kw} watchers had expected for weeks",
    "raising questions among {kw} analysts about the months ahead",
    "in a decision that surprised {kw} officials in {country}",
    "after talks that ran late into the night in {city}",
)
SENTENCES = (
    "{person}, {role}, said the {noun} would be reviewed by the end of {month}.",
    "The decision affects about {num},{num3} people across {country}, officials said.",
    "Figures published on {day} showed a {pct}% change from a year earlier.",
    "Critics said the {noun} did too little, too late, while supporters called it overdue.",
    "{actor} did not respond to a request for comment on the {kw} question.",
    "Talks are due to resume in {city} next week, according to two people familiar with them.",
    "The {noun} was first proposed in {month} {year} and has been revised {num} times since.",
    "Analysts at {bank} said the move could add {pct} percentage points to costs next year.",
    "{person} told reporters the {kw} situation remained fluid.",
    "A spokesperson for {actor} declined to give a timetable for the {noun}.",
    "Similar measures were tried in {country} in {year} with mixed results.",
    "The {noun} comes as {actor} faces pressure over {kw} from several directions.",
)
QUOTES = (
    "“We are not going to rush this,” said {person}, {role}.",
    "“This is a turning point for the {noun},” {person} said in a statement.",
    "“Nobody expected the {kw} numbers to move this fast,” said {person}, {role}.",
    "“We will keep working with our partners in {country},” {person} told a news conference.",
)
ROLES = (
    "a senior official",
    "the group's chief executive",
    "an economist at {bank}",
    "a spokeswoman for the ministry",
    "a lawmaker from the opposition",
    "a researcher at the University of {uni}",
)
BANKS = ("Capital Economics", "ING", "Nomura", "Barclays", "Morningstar", "Oxford Economics")
UNIS = ("Toronto", "Leeds", "Melbourne", "Nairobi", "Lisbon", "Osaka")
ADDED = (
    "The outlet's own correspondent in {city} contributed additional reporting to this story.",
    "Officials in {country} were expected to comment further later in the week.",
    "Markets in {city} were little changed after the announcement.",
)
REWORD = (
    "{Noun}: {actor} {verb} it, {kw} in focus",
    "UPDATE 1-{Actor} {verb} {noun} amid {kw} worries",
    "{Actor} {verb} {noun}, says {kw} outlook unclear",
)


@dataclass(frozen=True, slots=True)
class Story:
    """One wire story as its first outlet runs it."""

    id: int
    topic: str
    agency: str
    title: str
    byline: str | None
    paragraphs: tuple[str, ...]
    published: datetime
    surname: str  # the surname quoted in the body (where a carrier adds "Mr."/"Ms.")
    headline_parts: tuple[str, str, str, str]  # actor, verb, noun, kw: reworded by carriers

    @property
    def summary(self) -> str:
        words = self.paragraphs[0].split()
        return " ".join(words[:32]) + (" […]" if len(words) > 32 else "")


def _name(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FIRST), rng.choice(LAST)


def _fill(rng: random.Random, template: str, ctx: dict[str, str]) -> str:
    first, last = _name(rng)
    city, country = rng.choice(CITIES)
    values = {
        "person": f"{first} {last}",
        "role": rng.choice(ROLES).format(bank=rng.choice(BANKS), uni=rng.choice(UNIS)),
        "num": str(rng.randint(2, 95)),
        "num3": f"{rng.randint(0, 999):03d}",
        "pct": f"{rng.randint(1, 19)}.{rng.randint(0, 9)}",
        "day": rng.choice(DAYS),
        "month": rng.choice(MONTHS),
        "year": str(rng.randint(2009, 2025)),
        "city": city.title(),
        "country": country,
        "bank": rng.choice(BANKS),
        **ctx,
    }
    values.setdefault("kw", rng.choice(TOPICS[ctx["topic"]][3]))
    text = template.format(**values)
    return text[0].upper() + text[1:]


def make_story(rng: random.Random, story_id: int) -> Story:
    """A new wire story; ``story_id`` orders publication times (7 minutes apart)."""
    topic = rng.choice(tuple(TOPICS))
    actors, nouns, verbs, kws = TOPICS[topic]
    agency, dateline, byline_style, closing = rng.choice(AGENCY_STYLES)
    actor, noun, verb, kw = (
        rng.choice(actors),
        rng.choice(nouns),
        rng.choice(verbs),
        rng.choice(kws),
    )
    city, country = rng.choice(CITIES)
    published = EPOCH + timedelta(minutes=7 * story_id + rng.randint(0, 6))
    first, last = _name(rng)
    ctx = {"topic": topic, "actor": actor, "noun": noun, "verb": verb, "country": country}
    why = rng.choice(WHYS).format(kw=kw, country=country, city=city.title())
    lead = rng.choice(OPENERS).format(
        actor=actor, verb=verb, noun=noun, day=DAYS[published.weekday()], why=why
    )
    lead = lead[0].upper() + lead[1:]
    head = dateline.format(
        CITY=city, City=city.title(), mon=MONTHS[published.month - 1], d=published.day
    )
    paragraphs = [head + lead]
    quoted = f"{rng.choice(FIRST)} {last}"
    for i in range(rng.randint(7, 15)):
        if i == 1:
            paragraphs.append(
                f"{quoted}, {rng.choice(ROLES).format(bank='ING', uni='Leeds')}, "
                f"said {last} had pressed for the {noun} since {rng.randint(2015, 2025)}."
            )
            continue
        pool = QUOTES if rng.random() < 0.25 else SENTENCES
        count = 1 if pool is QUOTES else rng.randint(2, 4)
        paragraphs.append(" ".join(_fill(rng, rng.choice(pool), ctx) for _ in range(count)))
    if closing:
        n1, n2 = " ".join(_name(rng)), " ".join(_name(rng))
        paragraphs.append(closing.format(n1=n1, n2=n2, city=city.title()))
    byline = None
    if byline_style:
        byline = byline_style.format(name=f"{first} {last}", NAME=f"{first} {last}".upper())
    mood = rng.choice(("concerns", "debate", "pressure", "hopes"))
    title = f"{actor[0].upper()}{actor[1:]} {verb} {noun} as {kw} {mood} grow"
    return Story(
        id=story_id,
        topic=topic,
        agency=agency,
        title=title,
        byline=byline,
        paragraphs=tuple(paragraphs),
        published=published,
        surname=last,
        headline_parts=(actor, verb, noun, kw),
    )


def carry(rng: random.Random, story: Story) -> Story:
    """The story as a second outlet runs it: new headline, a sentence added, an honorific."""
    actor, verb, noun, kw = story.headline_parts
    template = rng.choice(REWORD)
    title = template.format(
        Actor=actor[0].upper() + actor[1:],
        actor=actor,
        verb=verb,
        noun=noun,
        Noun=noun[0].upper() + noun[1:],
        kw=kw,
    )
    city, country = rng.choice(CITIES)
    paragraphs = list(story.paragraphs)
    honorific = rng.choice(("Mr.", "Ms."))
    paragraphs = [
        p.replace(f"said {story.surname} ", f"said {honorific} {story.surname} ")
        for p in paragraphs
    ]
    at = rng.randint(2, max(2, len(paragraphs) - 2))
    paragraphs.insert(at, rng.choice(ADDED).format(city=city.title(), country=country))
    return replace(
        story,
        title=title,
        paragraphs=tuple(paragraphs),
        published=story.published + timedelta(minutes=rng.randint(15, 90)),
    )
