"""Users' signing keys for the asset ledger: custodial by default, or external (browser)."""
