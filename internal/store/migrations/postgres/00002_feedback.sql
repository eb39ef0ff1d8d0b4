-- The answers rolebot showed and the feedback people gave on them. Questions are personal data:
-- rows older than FEEDBACK_RETENTION are purged (Store.PurgeFeedback). Times are Unix
-- microseconds (UTC), as in 00001.

-- +goose Up
CREATE TABLE answers_shown (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    answer_key TEXT   NOT NULL UNIQUE,
    question   TEXT   NOT NULL,
    answer_ref TEXT   NOT NULL,
    intent     TEXT   NOT NULL,
    candidates TEXT   NOT NULL,
    channel    TEXT   NOT NULL,
    user_id    TEXT   NOT NULL,
    at_us      BIGINT NOT NULL,
    -- the suggestion the asker clicked after a "pas trouvé" ('' : none), see Store.RecordFollow
    followed   TEXT   NOT NULL DEFAULT ''
);
CREATE INDEX answers_shown_at ON answers_shown (at_us);

CREATE TABLE answer_feedback (
    answer_key TEXT    NOT NULL REFERENCES answers_shown (answer_key) ON DELETE CASCADE,
    user_id    TEXT    NOT NULL,
    useful     BOOLEAN NOT NULL,
    comment    TEXT    NOT NULL DEFAULT '',
    at_us      BIGINT  NOT NULL,
    PRIMARY KEY (answer_key, user_id)
);
CREATE INDEX answer_feedback_at ON answer_feedback (at_us);

-- +goose Down
DROP TABLE answer_feedback;
DROP TABLE answers_shown;
