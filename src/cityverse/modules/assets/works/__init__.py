"""Works and their rights confirmation (确权): upload, encrypt, register on the log, certify."""
