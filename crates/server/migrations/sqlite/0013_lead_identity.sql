-- A lead is matched to a person already in the cabinet by email or mobile
-- (intake::take): without these, each batch of leads read every contact of the
-- cabinet. Only people not anonymized are looked up, so only they are indexed, and an
-- anonymization (which blanks both columns) adds no entry.
CREATE INDEX contacts_email ON contacts (cabinet_id, email) WHERE anonymized_at IS NULL;
CREATE INDEX contacts_mobile ON contacts (cabinet_id, mobile_phone) WHERE anonymized_at IS NULL;
