-- A branch's optional contacts (tenant file): a person to transfer callers to while it
-- is open, and an address for its messages besides the company's.
ALTER TABLE branches ADD COLUMN transfer_number TEXT;
ALTER TABLE branches ADD COLUMN email TEXT;
