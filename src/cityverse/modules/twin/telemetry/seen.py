"""When each device last had a reading accepted, kept by the running ingest (MQTT and HTTP)
in memory: one dictionary write per reading instead of a registry row update per reading.
It starts empty with the process; the registry page shows "not since start" until then."""

from __future__ import annotations

from datetime import datetime

from cityverse.modules.twin.telemetry.readings import BatchResult, Reading


class LastSeen:
    def __init__(self) -> None:
        self._at: dict[str, datetime] = {}

    def note(self, batch: list[Reading], result: BatchResult, moment: datetime) -> None:
        """The accepted readings of a batch (those not listed among its rejections)."""
        refused = {rejection.index for rejection in result.rejected}
        for index, reading in enumerate(batch):
            if index not in refused:
                self._at[reading.device_id] = moment

    def of(self, device_id: str) -> datetime | None:
        return self._at.get(device_id)
