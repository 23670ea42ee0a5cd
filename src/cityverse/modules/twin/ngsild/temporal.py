"""The temporal representation of entities (clauses 4.5.9–4.5.19): time filters, aggregation
over periods (`aggrMethods`, `aggrPeriodDuration`) and the three answer formats — normalized
instances, `temporalValues` and `aggregatedValues`."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cityverse.modules.twin.ngsild.entity import parse_datetime
from cityverse.modules.twin.ngsild.errors import ErrorKind, NgsiLdError

AGGREGATIONS = ("totalCount", "distinctCount", "sum", "avg", "min", "max", "stddev", "sumsq")
_DURATION = re.compile(
    r"^P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)
_VALUE_KEYS = ("value", "object", "languageMap", "valueList", "objectList", "json", "vocab")


def bad(detail: str) -> NgsiLdError:
    return NgsiLdError(ErrorKind.BadRequestData, detail)


@dataclass(frozen=True)
class TimeQuery:
    relation: str | None
    at: datetime | None
    end: datetime | None
    prop: str


def parse_time_query(params: Mapping[str, str]) -> TimeQuery:
    relation = params.get("timerel")
    prop = params.get("timeproperty", "observedAt")
    if prop not in ("observedAt", "modifiedAt"):
        raise bad("timeproperty must be observedAt or modifiedAt")
    if relation is None:
        if "timeAt" in params or "endTimeAt" in params:
            raise bad("timeAt needs timerel")
        return TimeQuery(None, None, None, prop)
    if relation not in ("before", "after", "between"):
        raise bad("timerel must be before, after or between")
    if "timeAt" not in params:
        raise bad("timerel needs timeAt")
    at = parse_datetime(params["timeAt"], "timeAt")
    end = None
    if relation == "between":
        if "endTimeAt" not in params:
            raise bad("timerel=between needs endTimeAt")
        end = parse_datetime(params["endTimeAt"], "endTimeAt")
        if end <= at:
            raise bad("endTimeAt must be after timeAt")
    return TimeQuery(relation, at, end, prop)


def parse_duration(raw: str) -> timedelta:
    match = _DURATION.match(raw)
    if match is None or raw in ("P", "PT"):
        raise bad(f"aggrPeriodDuration {raw!r} is not an ISO 8601 duration like PT1H or P1D")
    parts = {key: float(value) for key, value in match.groupdict().items() if value}
    return timedelta(weeks=parts.get("weeks", 0), days=parts.get("days", 0),
                     hours=parts.get("hours", 0), minutes=parts.get("minutes", 0),
                     seconds=parts.get("seconds", 0))


def parse_aggregation(params: Mapping[str, str]) -> tuple[list[str], timedelta]:
    methods = [m for m in (params.get("aggrMethods") or "").split(",") if m]
    if not methods:
        raise bad("aggregatedValues needs aggrMethods")
    for method in methods:
        if method not in AGGREGATIONS:
            raise bad(f"unknown aggregation method {method!r}")
    period = parse_duration(params.get("aggrPeriodDuration", "P0D"))
    return methods, period


def simple_value(instance: Mapping[str, Any]) -> Any:
    for key in _VALUE_KEYS:
        if key in instance:
            return instance[key]
    return None


def time_of(instance: Mapping[str, Any], prop: str) -> str:
    return str(instance.get(prop) or instance.get("modifiedAt") or "")


def temporal_values(instances: Sequence[Mapping[str, Any]], prop: str) -> dict[str, Any]:
    """An attribute's history as [value, time] pairs (clause 4.5.9)."""
    kind = instances[0].get("type", "Property") if instances else "Property"
    key = {"Relationship": "objects", "LanguageProperty": "languageMaps"}.get(kind, "values")
    return {"type": kind, key: [[simple_value(i), time_of(i, prop)] for i in instances]}


def aggregate(
    instances: Sequence[tuple[datetime, Mapping[str, Any]]], methods: Sequence[str],
    period: timedelta, start: datetime | None, end: datetime | None,
) -> dict[str, Any]:
    """Each method over consecutive periods: [[result, period start, period end], …]."""
    out: dict[str, Any] = {"type": "Property"}
    if not instances:
        return {**out, **{method: [] for method in methods}}
    first = start or instances[0][0]
    last = end or (instances[-1][0] + timedelta(microseconds=1))
    buckets: list[tuple[datetime, datetime, list[Any]]] = []
    if period <= timedelta(0):
        buckets.append((first, last, [simple_value(i) for _, i in instances]))
    else:
        position = first
        values_at = iter(instances)
        pending = next(values_at, None)
        while position < last:
            stop = min(position + period, last)
            values: list[Any] = []
            while pending is not None and pending[0] < stop:
                if pending[0] >= position:
                    values.append(simple_value(pending[1]))
                pending = next(values_at, None)
            buckets.append((position, stop, values))
            position = stop
    for method in methods:
        out[method] = [
            [_apply(method, values), _iso(low), _iso(high)] for low, high, values in buckets
        ]
    return out


def _apply(method: str, values: list[Any]) -> Any:
    if method == "totalCount":
        return len(values)
    if method == "distinctCount":
        return len({repr(v) for v in values})
    numbers = [float(v) for v in values
               if isinstance(v, int | float) and not isinstance(v, bool)]
    if not numbers:
        return None
    if method == "sum":
        return sum(numbers)
    if method == "avg":
        return sum(numbers) / len(numbers)
    if method == "min":
        return min(numbers)
    if method == "max":
        return max(numbers)
    if method == "sumsq":
        return sum(n * n for n in numbers)
    mean = sum(numbers) / len(numbers)
    return math.sqrt(sum((n - mean) ** 2 for n in numbers) / len(numbers))


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
