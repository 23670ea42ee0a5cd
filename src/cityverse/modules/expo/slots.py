"""The hall's bookable slots: fixed-length, aligned, inside its opening hours (local time)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from cityverse.core.config import Settings
from cityverse.core.errors import AppError

# Further ahead than this a booking is more likely a typo than a plan.
MAX_DAYS_AHEAD = 60


@dataclass(frozen=True)
class Hours:
    zone: ZoneInfo
    opens: int  # minutes after local midnight
    closes: int
    slot: int  # minutes
    entry: int  # minutes the room opens before the slot

    @classmethod
    def of(cls, settings: Settings) -> Hours:
        start, end = settings.expo_meeting_hours.split("-")
        return cls(ZoneInfo(settings.expo_meeting_timezone), _minutes(start), _minutes(end),
                   settings.expo_meeting_slot_minutes, settings.expo_meeting_entry_minutes)

    def slot_length(self) -> timedelta:
        return timedelta(minutes=self.slot)

    def check_start(self, starts_at: datetime, now: datetime) -> datetime:
        """The start in UTC when it is a bookable slot; 422 with the reason otherwise."""
        if starts_at.tzinfo is None:
            raise AppError(422, "meeting_time_needs_zone")
        local = starts_at.astimezone(self.zone)
        minute = local.hour * 60 + local.minute
        if local.second or local.microsecond or (minute - self.opens) % self.slot:
            raise AppError(422, "meeting_slot_unaligned", minutes=self.slot)
        if minute < self.opens or minute + self.slot > self.closes:
            raise AppError(422, "meeting_outside_hours", hours=self.describe())
        start = starts_at.astimezone(UTC)
        if start + self.slot_length() <= now:
            raise AppError(422, "meeting_in_past")
        if start > now + timedelta(days=MAX_DAYS_AHEAD):
            raise AppError(422, "meeting_too_far", days=MAX_DAYS_AHEAD)
        return start

    def day_slots(self, day: date) -> list[datetime]:
        """Every slot start of a local day, in UTC."""
        midnight = datetime.combine(day, time(), self.zone)
        return [
            (midnight + timedelta(minutes=m)).astimezone(UTC)
            for m in range(self.opens, self.closes - self.slot + 1, self.slot)
        ]

    def describe(self) -> str:
        return f"{_hhmm(self.opens)}-{_hhmm(self.closes)} {self.zone.key}"


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
