// The SQLite schema as an ordered list of migrations. Portable SQL on purpose (TEXT ids, ISO
// timestamps as TEXT, JSON as TEXT, partial indexes, row values) so the PostgreSQL twin reads the
// same, line for line. Released migrations are never edited: add a new one at the end.
import type { Migration } from '../migration.ts';

export const sqliteMigrations: readonly Migration[] = [
  {
    id: 1,
    name: 'handovers',
    sql: `
CREATE TABLE handovers (
  id TEXT PRIMARY KEY,
  endpoint_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  customer TEXT NOT NULL,
  settings TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('requested', 'queued', 'active', 'transferring', 'ended', 'failed')),
  end_reason TEXT,
  failure TEXT,
  agent TEXT,
  pending_agent_id TEXT,
  agent_ever_joined INTEGER NOT NULL CHECK (agent_ever_joined IN (0, 1)),
  last_seq INTEGER NOT NULL,
  provider_cursor TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  ended_at TEXT,
  version INTEGER NOT NULL,
  provider_ref TEXT
);
-- One unended handover per (endpoint, user, session), held by the database itself so two racing
-- starts (two requests, or two gateway instances) cannot both win.
CREATE UNIQUE INDEX handovers_one_unended ON handovers (endpoint_id, user_id, session_id)
  WHERE state NOT IN ('ended', 'failed');
CREATE INDEX handovers_newest ON handovers (created_at, id);
CREATE INDEX handovers_endpoint_newest ON handovers (endpoint_id, created_at, id);
CREATE INDEX handovers_state ON handovers (state);
`,
  },
  {
    id: 2,
    name: 'events and webhook outbox',
    sql: `
CREATE TABLE events (
  id TEXT PRIMARY KEY,
  handover_id TEXT NOT NULL REFERENCES handovers (id),
  seq INTEGER NOT NULL CHECK (seq > 0),
  type TEXT NOT NULL,
  endpoint_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  data TEXT NOT NULL,
  UNIQUE (handover_id, seq)
);
-- One row per event that goes to a webhook. handover_id and seq are copied from the event so the
-- "oldest undelivered event per handover" query runs on this table's partial index alone.
CREATE TABLE outbox (
  event_id TEXT PRIMARY KEY REFERENCES events (id),
  handover_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  first_attempt_at TEXT,
  last_attempt_at TEXT,
  last_error TEXT,
  delivered_at TEXT,
  dead_at TEXT
);
CREATE INDEX outbox_pending ON outbox (handover_id, seq) WHERE status = 'pending';
CREATE INDEX outbox_dead ON outbox (dead_at, handover_id, seq) WHERE status = 'dead';
`,
  },
  {
    id: 3,
    name: 'transcript',
    sql: `
CREATE TABLE transcript (
  id TEXT PRIMARY KEY,
  handover_id TEXT NOT NULL REFERENCES handovers (id),
  position INTEGER NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('bot', 'customer', 'agent', 'system')),
  text TEXT NOT NULL,
  at TEXT NOT NULL,
  sender_name TEXT,
  provider_message_id TEXT,
  outbound_status TEXT CHECK (outbound_status IN ('pending', 'sent')),
  outbound_order INTEGER,
  outbound_kind TEXT CHECK (outbound_kind IN ('message', 'transcript', 'notice')),
  UNIQUE (handover_id, position),
  CHECK ((outbound_status IS NULL) = (outbound_order IS NULL) AND (outbound_order IS NULL) = (outbound_kind IS NULL))
);
-- A provider message is stored once per handover, however often the stream or a backfill replays it.
CREATE UNIQUE INDEX transcript_provider_message ON transcript (handover_id, provider_message_id)
  WHERE provider_message_id IS NOT NULL;
CREATE UNIQUE INDEX transcript_outbound_order ON transcript (handover_id, outbound_order)
  WHERE outbound_order IS NOT NULL;
CREATE INDEX transcript_pending_outbound ON transcript (handover_id, outbound_order)
  WHERE outbound_status = 'pending';
`,
  },
  {
    id: 4,
    name: 'transcript client message ids',
    sql: `
-- The bot's Idempotency-Key on POST /v1/handovers/{id}/messages: a retried request finds its lines.
ALTER TABLE transcript ADD COLUMN client_message_id TEXT;
CREATE INDEX transcript_client_message ON transcript (handover_id, client_message_id)
  WHERE client_message_id IS NOT NULL;
`,
  },
  {
    id: 5,
    name: 'closing handovers and undelivered messages',
    sql: `
-- An asked-for end in progress (reason, time): persisted so a restart finishes it.
ALTER TABLE handovers ADD COLUMN closing TEXT;
-- outbound_status gains 'undelivered' (the handover ended before the message reached the agent);
-- outbound_attempted_at: when a send of the line last started (a restart waits out a send in flight).
-- SQLite cannot change a CHECK constraint: the table is rebuilt with the same rows and indexes.
CREATE TABLE transcript_v5 (
  id TEXT PRIMARY KEY,
  handover_id TEXT NOT NULL REFERENCES handovers (id),
  position INTEGER NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('bot', 'customer', 'agent', 'system')),
  text TEXT NOT NULL,
  at TEXT NOT NULL,
  sender_name TEXT,
  provider_message_id TEXT,
  outbound_status TEXT CHECK (outbound_status IN ('pending', 'sent', 'undelivered')),
  outbound_order INTEGER,
  outbound_kind TEXT CHECK (outbound_kind IN ('message', 'transcript', 'notice')),
  outbound_attempted_at TEXT,
  client_message_id TEXT,
  UNIQUE (handover_id, position),
  CHECK ((outbound_status IS NULL) = (outbound_order IS NULL) AND (outbound_order IS NULL) = (outbound_kind IS NULL))
);
INSERT INTO transcript_v5 (id, handover_id, position, role, text, at, sender_name, provider_message_id,
    outbound_status, outbound_order, outbound_kind, client_message_id)
  SELECT id, handover_id, position, role, text, at, sender_name, provider_message_id,
    outbound_status, outbound_order, outbound_kind, client_message_id
  FROM transcript;
DROP TABLE transcript;
ALTER TABLE transcript_v5 RENAME TO transcript;
CREATE UNIQUE INDEX transcript_provider_message ON transcript (handover_id, provider_message_id)
  WHERE provider_message_id IS NOT NULL;
CREATE UNIQUE INDEX transcript_outbound_order ON transcript (handover_id, outbound_order)
  WHERE outbound_order IS NOT NULL;
CREATE INDEX transcript_pending_outbound ON transcript (handover_id, outbound_order)
  WHERE outbound_status = 'pending';
CREATE INDEX transcript_client_message ON transcript (handover_id, client_message_id)
  WHERE client_message_id IS NOT NULL;
`,
  },
  {
    id: 6,
    name: 'transcript attachments',
    sql: `
-- Files sent with a line, by URL (JSON array of {url, mediaType, mime?, filename?, sizeBytes?}).
ALTER TABLE transcript ADD COLUMN attachments TEXT;
`,
  },
  {
    id: 7,
    name: 'hot tables hold pending work only',
    sql: `
-- A delivered webhook leaves the outbox (the event stays in events, where SSE replays it from): the
-- outbox holds pending deliveries and dead letters only, so polling it does not slow down as
-- history grows (issue 12). 'delivered' stays allowed by the CHECK but is no longer written.
DELETE FROM outbox WHERE status = 'delivered';
-- The dispatcher's poll walks pending rows in due order and stops after a batch.
CREATE INDEX outbox_due ON outbox (next_attempt_at, handover_id) WHERE status = 'pending';
-- Re-attaching after a restart reads the unended handovers only.
CREATE INDEX handovers_unended ON handovers (created_at, id) WHERE state NOT IN ('ended', 'failed');
`,
  },
  {
    id: 8,
    name: 'cluster leases',
    sql: `
-- The twin of PostgreSQL's cluster tables (same ids and names). A SQLite gateway is one instance and
-- owns every handover, so nothing writes them here; they keep the two schemas in step.
CREATE TABLE cluster_members (
  owner TEXT PRIMARY KEY,
  instance_id TEXT NOT NULL,
  joined_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE TABLE handover_leases (
  handover_id TEXT PRIMARY KEY,
  owner TEXT,
  token INTEGER NOT NULL
);
CREATE TABLE cluster_singletons (
  name TEXT PRIMARY KEY,
  owner TEXT
);
`,
  },
  {
    id: 9,
    name: 'pushed events inbox',
    sql: `
-- The twin of PostgreSQL's inbox of pushed events for another instance's handovers. One SQLite
-- gateway owns every handover and commits pushed events itself: nothing writes it here.
CREATE TABLE pushed_inbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  handover_id TEXT NOT NULL,
  endpoint_id TEXT NOT NULL,
  dedupe_key TEXT NOT NULL,
  events TEXT NOT NULL,
  received_at TEXT NOT NULL,
  UNIQUE (handover_id, dedupe_key)
);
`,
  },
  {
    id: 10,
    name: 'trace contexts',
    sql: `
-- Tracing (docs/observability.md): the W3C traceparent of the bot's request that sent a message, and
-- of the work that owed a webhook delivery, so the later send or delivery continues that trace.
ALTER TABLE transcript ADD COLUMN trace_parent TEXT;
ALTER TABLE outbox ADD COLUMN trace_parent TEXT;
`,
  },
  {
    id: 11,
    name: 'key of each handover and parked provider events',
    sql: `
-- The name of the API key that started a handover: the open-handover limit per key is rebuilt
-- from the unended handovers after a restart (docs/security.md).
ALTER TABLE handovers ADD COLUMN started_by TEXT;
-- A provider event whose commit kept failing (docs/reliability.md): kept here, with the error code,
-- instead of holding up the handover for ever. One row per event (event_key: the provider message
-- id, or the participant and state), so parking it again after a restart changes nothing.
CREATE TABLE parked_events (
  handover_id TEXT NOT NULL REFERENCES handovers (id),
  event_key TEXT NOT NULL,
  event_type TEXT NOT NULL,
  error_code TEXT NOT NULL,
  payload TEXT NOT NULL,
  parked_at TEXT NOT NULL,
  PRIMARY KEY (handover_id, event_key)
);
CREATE INDEX parked_events_newest ON parked_events (parked_at, handover_id, event_key);
`,
  },
  {
    id: 12,
    name: 'room on each page for updates',
    sql: `
-- The PostgreSQL twin keeps room on each page of handovers for their next versions. SQLite has no
-- such setting and needs none: it rewrites a row in place, with no versions left behind (WAL pages
-- hold the old ones), and its indexes change only when an indexed column does.
SELECT 1;
`,
  },
];
