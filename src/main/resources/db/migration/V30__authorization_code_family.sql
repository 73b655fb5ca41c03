-- The refresh-token family (the sid of the tokens) issued from an authorization code, so that
-- a replayed code can revoke what it produced (RFC 6749 §4.1.2).
ALTER TABLE authorization_codes ADD COLUMN token_family VARCHAR(64);
