-- A call about to be forwarded is recorded here first; its audit event settles (deletes) it in the
-- same transaction. An intent left behind by a crash becomes an event with outcome 'unknown'.
-- See docs/audit.md.
create table audit_intent (
    id          varchar(40)  primary key,
    recorded_at timestamptz  not null,
    entry       text         not null
);

create index audit_intent_recorded on audit_intent (recorded_at);

-- Spool files replayed into the chain, so a file is never replayed twice (the replay and this row
-- commit together).
create table audit_spool_replayed (
    file        varchar(200) primary key,
    replayed_at timestamptz  not null
);
