-- Times are Unix microseconds (UTC) in both dialects, so that every query is the same text.

-- +goose Up
CREATE TABLE team_members (
    channel TEXT NOT NULL,
    role    TEXT NOT NULL,
    user_id TEXT NOT NULL,
    PRIMARY KEY (channel, role, user_id)
);
CREATE INDEX team_members_user ON team_members (user_id);

CREATE TABLE team_changes (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel TEXT    NOT NULL,
    role    TEXT    NOT NULL,
    user_id TEXT    NOT NULL,
    actor   TEXT    NOT NULL,
    added   BOOLEAN NOT NULL,
    at_us   BIGINT  NOT NULL
);
CREATE INDEX team_changes_channel ON team_changes (channel, id);

CREATE TABLE claims (
    claim_key  TEXT   NOT NULL PRIMARY KEY,
    expires_us BIGINT NOT NULL
);
CREATE INDEX claims_expires ON claims (expires_us);

-- +goose Down
DROP TABLE claims;
DROP TABLE team_changes;
DROP TABLE team_members;
