"""Digital collectibles: collections of a registered work, reviewed by officers, minted as
tokens on the verifiable log, gifted between real-name users, frozen by regulators, burned."""
