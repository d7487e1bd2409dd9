-- The audit trail: append-only, hash-chained. See docs/audit.md.
create table audit_event (
    seq            bigserial    primary key,
    id             varchar(40)  not null unique,
    at             timestamptz  not null,
    kind           varchar(16)  not null,
    decision_id    varchar(40),
    agent          varchar(200),
    grant_id       varchar(200),
    owner          varchar(200),
    session_id     varchar(100),
    upstream       varchar(200),
    tool           varchar(300),
    args_digest    char(64),
    args           text,
    policy_version char(64),
    rule_id        varchar(500),
    decision       varchar(40),
    reason         text,
    reviewers      text,
    channel        varchar(16),
    wait_ms        bigint,
    upstream_ms    bigint,
    outcome        varchar(20),
    details        text,
    prev_hash      char(64)     not null,
    hash           char(64)     not null,
    published      boolean      not null default false
);

create index audit_event_at on audit_event (at);
create index audit_event_unpublished on audit_event (seq) where not published;
