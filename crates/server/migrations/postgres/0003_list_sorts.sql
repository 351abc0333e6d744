-- Sorted lists (?sort= on /contacts and /projects), kept fast deep into the list by
-- keyset pages over these indexes. The name key is the expression of
-- listing::NAME_KEY_SQL, written identically: both databases use an expression index
-- only for the same expression. Sorting by date uses contacts_list / projects_list of
-- 0001 (a B-tree reads both ways).

-- Contacts by name, for the whole cabinet and for one assignee (sales see theirs).
CREATE INDEX contacts_name ON contacts (
    cabinet_id,
    (COALESCE('0' || LOWER(COALESCE(NULLIF(last_name, ''), NULLIF(company_name, ''))) || ' ' || LOWER(COALESCE(first_name, '')), '1')),
    id
);
CREATE INDEX contacts_assigned_name ON contacts (
    assigned_to,
    (COALESCE('0' || LOWER(COALESCE(NULLIF(last_name, ''), NULLIF(company_name, ''))) || ' ' || LOWER(COALESCE(first_name, '')), '1')),
    id
);
-- Projects by contact: walk contacts_name, then each contact's projects by id.
CREATE INDEX projects_contact_id ON projects (contact_id, id);
