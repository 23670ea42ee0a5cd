"""`cityverse twin import`: GeoJSON and CityJSON fixtures into a tenant, rejected features
reported (and written to a file), dry runs, reruns that replace instead of duplicating, and
clear refusals of files that cannot be imported."""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from shapely.geometry import shape
from sqlalchemy import select
from typer.testing import CliRunner

from cityverse.cli import app
from cityverse.core.audit import AuditEvent
from cityverse.core.config import Settings, get_settings
from cityverse.core.db import create_engine, create_sessionmaker
from cityverse.modules.twin.models import TwinEntity
from cityverse.modules.twin.store import to_entity

FIXTURES = Path(__file__).parent / "fixtures"
SHIPPED_TWIN = (Path(__file__).resolve().parents[3]
                / "src/cityverse/cities/kunshan/data/twin/kunshan-twin.json.gz")
VOCAB = "https://uri.etsi.org/ngsi-ld/default-context/"
runner = CliRunner()


@pytest.fixture(autouse=True)
def cli_settings(settings: Settings, monkeypatch: pytest.MonkeyPatch,
                 tmp_path: Path) -> Iterator[Settings]:
    monkeypatch.setenv("CITYVERSE_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("CITYVERSE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CITYVERSE_LOG_LEVEL", "WARNING")
    get_settings.cache_clear()
    yield settings
    get_settings.cache_clear()


def entities(settings: Settings, tenant: str) -> dict[str, Any]:
    async def read() -> dict[str, Any]:
        engine = create_engine(settings)
        try:
            async with create_sessionmaker(engine)() as session:
                rows = await session.scalars(select(TwinEntity).where(TwinEntity.tenant == tenant))
                return {row.entity_id: to_entity(row) for row in rows}
        finally:
            await engine.dispose()

    return asyncio.run(read())


def audit_rows(settings: Settings) -> list[AuditEvent]:
    async def read() -> list[AuditEvent]:
        engine = create_engine(settings)
        try:
            async with create_sessionmaker(engine)() as session:
                rows = await session.scalars(select(AuditEvent).where(
                    AuditEvent.action == "twin.import"))
                return list(rows)
        finally:
            await engine.dispose()

    return asyncio.run(read())


def value(entity: Any, name: str) -> Any:
    return entity.attrs[VOCAB + name][0]["value"]


def test_geojson_import_reports_rejects_and_reruns_replace(
    cli_settings: Settings, tmp_path: Path,
) -> None:
    report = tmp_path / "rejects.json"
    args = ["twin", "import", str(FIXTURES / "buildings.geojson"), "--type", "Building",
            "--tenant", "geojson_test", "--id-prefix", "test:", "--rejects", str(report)]
    for _ in range(2):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    assert "0 created, 3 replaced, 3 rejected" in result.output
    rejected = json.loads(report.read_text("utf-8"))
    assert [(r["index"], r["id"]) for r in rejected] == [
        (2, ""), (3, "urn:ngsi-ld:Building:test:b4"), (4, "urn:ngsi-ld:Building:test:b5")]
    assert "no id" in rejected[0]["reason"] and "longitude" in rejected[1]["reason"]
    assert "GeometryCollection" in rejected[2]["reason"]
    stored = entities(cli_settings, "geojson_test")
    assert set(stored) == {f"urn:ngsi-ld:Building:test:{key}" for key in ("b1", "b2", "b6")}
    tower = stored["urn:ngsi-ld:Building:test:b1"]
    assert value(tower, "name") == "花桥大厦" and value(tower, "height") == 88
    assert tower.types == [VOCAB + "Building"]
    shop = stored["urn:ngsi-ld:Building:test:b2"]
    assert value(shop, "address")["streetAddress"] == "金洋路1号"
    assert value(shop, "floor_count") == 1  # a name with a space made valid
    unplaced = stored["urn:ngsi-ld:Building:test:b6"]
    assert "https://uri.etsi.org/ngsi-ld/location" not in unplaced.attrs
    assert len(audit_rows(cli_settings)) >= 2


def test_cityjson_buildings_get_footprints_heights_and_parts(cli_settings: Settings) -> None:
    result = runner.invoke(app, ["twin", "import", str(FIXTURES / "huaqiao.city.json"),
                                 "--tenant", "cityjson_test", "--id-prefix", "kunshan:"])
    assert result.exit_code == 0, result.output
    assert "4 created, 0 replaced, 2 rejected" in result.output
    assert "SolitaryVegetationObject" in result.output and "no geometry" in result.output
    stored = entities(cli_settings, "cityjson_test")
    tower = stored["urn:ngsi-ld:Building:kunshan:tower-1"]
    footprint = shape(tower.attrs["https://uri.etsi.org/ngsi-ld/location"][0]["value"])
    assert footprint.geom_type == "Polygon"
    assert footprint.bounds == pytest.approx((121.091, 31.301, 121.0916, 31.3015))
    assert value(tower, "height") == 120.5 and value(tower, "floorsAboveGround") == 30
    assert value(tower, "name") == "花桥测试大厦" and value(tower, "roofType") == "flat"
    mall = stored["urn:ngsi-ld:Building:kunshan:mall"]
    assert value(mall, "height") == 24.0  # from the z range of its parts
    part = stored["urn:ngsi-ld:Building:kunshan:mall-part-2"]
    assert part.attrs[VOCAB + "refBuilding"][0]["object"] == "urn:ngsi-ld:Building:kunshan:mall"


def test_an_array_of_ngsild_entities_imports_as_is(cli_settings: Settings) -> None:
    shipped = SHIPPED_TWIN
    result = runner.invoke(app, ["twin", "import", str(shipped), "--tenant", "array_test"])
    assert result.exit_code == 0 and "2464 created" in result.output, result.output
    stored = entities(cli_settings, "array_test")
    assert len(stored) == 2464 and "urn:ngsi-ld:Road:kunshan:road-qianjin-road" in stored


def test_dry_run_writes_nothing(cli_settings: Settings) -> None:
    result = runner.invoke(app, ["twin", "import", str(FIXTURES / "huaqiao.city.json"),
                                 "--tenant", "dry_run_test", "--dry-run"])
    assert result.exit_code == 0 and "Would import: 4 created" in result.output
    assert entities(cli_settings, "dry_run_test") == {}


def test_nothing_imported_exits_one(tmp_path: Path) -> None:
    bad = tmp_path / "untyped.geojson.gz"
    features = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": "x", "properties": {}, "geometry": None}]}
    bad.write_bytes(gzip.compress(json.dumps(features).encode()))
    result = runner.invoke(app, ["twin", "import", str(bad), "--tenant", "nothing_test"])
    assert result.exit_code == 1 and "no entity type" in result.output


@pytest.mark.parametrize(("content", "message"), [
    (b"{not json", "not valid JSON"),
    (b'{"type": "Topology"}', "neither a GeoJSON"),
    (b'{"type": "FeatureCollection"}', "no \"features\" array"),
    (b'{"type": "FeatureCollection", "features": [], "crs": {"type": "name", '
     b'"properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}}', "only WGS84"),
    (b'{"type": "CityJSON", "CityObjects": {}, "vertices": [[500000, 3460000, 0]]}',
     "names no reference system"),
])
def test_malformed_files_are_refused_with_a_reason(tmp_path: Path, content: bytes,
                                                    message: str) -> None:
    path = tmp_path / "input.json"
    path.write_bytes(content)
    result = runner.invoke(app, ["twin", "import", str(path)])
    assert result.exit_code == 2 and message in " ".join(result.output.split()), result.output


def test_other_reference_systems_and_big_files_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    refused = runner.invoke(app, ["twin", "import", str(FIXTURES / "rd-new.city.json")])
    assert refused.exit_code == 2 and "EPSG/0/7415" in " ".join(refused.output.split())
    monkeypatch.setattr("cityverse.modules.twin.imports.MAX_IMPORT_BYTES", 100)
    big = runner.invoke(app, ["twin", "import", str(FIXTURES / "buildings.geojson")])
    assert big.exit_code == 2 and "larger than" in big.output
    bad_tenant = runner.invoke(app, ["twin", "import", str(FIXTURES / "buildings.geojson"),
                                     "--tenant", "no spaces"])
    assert bad_tenant.exit_code == 2
