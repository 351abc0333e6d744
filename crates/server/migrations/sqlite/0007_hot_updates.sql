-- PostgreSQL's 0007 sets a fillfactor on the tables anonymization rewrites (SQLite has
-- no such setting: it rewrites a row in place). Both drop projects (contact_id), the
-- prefix of projects_contact_id (contact_id, id) of 0003, which serves every lookup it
-- served: one index less to write per project.
DROP INDEX projects_contact;
