"""On PostgreSQL, one GIN index over (district, search vector) for the knowledge search.

Search always asks within one district. With the vector indexed alone, PostgreSQL found
every district's matches and then kept its own district's (28,892 matches read for 321
in the province benchmark: 11 ms for the page's count and again for its rows); the two
columns in one GIN index are matched together. Integer columns in GIN need the btree_gin
extension, which ships with PostgreSQL (contrib) and is trusted since PostgreSQL 13: the
database's owner may create it, no superuser is needed. The index also serves a search
without a district (a GIN index is used for any subset of its columns), so it replaces
the index of migration 0006.
"""

from django.contrib.postgres.operations import BtreeGinExtension
from django.db import migrations

TABLE = "consultations_knowledgeentry"
INDEX = "consult_knowledge_district_vector"
OLD_INDEX = "consult_knowledge_vector"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON {TABLE} USING gin (district_id, search_vector)"
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {OLD_INDEX}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {OLD_INDEX} ON {TABLE} USING gin (search_vector)"
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("consultations", "0006_knowledge_search_vector")]

    operations = [BtreeGinExtension(), migrations.RunPython(forwards, backwards)]
