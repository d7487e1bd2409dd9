-- Held calls look up the decisions recorded since their replica's last check (ParkedCalls).
create index approval_request_decided on approval_request (decided_at) where decided_at is not null;
