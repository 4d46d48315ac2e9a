-- +goose Up
-- cycle_evaluations are the democratic evaluations (and satisfaction
-- surveys) whose tallies feed a cycle's qualitative indicators: a cycle of
-- every county's cadres reads each county's own evaluation, and a county
-- team cycle may read the city's evaluation of the teams beside a public
-- satisfaction survey. It replaces cycles.evaluation_id, which held one.
CREATE TABLE cycle_evaluations (
    cycle_id      BIGINT NOT NULL REFERENCES cycles (id),
    evaluation_id BIGINT NOT NULL,
    PRIMARY KEY (cycle_id, evaluation_id)
);
INSERT INTO cycle_evaluations (cycle_id, evaluation_id) SELECT id, evaluation_id FROM cycles WHERE evaluation_id <> 0;
ALTER TABLE cycles DROP COLUMN evaluation_id;

-- +goose Down
ALTER TABLE cycles ADD COLUMN evaluation_id BIGINT NOT NULL DEFAULT 0;
UPDATE cycles SET evaluation_id = COALESCE((SELECT min(evaluation_id) FROM cycle_evaluations e WHERE e.cycle_id = cycles.id), 0);
DROP TABLE cycle_evaluations;
