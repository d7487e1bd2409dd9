-- Parked calls awaiting a human decision. See docs/approvals.md.
create table approval_request (
    id               varchar(40)  primary key,
    status           varchar(16)  not null,
    upstream         varchar(200) not null,
    tool             varchar(300) not null,
    -- what reviewers see and what is published: the arguments after the policy's redaction
    arguments        jsonb        not null,
    -- what is released: the exact params of the call, kept so any replica (or the agent's retry)
    -- can release it; never published, never shown
    call_params      jsonb        not null,
    arguments_digest char(64)     not null,
    agent            varchar(200) not null,
    owner            varchar(200),
    grant_id         varchar(200) not null,
    session_id       varchar(100) not null,
    risk             varchar(8)   not null,
    rule_id          varchar(500) not null,
    rule_reason      text,
    policy_version   char(64)     not null,
    approvers        jsonb        not null,
    quorum           integer      not null,
    wait_mode        varchar(8)   not null,
    on_timeout       varchar(8)   not null,
    input_schema     jsonb,
    requested_at     timestamptz  not null,
    expires_at       timestamptz  not null,
    decided_by       varchar(200),
    decided_by_name  varchar(200),
    decided_via      varchar(16),
    decision_reason  text,
    decided_at       timestamptz,
    edited_arguments jsonb,
    released_at      timestamptz,
    version          bigint       not null default 0
);

create index approval_request_pending on approval_request (status, expires_at);
create index approval_request_call on approval_request (grant_id, upstream, tool, arguments_digest, requested_at);

-- One vote per reviewer per request: quorums count distinct people.
create table approval_review (
    id            bigserial    primary key,
    request_id    varchar(40)  not null references approval_request (id),
    reviewer_id   varchar(200) not null,
    reviewer_name varchar(200),
    channel       varchar(16)  not null,
    decision      varchar(8)   not null,
    reason        text,
    at            timestamptz  not null,
    unique (request_id, reviewer_id)
);

-- Transactional outbox: written in the same transaction as the request or decision it announces.
create table approval_outbox (
    id          bigserial    primary key,
    topic       varchar(200) not null,
    message_key varchar(200) not null,
    payload     jsonb        not null,
    created_at  timestamptz  not null,
    sent_at     timestamptz
);

create index approval_outbox_unsent on approval_outbox (id) where sent_at is null;
