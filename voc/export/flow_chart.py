"""The report's chart of observed moves between stages: inline SVG, no library."""

from __future__ import annotations

from html import escape
from typing import Any

__all__ = ["flow_svg"]

FLOW_WIDTH, ARC_SPACE, NODE_HEIGHT = 1400, 190, 68  # the chart's own units; it scales to the page's width
FLOW_TOP = ARC_SPACE + 8
MOVE_COLOURS = {"forward": "#2b5b84", "skip": "#7fa3c6", "backward": "#d0793a"}


def flow_svg(order: list[str], names: dict[str, str], links: list[dict[str, Any]], repeats: dict[str, int]) -> str:
    """Stages as boxes in map order; a move is an arc from its stage to the other, above the boxes when it goes ahead,
    below when it goes back, as wide as it is frequent. Along a box, an arc starts or ends at the position of the stage
    at its other end, so arcs to different stages do not share an end."""
    if not order:
        return ""
    index = {s: i for i, s in enumerate(order)}
    most = max((link["value"] for link in links), default=1)
    paths = "".join(_flow_link(link, index, names, most) for link in links)
    nodes = "".join(_flow_node(i, len(order), names.get(s, s), repeats.get(s)) for i, s in enumerate(order))
    height = FLOW_TOP + NODE_HEIGHT + ARC_SPACE + 8
    return (f'<svg class="flow" id="flow-chart" viewBox="0 0 {FLOW_WIDTH} {height}" role="img" '
            f'aria-label="Moves between stages">{paths}{nodes}</svg>')


def _flow_link(link: dict[str, Any], index: dict[str, int], names: dict[str, str], most: int) -> str:
    n = len(index)
    column = FLOW_WIDTH / n
    i, j = index[link["source"]], index[link["target"]]
    x1 = i * column + 12 + (column - 24) * (j + 0.5) / n
    x2 = j * column + 12 + (column - 24) * (i + 0.5) / n
    rise = 1.33 * (24 + (ARC_SPACE - 34) * abs(j - i) / max(n - 1, 1))  # a cubic's peak is 3/4 of its control height
    y = FLOW_TOP if j > i else FLOW_TOP + NODE_HEIGHT
    bend = y - rise if j > i else y + rise
    said = (f"{names.get(link['source'], link['source'])} → {names.get(link['target'], link['target'])}: "
            f"{link['value']:,} moves ({link['move']})")
    return (f'<path class="link {link["move"]}" d="M{x1:.1f} {y} C{x1:.1f} {bend:.1f} {x2:.1f} {bend:.1f} {x2:.1f} {y}" '
            f'stroke="{MOVE_COLOURS[link["move"]]}" stroke-width="{1 + 15 * link["value"] / most:.1f}">'
            f"<title>{escape(said)}</title></path>")


def _flow_node(i: int, n: int, name: str, repeats: int | None) -> str:
    column = FLOW_WIDTH / n
    x, box = i * column + 12, column - 24
    middle = x + box / 2
    lines = _wrap(name, 22)
    text = "".join(f'<tspan x="{middle:.1f}" dy="{0 if k == 0 else 17}">{escape(line)}</tspan>' for k, line in enumerate(lines))
    first = FLOW_TOP + (22 if len(lines) > 1 else 28 if repeats else 39)
    again = (f'<text class="repeat" x="{middle:.1f}" y="{FLOW_TOP + NODE_HEIGHT - 9}">↻ {repeats:,} again</text>'
             if repeats else "")
    return (f'<g class="node"><rect x="{x:.1f}" y="{FLOW_TOP}" width="{box:.1f}" height="{NODE_HEIGHT}" rx="6"></rect>'
            f'<text x="{middle:.1f}" y="{first}">{text}</text>{again}</g>')


def _wrap(text: str, width: int) -> list[str]:
    """At most two lines of about `width` characters; the rest of a longer name is cut with an ellipsis."""
    first, rest = "", text.strip()
    while rest and len(f"{first} {rest.split()[0]}".strip()) <= width:
        word, _, rest = rest.partition(" ")
        first = f"{first} {word}".strip()
    if not first:
        first, rest = rest[:width], rest[width:]
    return [first] + ([rest if len(rest) <= width else rest[: width - 1] + "…"] if rest else [])
