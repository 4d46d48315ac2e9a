-- +goose Up
-- A cadre's page and a profile list the evaluations that rated the cadre
-- or the team (survey.Service.ResultsFor): find the subjects by person and
-- by unit without reading every evaluation's subjects.
CREATE INDEX evaluation_subjects_person ON evaluation_subjects (person_id);
CREATE INDEX evaluation_subjects_unit ON evaluation_subjects (unit_id, kind);

-- +goose Down
DROP INDEX evaluation_subjects_unit;
DROP INDEX evaluation_subjects_person;
