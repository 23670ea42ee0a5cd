"""The vectorised area of interest returns exactly what the per-viewer reference returns."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cityverse.realtime.aoi import AoiGrid
from cityverse.realtime.aoi_batch import ROW_CHUNK, nearest_for_all

# Centimetre positions like the server's (many exact distance ties), in a 60 m square.
coordinate = st.integers(min_value=-3000, max_value=3000).map(lambda cm: cm / 100)


@settings(max_examples=120, deadline=None)
@given(
    positions=st.lists(st.tuples(coordinate, coordinate), min_size=1, max_size=80),
    cap=st.integers(min_value=0, max_value=30),
    view_range=st.floats(min_value=0.5, max_value=70.0),
    cell_size=st.sampled_from([1.0, 2.5, 10.0, 33.0]),
    stacked=st.integers(min_value=0, max_value=20),
)
def test_batch_matches_the_reference_query(
    positions: list[tuple[float, float]], cap: int, view_range: float, cell_size: float,
    stacked: int,
) -> None:
    grid = AoiGrid(cell_size)
    # Some avatars stand on the same spot (a spawn point): ties at the cut-off distance.
    positions = positions + [positions[0]] * stacked
    for client_id, (x, z) in enumerate(positions, 1):
        grid.move(client_id * 3, x, z)  # ids with gaps
    viewers = [client_id * 3 for client_id in range(1, len(positions) + 1, 2)]
    batch = nearest_for_all(grid, viewers, cap, view_range)
    assert set(batch) == set(viewers)
    for viewer in viewers:
        assert batch[viewer] == grid.interest(viewer, cap, view_range)[0]


def test_more_viewers_in_one_cell_than_one_chunk() -> None:
    grid = AoiGrid(10.0)
    count = ROW_CHUNK + 40
    for client_id in range(1, count + 1):
        grid.move(client_id, (client_id % 17) / 10, (client_id % 13) / 10)
    batch = nearest_for_all(grid, list(range(1, count + 1)), 25, 40.0)
    for viewer in range(1, count + 1):
        assert batch[viewer] == grid.interest(viewer, 25, 40.0)[0]
