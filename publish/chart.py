"""Inline SVG chart of stories ingested per hour per section, for the status page.

One polyline per section over the chart's hours, a light grid with y-axis labels, day ticks on
the x axis and a legend. Colours are the Okabe-Ito palette (distinguishable with colour-vision
deficiencies) and every line also has its own dash pattern. The SVG carries ``role="img"``, a
``<title>`` and a ``<desc>``; the status page adds a per-day table as the text alternative.

Pure string building with every text escaped; no JavaScript, no external resources.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from markupsafe import escape

if TYPE_CHECKING:
    from publish.status import StatusData

COLOURS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000")
DASHES = ("", "6 3", "2 2", "8 3 2 3", "1 3", "10 2", "4 4")
W, H = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 12, 34


def _nice_max(value: int) -> int:
    for step in (4, 8, 12, 20, 40, 60, 100, 200, 400, 1000):
        if value <= step:
            return step
    return ((value // 1000) + 1) * 1000


def hourly_chart(data: StatusData) -> str:
    """The chart as an ``<svg>`` element string (safe to embed as-is)."""
    n = len(data.hours)
    peak = _nice_max(max((max(row, default=0) for row in data.counts), default=0))
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM
    legend_rows = (len(data.sections) + 3) // 4
    height = H + 22 * legend_rows + 10

    def x(h: int) -> float:
        return LEFT + (plot_w * h / max(1, n - 1))

    def y(v: int) -> float:
        return TOP + plot_h - plot_h * v / peak

    title = "Stories ingested per hour, per section"
    first = data.hours[0] if data.hours else data.as_of
    desc = (
        f"Hourly counts from {first:%d %b %H:00} to {data.as_of:%d %b %H:00} UTC for "
        + (", ".join(data.sections) or "no sections")
        + f"; the highest hourly count shown is at most {peak}."
    )
    out = [
        f'<svg class="chart" viewBox="0 0 {W} {height}" role="img" '
        f'aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(desc)}</desc>',
        f'<rect x="0" y="0" width="{W}" height="{height}" fill="#ffffff"/>',
    ]
    for tick in range(5):
        v = peak * tick // 4
        out.append(
            f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
            f'stroke="#d9dce1" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y(v) + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="#4a4f59">{v}</text>'
        )
    for h, hour in enumerate(data.hours):
        if hour.hour == 0:
            out.append(
                f'<line x1="{x(h):.1f}" x2="{x(h):.1f}" y1="{TOP}" y2="{TOP + plot_h}" '
                f'stroke="#b8bcc4" stroke-dasharray="2 3"/>'
                f'<text x="{x(h):.1f}" y="{TOP + plot_h + 16}" text-anchor="middle" '
                f'font-size="11" fill="#4a4f59">{hour:%d %b}</text>'
            )
    for i, name in enumerate(data.sections):
        colour = COLOURS[i % len(COLOURS)]
        dash = DASHES[(i + i // len(COLOURS)) % len(DASHES)]  # no two sections look alike
        points = " ".join(f"{x(h):.1f},{y(v):.1f}" for h, v in enumerate(data.counts[i]))
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2"{dash_attr} '
            f'points="{points}"><title>{escape(name)}</title></polyline>'
        )
        lx = LEFT + (i % 4) * 170
        ly = H + 22 * (i // 4) + 10
        out.append(
            f'<line x1="{lx}" x2="{lx + 24}" y1="{ly - 4}" y2="{ly - 4}" stroke="{colour}" '
            f'stroke-width="3"{dash_attr}/>'
            f'<text x="{lx + 30}" y="{ly}" font-size="12" fill="#16181d">{escape(name)}</text>'
        )
    out.append("</svg>")
    return "".join(out)
