-- A busy hour: webhook deliveries are merged call by call, so a call's deliveries are
-- found in arrival order without scanning the others.
CREATE INDEX retell_events_call ON retell_events (call_id, seq);

-- What troubled a worker lately (a database it could not reach), for `askpro worker status`.
ALTER TABLE workers ADD COLUMN trouble TEXT;
