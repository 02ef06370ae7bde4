"""On PostgreSQL, keep each knowledge entry's search vector in a stored generated column
(``search_vector``) and index that column, instead of an index on the expression.

Ranking needs the vector of every matching entry: computed from ``tokens`` on each search
it cost ~20 µs an entry (570 matches in one district of the province benchmark: 11 ms of
a 14 ms query); read from the column, 1–2 ms. The column is not a model field: PostgreSQL
computes it on every insert and update, and only consultations.knowledge reads it.
Elsewhere (SQLite) search counts matched words and nothing changes.
"""

from django.db import migrations

TABLE = "consultations_knowledgeentry"
COLUMN = "search_vector"
INDEX = "consult_knowledge_vector"
OLD_INDEX = "consult_knowledge_tokens_fts"
VECTOR = "to_tsvector('simple'::regconfig, COALESCE(tokens, ''))"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS {COLUMN} tsvector "
        f"GENERATED ALWAYS AS ({VECTOR}) STORED"
    )
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON {TABLE} USING gin ({COLUMN})")
    schema_editor.execute(f"DROP INDEX IF EXISTS {OLD_INDEX}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {OLD_INDEX} ON {TABLE} USING gin ({VECTOR})")
    schema_editor.execute(f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS {COLUMN}")


class Migration(migrations.Migration):
    dependencies = [("consultations", "0005_ranking_covering_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
