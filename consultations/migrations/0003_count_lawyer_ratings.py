"""Fill the ratings now kept on each lawyer (firms 0003) from the rated questions."""

from django.db import migrations
from django.db.models import Count, Sum


def count(apps, schema_editor):  # type: ignore[no-untyped-def]
    Question = apps.get_model("consultations", "Question")
    Lawyer = apps.get_model("firms", "Lawyer")
    rows = (
        Question.objects.filter(rating__isnull=False, first_reply_lawyer__isnull=False)
        .order_by()
        .values("first_reply_lawyer")
        .annotate(total=Sum("rating"), count=Count("pk"))
    )
    for row in rows.iterator():
        Lawyer.objects.filter(pk=row["first_reply_lawyer"]).update(
            rating_total=row["total"], rating_count=row["count"]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0002_categories_and_search_index"),
        ("firms", "0003_lawyer_ratings"),
    ]

    operations = [migrations.RunPython(count, migrations.RunPython.noop)]
