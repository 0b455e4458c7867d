-- A branch's optional team mobile (tenant file `sms_number`): messages the voice agent
-- takes for the team are texted there too.
ALTER TABLE branches ADD COLUMN sms_number TEXT;
