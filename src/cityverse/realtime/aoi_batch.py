"""Area of interest for every viewer of an instance at once, vectorised with numpy.

``AoiGrid.interest`` answers one viewer with a Python loop over its neighbours; in a crowded
hall that loop ran once per client per tick and was most of the tick. Here the avatars are put
in arrays once per tick, viewers are grouped by grid cell (they share one candidate set: the
avatars in the cells around theirs), and distances, range checks and the nearest-first ranking
are computed for a whole group per numpy call. The answer is exactly the reference's: the same
float arithmetic, the same square of cells, the same order (distance, then lower client id).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from cityverse.realtime.aoi import AoiGrid, Cell

# Viewers per distance matrix: bounds memory to ROW_CHUNK × candidates floats.
ROW_CHUNK = 256

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


class _Arrays:
    """The grid's avatars in id order: ids, positions and cells as parallel arrays."""

    def __init__(self, grid: AoiGrid) -> None:
        placements = grid.placements()
        ordered = sorted(placements)
        rows = [placements[cid] for cid in ordered]
        self.ids: IntArray = np.array(ordered, dtype=np.int64)
        self.x: FloatArray = np.array([row[0] for row in rows], dtype=np.float64)
        self.z: FloatArray = np.array([row[1] for row in rows], dtype=np.float64)
        self.cell_x: IntArray = np.array([row[2][0] for row in rows], dtype=np.int64)
        self.cell_z: IntArray = np.array([row[2][1] for row in rows], dtype=np.int64)
        self.index = {cid: position for position, cid in enumerate(ordered)}
        self.cell_size = grid.cell_size


AvatarArrays = _Arrays


def nearest_for_all(
    grid: AoiGrid, viewers: list[int], cap: int, view_range: float
) -> dict[int, list[int]]:
    """For each viewer (a client id in the grid): the ids of its nearest ``cap`` avatars within
    ``view_range``, nearest first — ``interest(viewer, cap, view_range)`` full-rate list."""
    cap = max(cap, 0)
    if cap == 0 or not viewers:
        return {viewer: [] for viewer in viewers}
    arrays = _Arrays(grid)
    ranked = nearest_positions(arrays, [arrays.index[viewer] for viewer in viewers], cap,
                               view_range)
    result: dict[int, list[int]] = {}
    for viewer, row in zip(viewers, ranked.tolist(), strict=True):
        result[viewer] = [int(arrays.ids[position]) for position in row if position >= 0]
    return result


def nearest_positions(
    arrays: _Arrays, viewers: list[int], cap: int, view_range: float
) -> IntArray:
    """The same ranking as a matrix: row i holds the array positions (indices into
    ``arrays.ids``) of viewer ``viewers[i]``'s nearest ``cap`` avatars, nearest first, padded
    with -1 — the form the batched frame build reads without a Python loop per avatar."""
    cap = max(cap, 0)
    ranked = np.full((len(viewers), cap), -1, dtype=np.int64)
    if cap == 0 or not viewers:
        return ranked
    reach = math.ceil(view_range / arrays.cell_size) + 2
    # Viewers whose reach covers every occupied cell (all of them, in a hall smaller than the
    # view range) share one group with every avatar as candidate: fewer, larger numpy calls.
    # A viewer's cell must lie within ``reach`` of both the lowest and the highest occupied one.
    all_x = (int(arrays.cell_x.max()) - reach, int(arrays.cell_x.min()) + reach)
    all_z = (int(arrays.cell_z.max()) - reach, int(arrays.cell_z.min()) + reach)
    by_cell: dict[Cell | None, list[int]] = {}
    for row, (cell_x, cell_z) in enumerate(zip(arrays.cell_x[viewers].tolist(),
                                               arrays.cell_z[viewers].tolist(), strict=True)):
        covers_all = all_x[0] <= cell_x <= all_x[1] and all_z[0] <= cell_z <= all_z[1]
        by_cell.setdefault(None if covers_all else (cell_x, cell_z), []).append(row)
    viewer_positions = np.array(viewers, dtype=np.int64)
    for key, rows_here in by_cell.items():
        if key is None:
            candidates = np.arange(len(arrays.ids))
        else:
            near_x = np.abs(arrays.cell_x - key[0]) <= reach
            candidates = np.nonzero(near_x & (np.abs(arrays.cell_z - key[1]) <= reach))[0]
        for start in range(0, len(rows_here), ROW_CHUNK):
            out_rows = np.array(rows_here[start:start + ROW_CHUNK], dtype=np.int64)
            picked = _rank(arrays, viewer_positions[out_rows], candidates, cap, view_range,
                           arrays.cell_size)
            ranked[out_rows, :picked.shape[1]] = picked
    return ranked


def _distances(
    arrays: _Arrays, rows: IntArray, candidates: IntArray, view_range: float, cell_size: float
) -> FloatArray:
    """Squared distance viewer × candidate, ``inf`` where the reference would not look or the
    avatar is out of range (or is the viewer itself)."""
    view_x, view_z = arrays.x[rows][:, None], arrays.z[rows][:, None]
    dx = arrays.x[candidates][None, :] - view_x
    dz = arrays.z[candidates][None, :] - view_z
    d2 = dx * dx + dz * dz
    # The same square of cells AoiGrid.interest visits, computed the same way.
    low_x = np.floor((view_x - view_range) / cell_size)
    high_x = np.floor((view_x + view_range) / cell_size)
    low_z = np.floor((view_z - view_range) / cell_size)
    high_z = np.floor((view_z + view_range) / cell_size)
    cell_x, cell_z = arrays.cell_x[candidates], arrays.cell_z[candidates]
    inside = d2 <= view_range * view_range
    # In a hall smaller than the view range every viewer's square holds every candidate's
    # cell: the four comparisons over the whole matrix are then skipped.
    if len(candidates) and not (
        low_x.max() <= cell_x.min() and high_x.min() >= cell_x.max()
        and low_z.max() <= cell_z.min() and high_z.min() >= cell_z.max()
    ):
        inside &= ((cell_x[None, :] >= low_x) & (cell_x[None, :] <= high_x)
                   & (cell_z[None, :] >= low_z) & (cell_z[None, :] <= high_z))
    d2[~inside] = np.inf
    # The viewer itself is never in its own interest.
    own = np.nonzero(candidates[None, :] == rows[:, None])
    d2[own] = np.inf
    return d2


def _rank(
    arrays: _Arrays, rows: IntArray, candidates: IntArray, cap: int, view_range: float,
    cell_size: float,
) -> IntArray:
    """Positions of each row's nearest avatars, nearest first, -1 past the ones in range."""
    d2 = _distances(arrays, rows, candidates, view_range, cell_size)
    keep = min(cap, d2.shape[1])
    if keep == 0:
        return np.empty((len(rows), 0), dtype=np.int64)
    if keep < d2.shape[1]:
        picked = np.argpartition(d2, keep - 1, axis=1)[:, :keep]
    else:
        picked = np.broadcast_to(np.arange(keep), (len(rows), keep)).copy()
    # Columns are in client-id order, so a stable sort by distance breaks ties by lower id.
    picked.sort(axis=1)
    values = np.take_along_axis(d2, picked, axis=1)
    order = np.argsort(values, axis=1, kind="stable")
    picked = np.take_along_axis(picked, order, axis=1)
    values = np.take_along_axis(values, order, axis=1)
    _settle_ties(d2, picked, values, keep)
    positions: IntArray = np.where(np.isfinite(values), candidates[picked], -1)
    return positions


def _settle_ties(d2: FloatArray, picked: IntArray, values: FloatArray, keep: int) -> None:
    """argpartition picks arbitrarily among avatars tied at the cut-off distance; where more
    than ``keep`` lie within it, redo that row exactly (lowest ids win the ties)."""
    cutoff = values[:, keep - 1]
    within = (d2 <= cutoff[:, None]).sum(axis=1)
    for row in np.nonzero(np.isfinite(cutoff) & (within > keep))[0].tolist():
        chosen = np.nonzero(d2[row] <= cutoff[row])[0]
        chosen = chosen[np.argsort(d2[row, chosen], kind="stable")][:keep]
        picked[row] = chosen
        values[row] = d2[row, chosen]
