-- Names sort by their letters, accents aside: "Écuyer" among the E, not after Z (both
-- databases compare bytes, and SQLite's LOWER leaves "É" as it is). The key of 0003 was
-- an SQL expression; folding accents in SQL takes one nested REPLACE per letter, and
-- SQLite parsers before 3.46 cannot read such a schema back (parser stack overflow:
-- Debian's sqlite3 3.40 could not open the file). The key is now computed by the
-- server (listing::name_key) on every write of a contact and stored here; rows written
-- before this migration get theirs when the server starts (listing::fill_name_keys).
-- NULL for a contact without a name (anonymized): the indexes and the lists sort on
-- COALESCE(name_key, '1') (listing::NAME_KEY_SQL), after the named ones.
ALTER TABLE contacts ADD COLUMN name_key TEXT;
DROP INDEX contacts_name;
DROP INDEX contacts_assigned_name;
CREATE INDEX contacts_name ON contacts (cabinet_id, (COALESCE(name_key, '1')), id);
CREATE INDEX contacts_assigned_name ON contacts (assigned_to, (COALESCE(name_key, '1')), id);
