-- A card opened by a click on another answer's alternative, suggestion or role button is no
-- question of its own: it is recorded with the key of the answer it follows, and with that
-- answer's question, so that the report counts each question once (Store.RecordAnswer).

-- +goose Up
ALTER TABLE answers_shown ADD COLUMN follows TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE answers_shown DROP COLUMN follows;
