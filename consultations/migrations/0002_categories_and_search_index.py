"""Seed the managed list of question categories; on PostgreSQL, index the knowledge
base's segmented text for full-text search (the 'simple' configuration: the words are
already segmented by jieba, so no stemming is wanted)."""

from django.db import migrations

CATEGORIES = (
    "婚姻家庭",
    "劳动争议",
    "房产物业",
    "合同纠纷",
    "借贷",
    "交通事故",
    "邻里纠纷",
    "消费维权",
    "公司经营",
    "刑事",
    "行政",
    "其他",
)

INDEX = "consult_knowledge_tokens_fts"


def seed_categories(apps, schema_editor):
    Category = apps.get_model("consultations", "Category")
    for order, name in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(name=name, defaults={"sort_order": order})


def create_search_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON consultations_knowledgeentry "
        "USING gin (to_tsvector('simple'::regconfig, COALESCE(tokens, '')))"
    )


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("consultations", "0001_initial")]

    operations = [
        migrations.RunPython(seed_categories, migrations.RunPython.noop),
        migrations.RunPython(create_search_index, drop_search_index),
    ]
