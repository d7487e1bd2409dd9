-- Values that agents, upstreams and sign-in providers choose are stored as they came. A tool name
-- longer than a varchar(n), or JSON holding "\u0000" (which jsonb refuses), made the database
-- refuse the write: a whole batch of audit events, or the parking of a call. Changing varchar(n)
-- to text rewrites nothing; the jsonb columns become text holding the same JSON, so arguments
-- also keep the order and spelling the agent sent. See docs/audit.md and docs/approvals.md.
alter table audit_event
    alter column decision_id type text,
    alter column agent type text,
    alter column grant_id type text,
    alter column owner type text,
    alter column session_id type text,
    alter column upstream type text,
    alter column tool type text,
    alter column rule_id type text,
    alter column decision type text,
    alter column channel type text,
    alter column outcome type text;

alter table approval_request
    alter column upstream type text,
    alter column tool type text,
    alter column arguments type text using arguments::text,
    alter column call_params type text using call_params::text,
    alter column agent type text,
    alter column owner type text,
    alter column grant_id type text,
    alter column session_id type text,
    alter column rule_id type text,
    alter column input_schema type text using input_schema::text,
    alter column decided_by type text,
    alter column decided_by_name type text,
    alter column edited_arguments type text using edited_arguments::text;

alter table approval_review
    alter column reviewer_id type text,
    alter column reviewer_name type text;

alter table approval_outbox
    alter column message_key type text,
    alter column payload type text using payload::text;
