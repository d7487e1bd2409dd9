-- Publishing the trail to Kafka advances one position instead of flagging every event: events are
-- appended under the chain's lock, so they commit in seq order and none can appear below it later.
create table audit_publish_position (
    id       smallint primary key check (id = 1),
    last_seq bigint   not null
);

insert into audit_publish_position (id, last_seq)
select 1, coalesce((select min(seq) - 1 from audit_event where not published),
                   (select max(seq) from audit_event),
                   0);

drop index audit_event_unpublished;
alter table audit_event drop column published;
