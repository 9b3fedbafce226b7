"""Colours, markers and line styles that survive colour blindness and greyscale printing.

Okabe & Ito's palette (2008) is distinguishable with the common colour-vision deficiencies; every
series also gets its own marker and line style, so a greyscale print still tells them apart.
"""

from __future__ import annotations

from itertools import cycle
from typing import Any

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}
#: order for series in one chart: dark and light alternate so greyscale stays distinct
SERIES_COLOURS = (
    OKABE_ITO["blue"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["green"],
    OKABE_ITO["orange"],
    OKABE_ITO["purple"],
    OKABE_ITO["sky_blue"],
    OKABE_ITO["black"],
)
MARKERS = ("o", "s", "^", "D", "v", "P", "X")
LINESTYLES = ("-", "--", "-.", ":")

#: backgrounds: program phases (alternating), ODI bands (alternating)
PHASE_FILLS = ("#E8E8E8", "#F6F6F6")
BAND_FILLS = ("#FFFFFF", "#EEF3F8")
THRESHOLD_COLOUR = OKABE_ITO["vermillion"]
REFERENCE_COLOUR = "#555555"


def series_styles() -> Any:
    """Endless (colour, marker, linestyle) triples, each distinct from its neighbours."""
    return cycle(
        (SERIES_COLOURS[i % len(SERIES_COLOURS)], MARKERS[i % len(MARKERS)],
         LINESTYLES[i % len(LINESTYLES)])
        for i in range(len(SERIES_COLOURS) * len(LINESTYLES))
    )
