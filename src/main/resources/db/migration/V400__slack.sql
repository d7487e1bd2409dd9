-- Durable, paced delivery of Slack messages; see docs/slack.md.
create table slack_outbox (
    id              bigserial    primary key,
    approval_id     varchar(40)  not null,
    kind            varchar(8)   not null,
    channel         varchar(100) not null,
    attempts        integer      not null default 0,
    next_attempt_at timestamptz  not null,
    created_at      timestamptz  not null,
    done_at         timestamptz,
    last_error      text
);

create unique index slack_outbox_one_post on slack_outbox (approval_id) where kind = 'post';
create index slack_outbox_due on slack_outbox (next_attempt_at) where done_at is null;

-- Where each request's message is, so any outcome can update it (chat.update needs channel + ts).
create table slack_message (
    approval_id varchar(40)  primary key,
    channel     varchar(100) not null,
    ts          varchar(40)  not null
);
