"""Visits carry their community's street and district (as questions and cases do), so
that a district's or a street's list reads an index of its own instead of every
district's newest visits."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery
import django.db.models.deletion


def fill(apps, schema_editor):
    Visit = apps.get_model("visits", "Visit")
    Community = apps.get_model("regions", "Community")
    community = Community.objects.filter(pk=OuterRef("community_id"))
    Visit.objects.update(
        street_id=Subquery(community.values("street_id")[:1]),
        district_id=Subquery(community.values("street__district_id")[:1]),
    )


class Migration(migrations.Migration):

    dependencies = [
        ("regions", "0002_district_report_due_day"),
        ("visits", "0005_recent_visits_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="visit",
            name="street",
            field=models.ForeignKey(
                editable=False,
                null=True,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="regions.street",
                verbose_name="街道",
            ),
        ),
        migrations.AddField(
            model_name="visit",
            name="district",
            field=models.ForeignKey(
                editable=False,
                null=True,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="regions.district",
                verbose_name="区县",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="visit",
            name="street",
            field=models.ForeignKey(
                editable=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="regions.street",
                verbose_name="街道",
            ),
        ),
        migrations.AlterField(
            model_name="visit",
            name="district",
            field=models.ForeignKey(
                editable=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="regions.district",
                verbose_name="区县",
            ),
        ),
        migrations.AddIndex(
            model_name="visit",
            index=models.Index(fields=["district", "date", "id"], name="visits_visit_district"),
        ),
        migrations.AddIndex(
            model_name="visit",
            index=models.Index(fields=["street", "date", "id"], name="visits_visit_street"),
        ),
    ]
