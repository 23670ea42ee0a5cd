"""twin: spatial index over the entities' location boxes

SQLite: an R*Tree virtual table (built into SQLite) kept in step with twin_entities by
triggers, so every write path (ORM updates, Core inserts, deletes) maintains it.
PostgreSQL: a GiST index over box(point(min), point(max)); the store queries it with `&&`.
Both: (tenant, id) replaces (tenant, min_lon, min_lat), so pages come in creation order.

Revision ID: 0013_twin_geo_index
Revises: 0012_twin_devices
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013_twin_geo_index"
down_revision: str | None = '0012_twin_devices'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_UP = [
    "CREATE VIRTUAL TABLE twin_entity_rtree USING rtree(id, min_lon, max_lon, min_lat, max_lat)",
    """INSERT INTO twin_entity_rtree (id, min_lon, max_lon, min_lat, max_lat)
       SELECT id, min_lon, max_lon, min_lat, max_lat FROM twin_entities
       WHERE min_lon IS NOT NULL""",
    """CREATE TRIGGER twin_entity_rtree_insert AFTER INSERT ON twin_entities
       WHEN new.min_lon IS NOT NULL BEGIN
         INSERT INTO twin_entity_rtree (id, min_lon, max_lon, min_lat, max_lat)
         VALUES (new.id, new.min_lon, new.max_lon, new.min_lat, new.max_lat);
       END""",
    # Value updates leave the box alone: the trigger only acts when a box column changes.
    """CREATE TRIGGER twin_entity_rtree_update
       AFTER UPDATE OF min_lon, min_lat, max_lon, max_lat ON twin_entities
       WHEN old.min_lon IS NOT new.min_lon OR old.min_lat IS NOT new.min_lat
         OR old.max_lon IS NOT new.max_lon OR old.max_lat IS NOT new.max_lat BEGIN
         DELETE FROM twin_entity_rtree WHERE id = old.id;
         INSERT INTO twin_entity_rtree (id, min_lon, max_lon, min_lat, max_lat)
         SELECT new.id, new.min_lon, new.max_lon, new.min_lat, new.max_lat
         WHERE new.min_lon IS NOT NULL;
       END""",
    """CREATE TRIGGER twin_entity_rtree_delete AFTER DELETE ON twin_entities BEGIN
         DELETE FROM twin_entity_rtree WHERE id = old.id;
       END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS twin_entity_rtree_delete",
    "DROP TRIGGER IF EXISTS twin_entity_rtree_update",
    "DROP TRIGGER IF EXISTS twin_entity_rtree_insert",
    "DROP TABLE IF EXISTS twin_entity_rtree",
]
POSTGRES_UP = [
    """CREATE INDEX ix_twin_entities_box ON twin_entities
       USING gist (box(point(min_lon, min_lat), point(max_lon, max_lat)))""",
]
POSTGRES_DOWN = ["DROP INDEX IF EXISTS ix_twin_entities_box"]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    # The spatial index replaces the B-tree on (tenant, min_lon, min_lat); queries page in
    # creation order, which an index on (tenant, id) serves without sorting every match.
    op.drop_index("ix_twin_entities_bbox", table_name="twin_entities")
    op.create_index("ix_twin_entities_order", "twin_entities", ["tenant", "id"])
    for statement in SQLITE_UP if dialect == "sqlite" else POSTGRES_UP:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_DOWN if dialect == "sqlite" else POSTGRES_DOWN:
        op.execute(statement)
    op.drop_index("ix_twin_entities_order", table_name="twin_entities")
    op.create_index("ix_twin_entities_bbox", "twin_entities", ["tenant", "min_lon", "min_lat"])
