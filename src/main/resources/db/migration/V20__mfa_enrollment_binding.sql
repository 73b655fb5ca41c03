-- An unconfirmed authenticator may only be confirmed by the MFA transaction that created it
-- (the mfa_token or step-up that called /mfa/associate), so a later login cannot activate
-- an enrollment it did not start.
ALTER TABLE authenticators ADD COLUMN enrollment_transaction_id VARCHAR(64);

CREATE INDEX mfa_transactions_user ON mfa_transactions(user_id);
CREATE INDEX oob_challenges_transaction ON oob_challenges(transaction_id);
