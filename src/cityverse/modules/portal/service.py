"""The portal's view of the platform: every system with its status and live figures."""

from __future__ import annotations

from cityverse.modules.portal.catalog import FIGURE_LABELS, SYSTEMS
from cityverse.modules.portal.schemas import FigureOut, SystemOut


def systems(figures: dict[str, int], live: dict[str, str]) -> list[SystemOut]:
    result = []
    for system in SYSTEMS:
        counts = [
            FigureOut(key=key, label_zh=FIGURE_LABELS[key][0], label_en=FIGURE_LABELS[key][1],
                      value=figures.get(key, 0))
            for key in system.figures
        ]
        result.append(
            SystemOut(
                key=system.key, number=system.number, name_zh=system.name_zh,
                name_en=system.name_en, summary_zh=system.summary_zh,
                summary_en=system.summary_en,
                status="live" if system.key in live else "coming",
                path=live.get(system.key), counts=counts,
            )
        )
    return result
