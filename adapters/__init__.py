"""Chat adapters: each translates a format-neutral Briefing into one platform's messages."""
