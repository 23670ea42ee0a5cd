"""Area of interest: which avatars each client hears about, from a uniform grid on the XZ plane.

A query visits only the grid cells that overlap the viewer's view range, so its cost grows with
the avatars nearby, not with the hall's population.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Cell = tuple[int, int]

DEFAULT_CELL_SIZE = 10.0
DEFAULT_VIEW_RANGE = 40.0
DEFAULT_FULL_RATE_CAP = 50


@dataclass(slots=True)
class QueryCost:
    """Work done by the last ``interest`` call; tests use it to prove queries stay local."""

    cells_visited: int = 0
    distance_checks: int = 0


class AoiGrid:
    def __init__(self, cell_size: float = DEFAULT_CELL_SIZE) -> None:
        if not cell_size > 0 or not math.isfinite(cell_size):
            raise ValueError("cell_size must be a positive finite number")
        self.cell_size = cell_size
        self._cells: dict[Cell, set[int]] = {}
        self._positions: dict[int, tuple[float, float, Cell]] = {}
        self.last_cost = QueryCost()

    def __len__(self) -> int:
        return len(self._positions)

    def __contains__(self, client_id: object) -> bool:
        return client_id in self._positions

    def _cell_of(self, x: float, z: float) -> Cell:
        return (math.floor(x / self.cell_size), math.floor(z / self.cell_size))

    def move(self, client_id: int, x: float, z: float) -> None:
        """Place or move an avatar (metres)."""
        if not (math.isfinite(x) and math.isfinite(z)):
            raise ValueError("position must be finite")
        cell = self._cell_of(x, z)
        previous = self._positions.get(client_id)
        if previous is not None and previous[2] != cell:
            self._leave_cell(client_id, previous[2])
        if previous is None or previous[2] != cell:
            self._cells.setdefault(cell, set()).add(client_id)
        self._positions[client_id] = (x, z, cell)

    def remove(self, client_id: int) -> None:
        previous = self._positions.pop(client_id, None)
        if previous is not None:
            self._leave_cell(client_id, previous[2])

    def _leave_cell(self, client_id: int, cell: Cell) -> None:
        members = self._cells[cell]
        members.discard(client_id)
        if not members:
            del self._cells[cell]

    def placements(self) -> dict[int, tuple[float, float, Cell]]:
        """Every avatar's ``(x, z, cell)``, read-only (the batch query copies it into arrays)."""
        return self._positions

    def position(self, client_id: int) -> tuple[float, float]:
        x, z, _ = self._positions[client_id]
        return (x, z)

    def interest(
        self,
        client_id: int,
        full_rate_cap: int = DEFAULT_FULL_RATE_CAP,
        view_range: float = DEFAULT_VIEW_RANGE,
    ) -> tuple[list[int], list[int]]:
        """``(full_rate_ids, low_rate_ids)`` for a viewer, both nearest first.

        The nearest ``full_rate_cap`` avatars within ``view_range`` get full rate, the others in
        range low rate; ties in distance go to the lower client id so results are reproducible.
        """
        x, z, _ = self._positions[client_id]
        cost = QueryCost()
        self.last_cost = cost
        low_x, low_z = self._cell_of(x - view_range, z - view_range)
        high_x, high_z = self._cell_of(x + view_range, z + view_range)
        range_squared = view_range * view_range
        positions = self._positions
        cells = self._cells
        candidates: list[tuple[float, int]] = []
        # Walk whichever is smaller: the cells in the square around the viewer or the occupied
        # cells, so a huge view range over a sparse hall stays cheap too.
        square_cells = (high_x - low_x + 1) * (high_z - low_z + 1)
        if square_cells <= len(cells):
            keys: list[Cell] = [
                (cx, cz) for cx in range(low_x, high_x + 1) for cz in range(low_z, high_z + 1)
            ]
        else:
            keys = [k for k in cells if low_x <= k[0] <= high_x and low_z <= k[1] <= high_z]
        for key in keys:
            members = cells.get(key)
            cost.cells_visited += 1
            if not members:
                continue
            for other in members:
                if other == client_id:
                    continue
                ox, oz, _ = positions[other]
                d2 = (ox - x) * (ox - x) + (oz - z) * (oz - z)
                cost.distance_checks += 1
                if d2 <= range_squared:
                    candidates.append((d2, other))
        candidates.sort()
        ranked = [other for _, other in candidates]
        cap = max(full_rate_cap, 0)
        return ranked[:cap], ranked[cap:]
