"""q translated to SQL (qsql) answers exactly what the Python evaluation answers, on awkward
values (arrays, languageMaps, nulls, booleans, mixed types, several instances), and the spatial
index finds exactly what the exact geo check finds."""

from __future__ import annotations

import random
from typing import Any

import pytest
from fastapi import FastAPI
from shapely.geometry import Point

from cityverse.modules.twin import qsql, service, store
from cityverse.modules.twin.ngsild.entity import StoredEntity
from cityverse.modules.twin.ngsild.geo import distance_m, parse_geo_query
from cityverse.modules.twin.ngsild.query import parse_q

V = "urn:v:"


def prop(value: Any, **extra: Any) -> dict[str, Any]:
    return {"type": "Property", "value": value, **extra}


ODD_VALUES: list[list[dict[str, Any]]] = [
    [prop(5)], [prop(5.0)], [prop(7.5)], [prop(-1)], [prop("5")], [prop("abc")], [prop("Zed")],
    [prop(True)], [prop(False)], [prop(1)], [prop(0)], [prop(None)], [prop([])],
    [prop([3, 9])], [prop(["abc", 12])], [prop({"n": 5})], [prop({})], [prop([None])],
    [{"type": "LanguageProperty", "languageMap": {"en": "abc", "zh": "甲"}}],
    [{"type": "LanguageProperty", "languageMap": {}}],
    [{"type": "Relationship", "object": "urn:x:1"}],
    [{"type": "ListProperty", "valueList": [1, 2, 30]}],
    [prop(2), prop(40, datasetId="urn:d:2")],
    [{"value": 5}],  # no type: the instance itself is the value
]
QUERIES = [
    "a", "b", "a;b", "a|b", "a==5", "a==5.0", "a>4", "a>=5", "a<5", "a<=0", "a==\"5\"",
    "a==\"abc\"", "a>\"Y\"", "a<\"a\"", "a==true", "a==false", "a>true", "a==1", "a==3..10",
    "a==1..2", "a==\"a\"..\"b\"", "a==4,5,\"abc\"", "a==true,7.5", "a==urn:x:1", "a>=30",
    "a==甲", "b==2;a>4", "a>100|b<3", "(a==5|a==\"abc\");b", "a!=5", "a~=ab", "a>4;a!=5",
    "a==2026-01-01T00:00:00Z", "a.b==1", "a[n]==5", "a==3..\"x\"",
]


@pytest.fixture
async def entities(app: FastAPI) -> None:
    rng = random.Random(3)
    made = []
    for number, attrs in enumerate(ODD_VALUES * 2):
        other = ODD_VALUES[rng.randrange(len(ODD_VALUES))]
        chosen = {f"{V}a": attrs} if number < len(ODD_VALUES) else {f"{V}b": attrs, f"{V}a": other}
        made.append(StoredEntity(id=f"urn:e:{number:03d}", types=[f"{V}T"], attrs=chosen))
    async with app.state.sessionmaker() as session, session.begin():
        await service.create_new_entities(session, "", made, record=False)


async def ids(app: FastAPI, q: str, *, pushdown: bool, offset: int = 0,
              limit: int = 1000) -> tuple[list[str], int]:
    node = parse_q(q)
    for term in _terms(node):
        term.path.iris = [f"{V}{n}" for n in term.path.names]
    wanted = store.Candidates(tenant="", types=[f"{V}T"], q=node, pushdown=pushdown)
    async with app.state.sessionmaker() as session:
        page, total = await store.query(session, wanted, offset=offset, limit=limit)
    return [e.id for e in page], total


def _terms(node: Any) -> list[Any]:
    return [node] if not hasattr(node, "parts") else [t for p in node.parts for t in _terms(p)]


@pytest.mark.usefixtures("entities")
@pytest.mark.parametrize("q", QUERIES)
async def test_sql_and_python_agree(app: FastAPI, q: str) -> None:
    assert await ids(app, q, pushdown=True) == await ids(app, q, pushdown=False)


@pytest.mark.usefixtures("entities")
async def test_pages_and_counts_agree(app: FastAPI) -> None:
    for offset, limit in ((0, 3), (3, 3), (40, 5), (1000, 5), (0, 0)):
        assert await ids(app, "a", pushdown=True, offset=offset, limit=limit) == \
            await ids(app, "a", pushdown=False, offset=offset, limit=limit)


def test_what_is_translated() -> None:
    def translated(q: str) -> qsql.Translated | None:
        node = parse_q(q)
        for term in _terms(node):
            term.path.iris = [f"{V}{n}" for n in term.path.names]
        return qsql.translate(node, "sqlite")

    found = translated("a>4;b==\"x\"|c")
    assert found is not None and found.exact
    assert translated("a!=4") is None and translated("a~=x") is None
    partial = translated("a>4;a!=5")
    assert partial is not None and not partial.exact
    assert translated("a>4|a!=5") is None


async def test_the_spatial_index_finds_what_the_exact_check_finds(app: FastAPI) -> None:
    rng = random.Random(9)
    made = []
    for number in range(400):
        lon, lat = 120.8 + rng.random() * 0.2, 31.2 + rng.random() * 0.2
        geometry: dict[str, Any] = {"type": "Point", "coordinates": [lon, lat]}
        if number % 10 == 0:  # some polygons, whose boxes are not points
            geometry = {"type": "Polygon", "coordinates": [[[lon, lat], [lon + 0.01, lat],
                                                            [lon, lat + 0.01], [lon, lat]]]}
        made.append(StoredEntity(id=f"urn:g:{number:03d}", types=[f"{V}T"],
                                 attrs={store.LOCATION: [{"type": "GeoProperty",
                                                          "value": geometry}]}))
    async with app.state.sessionmaker() as session, session.begin():
        await service.create_new_entities(session, "", made, record=False)
    for georel, geometry, coordinates in (
        ("near;maxDistance==2000", "Point", "[120.9,31.3]"),
        ("near;maxDistance==1", "Point", "[120.9,31.3]"),
        ("within", "Polygon", "[[[120.85,31.25],[120.95,31.25],[120.95,31.35],[120.85,31.25]]]"),
        ("intersects", "LineString", "[[120.8,31.2],[121.0,31.4]]"),
    ):
        geo = parse_geo_query(georel, geometry, coordinates, None)
        assert geo is not None
        async with app.state.sessionmaker() as session:
            found, total = await store.query(
                session, store.Candidates(tenant="", geo=geo), offset=0, limit=1000)
        expected = sorted(e.id for e in made if geo.matches(
            e.attrs[store.LOCATION][0]["value"]))
        assert sorted(e.id for e in found) == expected and total == len(expected)


@pytest.mark.parametrize("latitude", [0.0, 31.3, 69.5, -80.0, 89.99])
def test_the_near_box_holds_every_point_within_the_distance(latitude: float) -> None:
    """maxDistance in metres becomes a box in degrees wide enough at that latitude."""
    geo = parse_geo_query("near;maxDistance==5000", "Point", f"[10.0,{latitude}]", None)
    assert geo is not None
    box = geo.bbox()
    assert box is not None
    rng = random.Random(1)
    for _ in range(2000):
        lon = 10.0 + rng.uniform(-1, 1) * (box[2] - box[0])
        lat = max(-90.0, min(90.0, latitude + rng.uniform(-1, 1) * (box[3] - box[1])))
        if distance_m(geo.geometry, Point(lon, lat)) <= 5000:
            assert box[0] <= lon <= box[2] and box[1] <= lat <= box[3]


@pytest.mark.usefixtures("entities")
@pytest.mark.parametrize("pushdown", [True, False])
async def test_without_count_the_total_only_says_whether_more_follow(
    app: FastAPI, pushdown: bool
) -> None:
    _, everything = await ids(app, "a", pushdown=pushdown)
    wanted = store.Candidates(tenant="", types=[f"{V}T"], q=parse_q("a"), pushdown=pushdown)
    for term in _terms(wanted.q):
        term.path.iris = [f"{V}{n}" for n in term.path.names]
    async with app.state.sessionmaker() as session:
        page, lower = await store.query(session, wanted, offset=0, limit=5, count=False)
        assert len(page) == 5 and 5 < lower <= everything
        page, last = await store.query(session, wanted, offset=everything - 2, limit=5,
                                       count=False)
        assert len(page) == 2 and last == everything
