"""Small pieces of the world server: the avatar_info message, the word filter, the rules
cache that spares the database when a crowd joins at once."""

from __future__ import annotations

import pytest

from cityverse.modules.spaces.world import RulesCache
from cityverse.realtime.config import SpaceRules
from cityverse.realtime.protocol import AvatarInfo, AvatarRole, ProtocolError, decode_message
from cityverse.realtime.words import MASK, WordFilter


def test_avatar_info_round_trips_and_rejects_bad_roles() -> None:
    info = AvatarInfo(7, "王晓", AvatarRole.HOST)
    assert decode_message(info.encode()) == info
    bad = AvatarInfo(7, "王晓", AvatarRole.HOST).encode().replace(b"host", b"boss")
    with pytest.raises(ProtocolError) as error:
        decode_message(bad)
    assert error.value.code == "bad_shape"


def test_word_filter_masks_whole_words_case_insensitively() -> None:
    words = WordFilter(["诈骗", "赌", "赌博", "Spam"])
    masked = words.mask("不要赌博，不要诈骗，no SPAM")
    assert masked == f"不要{MASK * 2}，不要{MASK * 2}，no {MASK * 4}"
    assert WordFilter([]).mask("原样") == "原样"


async def test_rules_cache_loads_once_for_a_crowd() -> None:
    cache = RulesCache(seconds=60)
    loads = 0
    rules = SpaceRules("hall", 10, True, False)

    async def load() -> SpaceRules:
        nonlocal loads
        loads += 1
        return rules

    for _ in range(20):
        assert await cache.get("hall", load) is rules
    assert loads == 1
