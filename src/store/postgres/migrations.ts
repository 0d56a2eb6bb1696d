// The PostgreSQL schema as an ordered list: the twin of ../sqlite/migrations.ts, same ids, names and
// meaning. Differences, all deliberate:
//  - JSON columns are JSONB (checked by the server on the way in; parsed by pg on the way out).
//  - agent_ever_joined is a BOOLEAN.
//  - Timestamps stay ISO 8601 TEXT, as in SQLite, so the port returns exactly the text it was given;
//    the outbox compares only canonical `toISOString()` text (see ../timestamps.ts).
//  - Ids and timestamp texts are COLLATE "C": byte order, like SQLite, so sorting and keyset paging
//    do not depend on the database's locale (a locale collation may ignore '-' and ':').
//  - The outbox carries a claim (claimed_by, claimed_until) so several gateway instances never
//    deliver the same event at once: see outbox-queries.ts. It lives in migration 2, where the
//    outbox is born, because this list had not been released before it.
// Released migrations are never edited: add a new one at the end, with the same id as its SQLite twin.
import type { Migration } from '../migration.ts';

export const postgresMigrations: readonly Migration[] = [
  {
    id: 1,
    name: 'handovers',
    sql: `
CREATE TABLE handovers (
  id TEXT COLLATE "C" PRIMARY KEY,
  endpoint_id TEXT COLLATE "C" NOT NULL,
  user_id TEXT COLLATE "C" NOT NULL,
  session_id TEXT COLLATE "C" NOT NULL,
  customer JSONB NOT NULL,
  settings JSONB NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('requested', 'queued', 'active', 'transferring', 'ended', 'failed')),
  end_reason TEXT,
  failure JSONB,
  agent JSONB,
  pending_agent_id TEXT,
  agent_ever_joined BOOLEAN NOT NULL,
  last_seq INTEGER NOT NULL,
  provider_cursor TEXT,
  created_at TEXT COLLATE "C" NOT NULL,
  updated_at TEXT COLLATE "C" NOT NULL,
  ended_at TEXT COLLATE "C",
  version INTEGER NOT NULL,
  provider_ref JSONB
);
-- One unended handover per (endpoint, user, session), held by the database itself so two racing
-- starts (two requests, or two gateway instances) cannot both win. createHandover names it as the
-- arbiter of INSERT … ON CONFLICT.
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
  id TEXT COLLATE "C" PRIMARY KEY,
  handover_id TEXT COLLATE "C" NOT NULL REFERENCES handovers (id),
  seq INTEGER NOT NULL CHECK (seq > 0),
  type TEXT NOT NULL,
  endpoint_id TEXT COLLATE "C" NOT NULL,
  user_id TEXT COLLATE "C" NOT NULL,
  session_id TEXT COLLATE "C" NOT NULL,
  occurred_at TEXT COLLATE "C" NOT NULL,
  data JSONB NOT NULL,
  UNIQUE (handover_id, seq)
);
-- One row per event that goes to a webhook. handover_id and seq are copied from the event so the
-- "oldest undelivered event per handover" query runs on this table's partial index alone.
-- claimed_by/claimed_until: which store instance was last handed this row by dueDeliveries, and
-- until when (database clock) no other instance may take it.
CREATE TABLE outbox (
  event_id TEXT COLLATE "C" PRIMARY KEY REFERENCES events (id),
  handover_id TEXT COLLATE "C" NOT NULL,
  seq INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT COLLATE "C" NOT NULL,
  first_attempt_at TEXT COLLATE "C",
  last_attempt_at TEXT COLLATE "C",
  last_error TEXT,
  delivered_at TEXT COLLATE "C",
  dead_at TEXT COLLATE "C",
  claimed_by TEXT,
  claimed_until TIMESTAMPTZ
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
  id TEXT COLLATE "C" PRIMARY KEY,
  handover_id TEXT COLLATE "C" NOT NULL REFERENCES handovers (id),
  position INTEGER NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('bot', 'customer', 'agent', 'system')),
  text TEXT NOT NULL,
  at TEXT COLLATE "C" NOT NULL,
  sender_name TEXT,
  provider_message_id TEXT COLLATE "C",
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
ALTER TABLE transcript ADD COLUMN client_message_id TEXT COLLATE "C";
CREATE INDEX transcript_client_message ON transcript (handover_id, client_message_id)
  WHERE client_message_id IS NOT NULL;
`,
  },
  {
    id: 5,
    name: 'closing handovers and undelivered messages',
    sql: `
-- An asked-for end in progress (reason, time): persisted so a restart finishes it.
ALTER TABLE handovers ADD COLUMN closing JSONB;
-- outbound_status gains 'undelivered' (the handover ended before the message reached the agent).
ALTER TABLE transcript DROP CONSTRAINT transcript_outbound_status_check;
ALTER TABLE transcript ADD CONSTRAINT transcript_outbound_status_check
  CHECK (outbound_status IN ('pending', 'sent', 'undelivered'));
-- When a send of the line last started (a restart waits out a send that may still be in flight).
ALTER TABLE transcript ADD COLUMN outbound_attempted_at TEXT COLLATE "C";
`,
  },
  {
    id: 6,
    name: 'transcript attachments',
    sql: `
-- Files sent with a line, by URL (JSON array of {url, mediaType, mime?, filename?, sizeBytes?}).
-- TEXT, not JSONB: the row codec is shared with SQLite (../sql/transcript-row.ts).
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
-- Several gateway instances on one database (docs/scale-out.md). Each instance registers under a
-- fresh owner name and renews that one row — every lease it holds at once (ports/ownership.ts).
CREATE TABLE cluster_members (
  owner TEXT COLLATE "C" PRIMARY KEY,
  instance_id TEXT COLLATE "C" NOT NULL,
  joined_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  expires_at TIMESTAMPTZ NOT NULL
);
-- One row per handover ever owned: a lease is held while its owner's registration is alive. The
-- token grows at every change of owner and is never reused: an owner's commits carry it (fencing).
-- owner NULL: handed back, free to claim at once. The row goes when the handover ends.
CREATE TABLE handover_leases (
  handover_id TEXT COLLATE "C" PRIMARY KEY,
  owner TEXT COLLATE "C",
  token BIGINT NOT NULL
);
CREATE INDEX handover_leases_owner ON handover_leases (owner);
-- Cluster-wide singletons (a sweep, a purge): held like leases, by a live registration.
CREATE TABLE cluster_singletons (
  name TEXT COLLATE "C" PRIMARY KEY,
  owner TEXT COLLATE "C"
);
`,
  },
  {
    id: 9,
    name: 'pushed events inbox',
    sql: `
-- Events a provider pushed (Open Messaging's webhook, §4.5) to an instance that does not own the
-- handover: persisted here before the provider gets its 2xx, committed by the owner in id order,
-- then deleted (ports/pushed-inbox.ts). One row per provider message: a redelivery is a no-op.
-- events: a JSON array of ProviderEvent (TEXT, like the SQLite twin; checked on the way out).
CREATE TABLE pushed_inbox (
  id BIGSERIAL PRIMARY KEY,
  handover_id TEXT COLLATE "C" NOT NULL,
  endpoint_id TEXT COLLATE "C" NOT NULL,
  dedupe_key TEXT COLLATE "C" NOT NULL,
  events TEXT NOT NULL,
  received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
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
ALTER TABLE handovers ADD COLUMN started_by TEXT COLLATE "C";
-- A provider event whose commit kept failing (docs/reliability.md): kept here, with the error code,
-- instead of holding up the handover for ever. One row per event (event_key: the provider message
-- id, or the participant and state), so parking it again after a restart changes nothing.
-- payload is JSON text with every NUL and lone surrogate escaped: it stores whatever the event held.
CREATE TABLE parked_events (
  handover_id TEXT COLLATE "C" NOT NULL REFERENCES handovers (id),
  event_key TEXT COLLATE "C" NOT NULL,
  event_type TEXT NOT NULL,
  error_code TEXT NOT NULL,
  payload TEXT NOT NULL,
  parked_at TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (handover_id, event_key)
);
CREATE INDEX parked_events_newest ON parked_events (parked_at, handover_id, event_key);
`,
  },
  {
    id: 12,
    name: 'room on each page for updates',
    sql: `
-- A handover's row (~1.6 KB, most of it the provider handle) is rewritten by nearly every commit. A
-- new version that fits on its page is a HOT update: none of the table's six indexes gets an entry
-- for it. At the default fillfactor (100) the page had no room while the versions the other
-- connections' snapshots could still see were there, and 6-24 % of the updates went off the page
-- and into every index (bench/README.md round twenty). Half of each page is kept for updates.
-- Pages written from now on: an existing table gets it as rows move, or at once with VACUUM FULL.
ALTER TABLE handovers SET (fillfactor = 50);
`,
  },
];
