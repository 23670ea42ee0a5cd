"""How simulated sensors behave: daily rhythms in Kunshan's local time (rush hours on roads,
tourist peaks at scenic spots, the day's temperature curve), slow weather drift from day to
day and, now and then, an anomaly (a pollution spike, high water) that lasts a while."""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

KUNSHAN_TIME = timezone(timedelta(hours=8))
ANOMALY_CHANCE = 0.002  # per reading; an anomaly then lasts ANOMALY_READINGS readings
ANOMALY_READINGS = 30

SENSOR_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "AirQualityObserved": ("pm25", "pm10", "no2", "o3", "co", "temperature",
                           "relativeHumidity", "airQualityIndex"),
    "WaterObserved": ("height", "temperature", "flow"),
    "FloodMonitoring": ("currentLevel", "referenceLevel"),
    "TrafficFlowObserved": ("intensity", "averageVehicleSpeed", "occupancy", "congested"),
    "CrowdFlowObserved": ("peopleCount", "occupancy", "congested", "averageCrowdSpeed"),
}
# China's AQI (HJ 633-2012): PM2.5 µg/m³ breakpoints → index breakpoints.
_PM25_BREAKPOINTS = ((0, 0), (35, 50), (75, 100), (115, 150), (150, 200), (250, 300),
                     (350, 400), (500, 500))


@dataclass
class Sensor:
    """One simulated device: its site's character comes from a seed, so a restart keeps it."""

    device_id: str
    entity_type: str
    scenic: bool = False  # a tourist spot: crowds peak by day and at weekends
    anomaly_left: int = 0

    @property
    def seed(self) -> int:
        return sum((i + 1) * ord(c) for i, c in enumerate(self.device_id))

    def site(self, low: float, high: float, salt: int = 0) -> float:
        """A fixed value of this site between low and high."""
        site_rng = random.Random(self.seed * 7919 + salt)  # noqa: S311 - simulation, not secrets
        return low + (high - low) * site_rng.random()


def gaussian_peak(hour: float, centre: float, width: float) -> float:
    distance = min(abs(hour - centre), 24 - abs(hour - centre))
    return math.exp(-(distance ** 2) / (2 * width ** 2))


def traffic_load(hour: float, weekend: bool) -> float:
    """0…1: morning and evening rush on workdays, a flatter midday hump at weekends."""
    if weekend:
        return 0.15 + 0.55 * gaussian_peak(hour, 14, 3.5)
    return 0.1 + 0.85 * gaussian_peak(hour, 8, 1.2) + 0.9 * gaussian_peak(hour, 18, 1.4) \
        + 0.35 * gaussian_peak(hour, 13, 2.5)


def crowd_load(hour: float, weekend: bool, scenic: bool) -> float:
    if scenic:
        return (0.05 + 0.8 * gaussian_peak(hour, 14, 2.5)) * (1.5 if weekend else 1.0)
    return 0.05 + 0.45 * gaussian_peak(hour, 12.5, 1.5) + 0.6 * gaussian_peak(hour, 19.5, 1.8)


def air_temperature(moment: datetime, sensor: Sensor) -> float:
    """Daily curve (coolest near 05:00, warmest near 14:00) on a seasonal mean with drift."""
    local = moment.astimezone(KUNSHAN_TIME)
    day = local.timetuple().tm_yday
    seasonal = 16.5 - 11.5 * math.cos(2 * math.pi * (day - 20) / 365)
    drift = 2.5 * math.sin(2 * math.pi * day / 6.3 + sensor.site(0, 6, 1))
    hour = local.hour + local.minute / 60
    daily = 4.0 * math.cos(2 * math.pi * (hour - 14) / 24)
    return seasonal + drift + daily


def air_quality_index(pm25: float) -> int:
    for (c_low, i_low), (c_high, i_high) in itertools.pairwise(_PM25_BREAKPOINTS):
        if pm25 <= c_high:
            return round(i_low + (i_high - i_low) * (pm25 - c_low) / (c_high - c_low))
    return 500


def reading(sensor: Sensor, moment: datetime, rng: random.Random) -> dict[str, object]:
    """The next reading of a sensor at `moment` (attribute short name → value)."""
    if sensor.anomaly_left > 0:
        sensor.anomaly_left -= 1
    elif rng.random() < ANOMALY_CHANCE:
        sensor.anomaly_left = ANOMALY_READINGS
    local = moment.astimezone(KUNSHAN_TIME)
    hour = local.hour + local.minute / 60
    weekend = local.weekday() >= 5
    anomaly = sensor.anomaly_left > 0
    make = _RULES[sensor.entity_type]
    return make(sensor, moment, hour, weekend, anomaly, rng)


def _air(sensor: Sensor, moment: datetime, hour: float, weekend: bool, anomaly: bool,
         rng: random.Random) -> dict[str, object]:
    traffic = traffic_load(hour, weekend)
    day = moment.astimezone(KUNSHAN_TIME).timetuple().tm_yday
    weather = 1 + 0.35 * math.sin(2 * math.pi * day / 4.7 + sensor.site(0, 6, 2))
    pm25 = (sensor.site(18, 32) + 25 * traffic) * weather + rng.gauss(0, 2.5)
    if anomaly:  # a pollution episode: a fire, a construction site, a stagnant night
        pm25 *= 3.5
    pm25 = max(3.0, pm25)
    temperature = air_temperature(moment, sensor) + rng.gauss(0, 0.3)
    sun = max(0.0, math.sin(math.pi * (hour - 6) / 13)) if 6 <= hour <= 19 else 0.0
    return {
        "pm25": round(pm25, 1),
        "pm10": round(pm25 * sensor.site(1.4, 1.8, 3) + rng.gauss(0, 3), 1),
        "no2": round(max(2.0, 12 + 45 * traffic + rng.gauss(0, 3)), 1),
        "o3": round(max(5.0, 25 + 110 * sun * (temperature / 25) + rng.gauss(0, 5)), 1),
        "co": round(max(0.1, 0.35 + 0.6 * traffic + rng.gauss(0, 0.05)), 2),
        "temperature": round(temperature, 1),
        "relativeHumidity": round(min(98.0, max(25.0, 95 - 1.6 * temperature
                                                + rng.gauss(0, 2))), 1),
        "airQualityIndex": air_quality_index(pm25),
    }


def _water(sensor: Sensor, moment: datetime, hour: float, weekend: bool, anomaly: bool,
           rng: random.Random) -> dict[str, object]:
    # Kunshan's lakes and canals move little: a slow semi-diurnal swing of a few centimetres.
    height = sensor.site(1.2, 2.4) + 0.06 * math.sin(2 * math.pi * hour / 12.4) \
        + rng.gauss(0, 0.01) + (1.1 if anomaly else 0.0)
    return {
        "height": round(height, 2),
        "temperature": round(0.6 * air_temperature(moment, sensor) + 6 + rng.gauss(0, 0.1), 1),
        "flow": round(max(0.5, sensor.site(4, 35, 4) * (2.2 if anomaly else 1.0)
                          + rng.gauss(0, 0.8)), 1),
    }


def _flood(sensor: Sensor, moment: datetime, hour: float, weekend: bool, anomaly: bool,
           rng: random.Random) -> dict[str, object]:
    reference = round(sensor.site(2.8, 3.6), 2)  # the site's warning level
    level = reference - sensor.site(0.7, 1.4, 5) + 0.05 * math.sin(2 * math.pi * hour / 12.4)
    if anomaly:  # a storm surge over the warning level
        level = reference + sensor.site(0.05, 0.4, 6)
    return {"currentLevel": round(level + rng.gauss(0, 0.01), 2), "referenceLevel": reference}


def _traffic(sensor: Sensor, moment: datetime, hour: float, weekend: bool, anomaly: bool,
             rng: random.Random) -> dict[str, object]:
    load = min(1.0, traffic_load(hour, weekend) * (1.6 if anomaly else 1.0)
               + rng.gauss(0, 0.03))
    load = max(0.02, load)
    capacity = sensor.site(900, 2400)  # vehicles per hour the road carries
    free_speed = sensor.site(40, 70, 7)
    return {
        "intensity": round(capacity * min(load, 0.95) / 12),  # vehicles per 5 minutes
        "averageVehicleSpeed": round(max(5.0, free_speed * (1 - 0.75 * load ** 2)), 1),
        "occupancy": round(min(0.98, 0.9 * load), 2),
        "congested": load > 0.8,
    }


def _crowd(sensor: Sensor, moment: datetime, hour: float, weekend: bool, anomaly: bool,
           rng: random.Random) -> dict[str, object]:
    load = crowd_load(hour, weekend, sensor.scenic) * (1.8 if anomaly else 1.0)
    load = min(1.0, max(0.0, load + rng.gauss(0, 0.02)))
    capacity = sensor.site(400, 3000) * (2 if sensor.scenic else 1)
    return {
        "peopleCount": round(capacity * load),
        "occupancy": round(load, 2),
        "congested": load > 0.75,
        "averageCrowdSpeed": round(max(0.2, 1.35 * (1 - 0.8 * load)), 2),
    }


_RULES = {
    "AirQualityObserved": _air, "WaterObserved": _water, "FloodMonitoring": _flood,
    "TrafficFlowObserved": _traffic, "CrowdFlowObserved": _crowd,
}
