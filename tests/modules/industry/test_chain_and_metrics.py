"""Unit rules of the chain taxonomy, metric values and quarter arithmetic."""

from __future__ import annotations

from datetime import date

from cityverse.modules.industry.chain import (
    APPLICATION_FIELDS,
    CHAIN,
    is_valid_position,
    segment_of,
)
from cityverse.modules.industry.plan.metrics import METRICS, value_on
from cityverse.modules.industry.plan.service import quarter_ends


def test_chain_has_the_plans_segments_and_unique_positions() -> None:
    assert [s.key for s in CHAIN] == ["hardware", "software", "content", "application"]
    keys = [p.key for s in CHAIN for p in s.positions]
    assert len(keys) == len(set(keys))
    assert APPLICATION_FIELDS == ("industry", "culture-tourism", "smart-city",
                                  "education-health", "commerce")
    assert all(p.zh and p.en for s in CHAIN for p in s.positions)


def test_positions_belong_to_one_segment() -> None:
    assert is_valid_position("hardware", "near-eye-display")
    assert not is_valid_position("software", "optics")
    assert not is_valid_position("mining", "optics")
    assert segment_of("industrial-software") == "software"
    assert segment_of("nothing") is None


def test_value_on_counts_records_from_their_start_until_their_end() -> None:
    records = [(date(2025, 1, 1), None, 5), (date(2025, 3, 1), date(2025, 6, 1), 2)]
    assert value_on(records, date(2024, 12, 31)) == 0
    assert value_on(records, date(2025, 3, 1)) == 7
    assert value_on(records, date(2025, 5, 31)) == 7
    assert value_on(records, date(2025, 6, 1)) == 5


def test_quarter_ends_cut_the_last_quarter_at_the_day() -> None:
    assert quarter_ends(date(2024, 11, 5), date(2025, 5, 2)) == [
        ("2024Q4", date(2024, 12, 31)), ("2025Q1", date(2025, 3, 31)),
        ("2025Q2", date(2025, 5, 2))]
    assert quarter_ends(date(2026, 1, 1), date(2025, 1, 1)) == []
    assert len(quarter_ends(date(2000, 1, 1), date(2030, 1, 1))) == 40


def test_every_metric_has_a_unit_and_both_languages() -> None:
    assert {m.unit for m in METRICS.values()} == {"yuan", "projects", "enterprises", "m2"}
    assert all(m.zh and m.en and m.description_zh and m.description_en
               for m in METRICS.values())
