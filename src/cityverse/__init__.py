"""Cityverse: one platform for the systems of a city's metaverse action plan."""

__version__ = "0.1.0"
