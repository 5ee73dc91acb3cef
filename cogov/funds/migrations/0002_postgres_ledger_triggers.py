"""On PostgreSQL the database itself guards the journal: a deferred constraint trigger checks at
commit that every entry's debits equal its credits equal its amount, and the entry and line
tables refuse UPDATE and DELETE (TRUNCATE, used by test flushes, is not a row operation).
SQLite relies on the posting code and `cogov verify-funds`."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION funds_entry_balanced() RETURNS trigger AS $$
DECLARE
    eid bigint;
    amt numeric;
    d numeric;
    c numeric;
BEGIN
    IF TG_TABLE_NAME = 'funds_journalentry' THEN
        eid := NEW.id;
    ELSE
        eid := NEW.entry_id;
    END IF;
    SELECT amount INTO amt FROM funds_journalentry WHERE id = eid;
    SELECT COALESCE(SUM(debit), 0), COALESCE(SUM(credit), 0) INTO d, c
        FROM funds_journalline WHERE entry_id = eid;
    IF d <> c OR d <> amt THEN
        RAISE EXCEPTION 'funds journal entry % does not balance: debits %, credits %, amount %',
            eid, d, c, amt USING ERRCODE = '23514';
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER funds_entry_balanced_entry
    AFTER INSERT ON funds_journalentry DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION funds_entry_balanced();
CREATE CONSTRAINT TRIGGER funds_entry_balanced_line
    AFTER INSERT ON funds_journalline DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION funds_entry_balanced();

CREATE OR REPLACE FUNCTION funds_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% rows are append-only', TG_TABLE_NAME USING ERRCODE = '42501';
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER funds_journalentry_append_only BEFORE UPDATE OR DELETE ON funds_journalentry
    FOR EACH ROW EXECUTE FUNCTION funds_append_only();
CREATE TRIGGER funds_journalline_append_only BEFORE UPDATE OR DELETE ON funds_journalline
    FOR EACH ROW EXECUTE FUNCTION funds_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS funds_journalline_append_only ON funds_journalline;
DROP TRIGGER IF EXISTS funds_journalentry_append_only ON funds_journalentry;
DROP FUNCTION IF EXISTS funds_append_only();
DROP TRIGGER IF EXISTS funds_entry_balanced_line ON funds_journalline;
DROP TRIGGER IF EXISTS funds_entry_balanced_entry ON funds_journalentry;
DROP FUNCTION IF EXISTS funds_entry_balanced();
"""


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(FORWARD)  # no parameters: the % of RAISE stay as they are


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("funds", "0001_funds_ledger")]

    operations = [migrations.RunPython(forward, backward)]
