"""The metaverse industry chain as a fixed taxonomy: segment → positions, with zh/en labels.

The plan's own words (hardware, software, content, applications by field) are the segments;
every enterprise sits at one position. Applications are grouped by the fields the plan names,
and scenario projects use the same fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Segment = Literal["hardware", "software", "content", "application"]
ApplicationField = Literal[
    "industry", "culture-tourism", "smart-city", "education-health", "commerce"
]


@dataclass(frozen=True)
class Position:
    key: str
    zh: str
    en: str


@dataclass(frozen=True)
class ChainSegment:
    key: Segment
    zh: str
    en: str
    positions: tuple[Position, ...]


CHAIN: tuple[ChainSegment, ...] = (
    ChainSegment("hardware", "硬件", "Hardware", (
        Position("near-eye-display", "近眼显示", "Near-eye display"),
        Position("optics", "光学", "Optics"),
        Position("sensors", "传感器", "Sensors"),
        Position("chips", "芯片", "Chips"),
        Position("terminals", "终端设备", "Terminals"),
    )),
    ChainSegment("software", "软件", "Software", (
        Position("engines", "引擎", "Engines"),
        Position("os-middleware", "操作系统与中间件", "OS and middleware"),
        Position("tools", "开发工具", "Tools"),
        Position("industrial-software", "工业软件", "Industrial software"),
    )),
    ChainSegment("content", "内容", "Content", (
        Position("3d-content", "三维内容", "3D content"),
        Position("digital-human", "数字人", "Digital humans"),
        Position("games", "游戏", "Games"),
        Position("film-animation", "影视动画", "Film and animation"),
    )),
    ChainSegment("application", "应用", "Applications", (
        Position("industry", "工业制造", "Industry"),
        Position("culture-tourism", "文化旅游", "Culture and tourism"),
        Position("smart-city", "智慧城市", "Smart city"),
        Position("education-health", "教育医疗", "Education and health"),
        Position("commerce", "商贸消费", "Commerce"),
    )),
)

APPLICATION_FIELDS: tuple[str, ...] = tuple(p.key for p in CHAIN[3].positions)
_POSITIONS: dict[str, set[str]] = {s.key: {p.key for p in s.positions} for s in CHAIN}


def is_valid_position(segment: str, sub_segment: str) -> bool:
    """True when `sub_segment` is one of the positions of `segment`."""
    return sub_segment in _POSITIONS.get(segment, set())


def segment_of(sub_segment: str) -> str | None:
    """The segment a position belongs to (positions are unique across segments)."""
    for segment, positions in _POSITIONS.items():
        if sub_segment in positions:
            return segment
    return None
