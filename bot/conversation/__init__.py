"""Conversations core: commands and follow-up questions, platform-neutral."""
