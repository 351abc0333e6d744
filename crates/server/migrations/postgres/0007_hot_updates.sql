-- Anonymization (erasure.rs, PLAN of oubli_domain::erasure) rewrites every row under
-- each contact it erases, and none of the columns it blanks there is indexed: on
-- PostgreSQL such an update can stay on its page (a HOT update, no new index entries)
-- if the page has room for the new version. Pages filled to 100 % have none, so every
-- updated row went to another page with a new entry in each index of its table (six on
-- projects). A bulk anonymization rewrites all the rows of a page in one transaction
-- (rows of the same contacts are stored together), so a page must keep about half its
-- room for the new versions: fillfactor 50 on the child tables and on projects. They are
-- read by index (the contact's or the project's), so the larger tables cost little to
-- reads. The setting applies to pages written from now on (existing pages keep their
-- fill until rewritten, e.g. by VACUUM FULL). The contacts table is not changed: its
-- anonymization updates indexed columns (the name key of 0003, change_seq), which no
-- free room on the page can make HOT.
ALTER TABLE projects SET (fillfactor = 50);
ALTER TABLE contracts SET (fillfactor = 50);
ALTER TABLE beneficiaries SET (fillfactor = 50);
ALTER TABLE subscriptions SET (fillfactor = 50);
ALTER TABLE insured_persons SET (fillfactor = 50);
ALTER TABLE household_members SET (fillfactor = 50);
ALTER TABLE consents SET (fillfactor = 50);
-- The members of an erasure are all written by its preview (one INSERT … SELECT) and
-- each then marked done (done, updated_at: not indexed) by the batch that erases it:
-- with room on their pages those updates stay HOT too, instead of two new index entries
-- per member (measured on 20,000 members in batches of 500: 436 ms → 176 ms, the
-- preview's insert unchanged).
ALTER TABLE erasure_members SET (fillfactor = 50);
-- projects (contact_id) is the prefix of projects_contact_id (contact_id, id) of 0003,
-- which serves every lookup it served: one index less to write per project.
DROP INDEX projects_contact;
