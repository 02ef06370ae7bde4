"""The database refuses an active liaison whose lawyer is not of the pairing's firm,
and a change of a pairing's firm while it has active liaisons.

Ended liaisons are history and are not checked: a lawyer may have moved to another
firm since. On SQLite a later migration that rebuilds pairing_liaison or
pairing_pairing (AlterField and the like) drops these triggers: it must create them
again (pairing/tests/test_database.py fails if it does not).
"""

from django.db import migrations

MESSAGE = "pairing_liaison_same_firm: the liaison must be a lawyer of the paired firm"

SQLITE = {
    "forwards": [
        f"""
        CREATE TRIGGER pairing_liaison_same_firm_insert
        BEFORE INSERT ON pairing_liaison
        FOR EACH ROW WHEN NEW.end_date IS NULL AND
            (SELECT firm_id FROM firms_lawyer WHERE id = NEW.lawyer_id)
            IS NOT (SELECT firm_id FROM pairing_pairing WHERE id = NEW.pairing_id)
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
        """,
        f"""
        CREATE TRIGGER pairing_liaison_same_firm_update
        BEFORE UPDATE ON pairing_liaison
        FOR EACH ROW WHEN NEW.end_date IS NULL AND
            (SELECT firm_id FROM firms_lawyer WHERE id = NEW.lawyer_id)
            IS NOT (SELECT firm_id FROM pairing_pairing WHERE id = NEW.pairing_id)
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
        """,
        f"""
        CREATE TRIGGER pairing_pairing_firm_keeps_liaisons
        BEFORE UPDATE OF firm_id ON pairing_pairing
        FOR EACH ROW WHEN NEW.firm_id IS NOT OLD.firm_id AND EXISTS (
            SELECT 1 FROM pairing_liaison l JOIN firms_lawyer w ON w.id = l.lawyer_id
            WHERE l.pairing_id = NEW.id AND l.end_date IS NULL AND w.firm_id IS NOT NEW.firm_id
        )
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
        """,
    ],
    "reverse": [
        "DROP TRIGGER IF EXISTS pairing_liaison_same_firm_insert",
        "DROP TRIGGER IF EXISTS pairing_liaison_same_firm_update",
        "DROP TRIGGER IF EXISTS pairing_pairing_firm_keeps_liaisons",
    ],
}

POSTGRESQL = {
    "forwards": [
        f"""
        CREATE FUNCTION pairing_liaison_same_firm() RETURNS trigger AS $$
        BEGIN
            IF NEW.end_date IS NULL AND
                (SELECT firm_id FROM firms_lawyer WHERE id = NEW.lawyer_id)
                IS DISTINCT FROM (SELECT firm_id FROM pairing_pairing WHERE id = NEW.pairing_id)
            THEN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        END
        $$ LANGUAGE plpgsql
        """,
        """
        CREATE TRIGGER pairing_liaison_same_firm
        BEFORE INSERT OR UPDATE ON pairing_liaison
        FOR EACH ROW EXECUTE FUNCTION pairing_liaison_same_firm()
        """,
        f"""
        CREATE FUNCTION pairing_pairing_firm_keeps_liaisons() RETURNS trigger AS $$
        BEGIN
            IF NEW.firm_id IS DISTINCT FROM OLD.firm_id AND EXISTS (
                SELECT 1 FROM pairing_liaison l JOIN firms_lawyer w ON w.id = l.lawyer_id
                WHERE l.pairing_id = NEW.id AND l.end_date IS NULL
                    AND w.firm_id IS DISTINCT FROM NEW.firm_id
            ) THEN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        END
        $$ LANGUAGE plpgsql
        """,
        """
        CREATE TRIGGER pairing_pairing_firm_keeps_liaisons
        BEFORE UPDATE OF firm_id ON pairing_pairing
        FOR EACH ROW EXECUTE FUNCTION pairing_pairing_firm_keeps_liaisons()
        """,
    ],
    "reverse": [
        "DROP TRIGGER IF EXISTS pairing_pairing_firm_keeps_liaisons ON pairing_pairing",
        "DROP FUNCTION IF EXISTS pairing_pairing_firm_keeps_liaisons()",
        "DROP TRIGGER IF EXISTS pairing_liaison_same_firm ON pairing_liaison",
        "DROP FUNCTION IF EXISTS pairing_liaison_same_firm()",
    ],
}

SQL = {"sqlite": SQLITE, "postgresql": POSTGRESQL}


def _run(direction: str):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in SQL:
            raise NotImplementedError(f"pairing triggers: unsupported database {vendor}")
        for statement in SQL[vendor][direction]:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("pairing", "0001_initial"),
        ("firms", "0002_lawyer_is_director"),
    ]

    operations = [
        migrations.RunPython(_run("forwards"), _run("reverse"), elidable=False),
    ]
