"""Area of interest: correct sets, deterministic order, and cost that does not grow with n."""

from __future__ import annotations

import math
import random

import pytest

from cityverse.realtime.aoi import AoiGrid


def brute_force(
    positions: dict[int, tuple[float, float]], viewer: int, cap: int, view_range: float
) -> tuple[list[int], list[int]]:
    vx, vz = positions[viewer]
    ranked = sorted(
        ((x - vx) ** 2 + (z - vz) ** 2, cid)
        for cid, (x, z) in positions.items()
        if cid != viewer and (x - vx) ** 2 + (z - vz) ** 2 <= view_range**2
    )
    ids = [cid for _, cid in ranked]
    return ids[:cap], ids[cap:]


@pytest.mark.parametrize("seed", range(20))
def test_interest_matches_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    grid = AoiGrid(cell_size=rng.choice([2.0, 5.0, 10.0, 33.0]))
    positions: dict[int, tuple[float, float]] = {}
    for cid in range(1, 400):
        positions[cid] = (rng.uniform(-100, 100), rng.uniform(-100, 100))
        grid.move(cid, *positions[cid])
    for cid in rng.sample(sorted(positions), 100):  # some avatars walk
        positions[cid] = (rng.uniform(-100, 100), rng.uniform(-100, 100))
        grid.move(cid, *positions[cid])
    for cid in rng.sample(sorted(positions), 20):
        grid.remove(cid)
        del positions[cid]
    for viewer in rng.sample(sorted(positions), 30):
        cap, view_range = rng.choice([0, 5, 50]), rng.choice([10.0, 40.0, 500.0])
        full, low = grid.interest(viewer, full_rate_cap=cap, view_range=view_range)
        assert (full, low) == brute_force(positions, viewer, cap, view_range)


def test_ties_break_by_client_id() -> None:
    grid = AoiGrid()
    grid.move(100, 0, 0)
    for cid in (9, 3, 7, 5):
        grid.move(cid, 1.0, 0.0)
    assert grid.interest(100, full_rate_cap=2) == ([3, 5], [7, 9])


def test_range_boundary_is_inclusive_and_beyond_gets_nothing() -> None:
    grid = AoiGrid(cell_size=4)
    grid.move(1, 0, 0)
    grid.move(2, 40, 0)
    grid.move(3, 40.01, 0)
    assert grid.interest(1, view_range=40) == ([2], [])


def test_query_cost_is_local_for_5000_avatars_in_a_big_hall() -> None:
    rng = random.Random(5)
    grid = AoiGrid(cell_size=10)
    side = 1000.0  # 5,000 avatars over a square kilometre: 0.005 per m²
    for cid in range(1, 5001):
        grid.move(cid, rng.uniform(0, side), rng.uniform(0, side))
    view_range = 40.0
    expected_nearby = 5000 * math.pi * view_range**2 / side**2  # ≈ 25
    for viewer in range(1, 5001, 97):
        full, low = grid.interest(viewer, full_rate_cap=50, view_range=view_range)
        cost = grid.last_cost
        # The square of cells around the range: (2·40/10 + 1)² = 81 cells at most.
        assert cost.cells_visited <= 81
        # Checks cover only avatars in those cells (≈ square area 90² m² ≈ 40), never all 5,000.
        assert cost.distance_checks < 100
        assert len(full) + len(low) < 4 * expected_nearby


def test_crowding_more_avatars_elsewhere_does_not_raise_query_cost() -> None:
    grid = AoiGrid(cell_size=10)
    rng = random.Random(9)
    for cid in range(1, 2001):
        grid.move(cid, rng.uniform(0, 200), rng.uniform(0, 200))
    grid.interest(1, view_range=30)
    before = grid.last_cost
    for cid in range(2001, 7001):  # a far-away crowd
        grid.move(cid, rng.uniform(2000, 3000), rng.uniform(2000, 3000))
    grid.interest(1, view_range=30)
    assert grid.last_cost == before


def test_move_remove_and_bad_input() -> None:
    grid = AoiGrid(cell_size=5)
    grid.move(1, 0, 0)
    grid.move(2, 3, 3)
    grid.move(2, 300, 300)
    assert grid.interest(1) == ([], [])
    grid.remove(2)
    grid.remove(2)
    assert len(grid) == 1 and 2 not in grid
    assert grid.position(1) == (0, 0)
    with pytest.raises(ValueError):
        grid.move(3, math.nan, 0)
    with pytest.raises(ValueError):
        AoiGrid(cell_size=0)
