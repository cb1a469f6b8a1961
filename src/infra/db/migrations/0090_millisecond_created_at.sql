-- Cursor pagination orders by (created_at, id), and a cursor carries created_at as a JavaScript
-- Date, which has millisecond precision while PostgreSQL keeps microseconds: rows in the same
-- millisecond as a page's last row, but older than it, were skipped by the next page. Storing
-- created_at at millisecond precision makes the cursor exact. Every table, so a later list is safe
-- too; a migration that adds a table after this one declares created_at TIMESTAMPTZ(3).
DO $$
DECLARE
  col RECORD;
BEGIN
  FOR col IN
    SELECT c.table_name
      FROM information_schema.columns c
      JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
     WHERE c.table_schema = current_schema()
       AND t.table_type = 'BASE TABLE'
       AND c.column_name = 'created_at'
       AND c.data_type = 'timestamp with time zone'
       AND COALESCE(c.datetime_precision, 6) > 3
  LOOP
    EXECUTE format('ALTER TABLE %I ALTER COLUMN created_at TYPE TIMESTAMPTZ(3)', col.table_name);
  END LOOP;
END $$;
