"""The "Key quotes" button: what it shows, decided once for every platform.

A briefing item's button carries the ids of the stories it merged; the list is the
first of them still stored. `read_key_quotes` does the store reads, `decide_key_quotes`
(pure) decides: the story's saved quotes, or a private note when the story is gone
("no longer stored") or emptied by retention (`pruned_story_reply`). Adapters only
render the `KeyQuotes` they get: Slack as an ephemeral message, Discord in a thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.conversation.questions import story_citation
from bot.conversation.replies import Reply, pruned_story_reply
from bot.domain import Citation, Quote, Story
from bot.errors import NotFoundError
from bot.ports import Store

GONE = Reply("That story is no longer stored.", ephemeral=True)


@dataclass(frozen=True, slots=True)
class KeyQuotes:
    """A story's saved quotes, in story order; or ``note``, said privately instead."""

    story: Story | None
    quotes: tuple[Quote, ...] = ()
    note: Reply | None = None

    @property
    def citations(self) -> tuple[Citation, ...]:
        if self.story is None:
            return ()
        return tuple(story_citation(self.story, q) for q in self.quotes)


def decide_key_quotes(
    story: Story | None, quotes: Sequence[Quote], *, retention_days: int | None
) -> KeyQuotes:
    """What the button shows for the first still-stored ``story`` (None: none is)."""
    if story is None:
        return KeyQuotes(None, note=GONE)
    if story.pruned_at is not None:
        note = pruned_story_reply(story, retention_days)
        return KeyQuotes(story, note=Reply(note.text, ephemeral=True))
    return KeyQuotes(story, tuple(quotes))


def read_key_quotes(
    store: Store, story_ids: Sequence[int], *, retention_days: int | None
) -> KeyQuotes:
    """`decide_key_quotes` over the store: blocking reads (adapters call it in a thread);
    raises ``StoreError`` when the store is down."""
    for story_id in story_ids:
        try:
            story = store.get_story(story_id)
        except NotFoundError:
            continue  # merged away or pruned out of the store: try the item's next story
        quotes = [] if story.pruned_at is not None else store.quotes_for_story(story_id)
        return decide_key_quotes(story, quotes, retention_days=retention_days)
    return decide_key_quotes(None, (), retention_days=retention_days)
