-- Agent grants: an API key issued to one agent. Only a SHA-256 of the key is stored.
create table agent_grant (
    id         varchar(40)  primary key,
    agent      varchar(200) not null,
    owner      varchar(200) not null,
    upstreams  jsonb        not null,
    key_hash   char(64)     not null unique,
    key_prefix varchar(16)  not null,
    created_at timestamptz  not null,
    expires_at timestamptz,
    revoked_at timestamptz
);

-- Fixed-window rate-limit counters shared by every replica. A row per (counter, scope, window).
create table rate_counter (
    counter      varchar(200) not null,
    scope_key    varchar(300) not null,
    window_start timestamptz  not null,
    count        integer      not null,
    expires_at   timestamptz  not null,
    primary key (counter, scope_key, window_start)
);

create index rate_counter_expiry on rate_counter (expires_at);
