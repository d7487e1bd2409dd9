-- The W3C traceparent of the parked call's span: the decision (on any replica) and the Kafka
-- messages join the call's trace. See docs/operations.md.
alter table approval_request add column trace_parent varchar(64);
alter table approval_outbox add column trace_parent varchar(64);
