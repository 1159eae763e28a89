-- sqlfluff:dialect:sqlite
-- Alert state (SQLite, $CCHC_HOME/alerts.sqlite): it outlives every refresh, and the dashboard
-- and the command line write acknowledgements to it while a refresh may be running, which
-- SQLite's WAL mode allows and one DuckDB file would not.

-- One row per episode: a rule firing for a scope and indicator, from the refresh it opened in to
-- the one it cleared in, whichever period types (month, quarter, year to date) it fires in
-- meanwhile. key = rule|scope_code|indicator; period_type = the types it fires in now
-- (month,quarter,ytd). Files from before (key …|period_type) are migrated by
-- pipelines/alert/state.py (PRAGMA user_version 1).
CREATE TABLE IF NOT EXISTS episodes (
    episode_id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    rule TEXT NOT NULL, scope TEXT NOT NULL, scope_code TEXT NOT NULL, indicator TEXT, period_type TEXT,
    opened_at TEXT NOT NULL, closed_at TEXT,
    last_notified_at TEXT, acknowledged_at TEXT, acknowledged_by TEXT, snoozed_until TEXT,
    detail TEXT NOT NULL  -- JSON: the latest firing row (period, value, target, ...)
);
CREATE UNIQUE INDEX IF NOT EXISTS one_open_episode ON episodes (key) WHERE closed_at IS NULL;

-- Every state change: opened, reminder, recovered, acknowledged, snoozed; merged (the migration
-- folded it into another episode of the same rule, unit and indicator).
CREATE TABLE IF NOT EXISTS events (
    event_id INTEGER PRIMARY KEY,
    episode_id INTEGER NOT NULL REFERENCES episodes,
    kind TEXT NOT NULL, at TEXT NOT NULL, refresh_id TEXT, by_whom TEXT, note TEXT
);

-- What is to be sent and what was: one row per message, recipient and channel. A message is
-- made once (dedupe_key) and sent until it goes, so nothing is sent twice or lost.
-- status: pending → handing_over (committed before the server is contacted; sent_at = then) →
-- sent, or back to pending (retry) / failed (out of attempts). A row still handing_over when the
-- next send starts was being sent by a process that died: the server may have it, so it becomes
-- sent_unconfirmed and is never handed over again (the same Message-ID twice is worse than once).
CREATE TABLE IF NOT EXISTS outbox (
    message_id INTEGER PRIMARY KEY,
    dedupe_key TEXT NOT NULL UNIQUE,
    channel TEXT NOT NULL, address TEXT NOT NULL, recipient TEXT,
    subject TEXT NOT NULL, body_text TEXT NOT NULL, body_html TEXT, payload TEXT NOT NULL,
    created_at TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at TEXT, last_error TEXT, sent_at TEXT
);

-- One row per evaluation that finished: written in the same transaction as its events and
-- messages, so a row here means all of them are. A refresh that finds nothing new compares the
-- newest row with what is there to evaluate (the published copy's meta.publication id, and the
-- failed refresh noted since, if any) and evaluates again when they differ.
CREATE TABLE IF NOT EXISTS evaluations (
    evaluation_id INTEGER PRIMARY KEY,
    publication_id TEXT,  -- NULL: nothing published yet
    failure_id TEXT,      -- the refresh_id of the failure it saw, NULL: none
    refresh_id TEXT,      -- the run that evaluated; NULL: `cchc alerts evaluate`
    at TEXT NOT NULL, firing INTEGER NOT NULL, events INTEGER NOT NULL, messages INTEGER NOT NULL,
    baseline INTEGER NOT NULL DEFAULT 0  -- 1: the state recorded, one summary per recipient (no event told alone)
);
