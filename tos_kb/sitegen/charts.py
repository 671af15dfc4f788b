"""SVG charts drawn at build time: lanes of dated segments over a time axis.

Why SVG written by hand: the charts are a few rectangles per lane, and inline
SVG styled by the site's CSS (classes, ``currentColor`` and CSS variables)
reads in both the light and the dark scheme with no script and no library.
All labels are escaped; links are the generator's own relative hrefs.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from datetime import date, timedelta

from .markup import esc

WIDTH = 700  # the CSS keeps a chart at least this wide, so 11px text is never drawn smaller
LABEL_W = 4  # labels stand above their lane, in full, wrapped where long
LABEL_LINE = 15
LABEL_CHARS = 108  # about what fits in one line of 11px text across the chart
RIGHT = 12
LANE_H = 18
LANE_GAP = 8
TOP = 4
AXIS_H = 22


@dataclass(frozen=True)
class Segment:
    """A span of days ``[start, end)`` drawn in one lane (``end=None``: to the axis end)."""

    start: date
    end: date | None
    css: str
    tip: str
    href: str | None = None
    text: str | None = None
    approx: bool = False


@dataclass
class Lane:
    """One row of a chart."""

    label: str
    segments: list[Segment] = field(default_factory=list)
    href: str | None = None


class Axis:
    """Maps days to x coordinates between the label column and the right edge."""

    def __init__(self, start: date, end: date):
        if end <= start:
            end = start + timedelta(days=1)
        self.start, self.end = start, end
        self.span = (end - start).days

    def x(self, day: date) -> float:
        """The x coordinate of a day, clamped to the axis."""
        days = min(max((day - self.start).days, 0), self.span)
        return LABEL_W + (WIDTH - LABEL_W - RIGHT) * days / self.span

    def ticks(self) -> list[tuple[float, str]]:
        """Year ticks (every second year on long spans), or months on short ones."""
        out: list[tuple[float, str]] = []
        if self.span < 500:
            day = date(self.start.year, self.start.month, 1)
            while day <= self.end:
                if day >= self.start and day.month in (1, 4, 7, 10):
                    out.append((self.x(day), day.strftime("%Y-%m")))
                day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
            return out
        step = 1 if self.span < 365 * 8 else 2
        for year in range(self.start.year + 1, self.end.year + 1, step):
            out.append((self.x(date(year, 1, 1)), str(year)))
        return out


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _label_lines(label: str) -> list[str]:
    return textwrap.wrap(label, LABEL_CHARS, break_on_hyphens=False) or [""]


def lanes_svg(lanes: list[Lane], axis: Axis, title: str, cls: str = "") -> str:
    """An SVG of lanes of segments over the axis, each under its full label."""
    heights = [len(_label_lines(lane.label)) * LABEL_LINE + LANE_H + LANE_GAP for lane in lanes]
    base = TOP + sum(heights)
    out = [
        f'<svg class="tk-chart {esc(cls)}" viewBox="0 0 {WIDTH} {base + AXIS_H}" role="img" '
        f'aria-label="{esc(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{esc(title)}</title>",
    ]
    y = TOP
    for lane, height in zip(lanes, heights, strict=True):
        lines = _label_lines(lane.label)
        spans = "".join(
            f'<tspan x="{LABEL_W}" dy="{LABEL_LINE if n else 0}">{esc(line)}</tspan>'
            for n, line in enumerate(lines)
        )
        text = f'<text class="tk-chart-label" x="{LABEL_W}" y="{y + 11}">{spans}</text>'
        if lane.href:
            text = f'<a href="{esc(lane.href)}">{text}</a>'
        out.append(text)
        bar = y + len(lines) * LABEL_LINE
        out.append(_lane(lane, axis, bar))
        y += height
    out.append(
        f'<line class="tk-axis" x1="{LABEL_W}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}"/>'
    )
    for x, label in axis.ticks():
        out.append(
            f'<line class="tk-tick" x1="{_fmt(x)}" y1="{TOP}" x2="{_fmt(x)}" y2="{base + 4}"/>'
            f'<text class="tk-tick-label" x="{_fmt(x)}" y="{base + 16}" '
            f'text-anchor="middle">{esc(label)}</text>'
        )
    out.append("</svg>")
    return f'<figure class="tk-figure">{"".join(out)}</figure>'


def _lane(lane: Lane, axis: Axis, y: float) -> str:
    """One lane's background and its segments, at height ``y``."""
    out = [
        f'<rect class="tk-lane" x="{LABEL_W}" y="{y}" width="{WIDTH - LABEL_W - RIGHT}" '
        f'height="{LANE_H}"/>'
    ]
    for seg in lane.segments:
        x1 = axis.x(seg.start)
        x2 = axis.x(seg.end) if seg.end else axis.x(axis.end)
        if x2 - x1 < 1.5:
            x2 = x1 + 1.5
        klass = f"tk-seg {seg.css}" + (" tk-approx" if seg.approx else "")
        rect = (
            f'<rect class="{esc(klass)}" x="{_fmt(x1)}" y="{y}" width="{_fmt(x2 - x1)}" '
            f'height="{LANE_H}"><title>{esc(seg.tip)}</title></rect>'
        )
        if seg.text and (x2 - x1) > 7 * len(seg.text):
            rect += (
                f'<text class="tk-seg-text" x="{_fmt(x1 + 4)}" y="{y + LANE_H * 0.7:.1f}">'
                f"{esc(seg.text)}</text>"
            )
        if seg.href:
            rect = f'<a href="{esc(seg.href)}">{rect}</a>'
        out.append(rect)
    return "".join(out)


def legend(items: list[tuple[str, str]]) -> str:
    """A legend: (css class, label) swatches."""
    body = "".join(
        f'<span class="tk-legend-item"><span class="tk-swatch {esc(css)}"></span>'
        f"{esc(label)}</span>"
        for css, label in items
    )
    return f'<p class="tk-legend">{body}</p>'


VERDICT_LEGEND = [
    ("tk-v-permitted", "permitted"),
    ("tk-v-conditional", "conditional"),
    ("tk-v-prohibited", "prohibited"),
    ("tk-v-unknown", "unknown"),
]
