"""Rule-based who-said-what: marks, cues, speaker mentions, resolution."""
