"""Row contracts: header aliases, column parsers and the pandera schemas of SPEC §2."""
