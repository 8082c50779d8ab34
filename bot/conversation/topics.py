"""Answering questions about stories and topics from the store.

What is story N about, what's new on Y, how many sources reported Y, who
said "…", who criticised / praised / warned / denied X, and plain topic
searches. A story is "on" a topic when its title and text have every word of
it (all but one, for three words or more): the store's word search finds
candidates with any of the words, and this module keeps the ones that cover
the question, so an answer never leans on a story that merely shares a word.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from functools import lru_cache

from bot.conversation.intents import Stance
from bot.conversation.questions import (
    STOPWORDS,
    citation,
    content_words,
    coverage,
    newest_first,
    quoted_words,
    rank_hits,
    speaker_named_by,
    stem,
    story_citation,
)
from bot.conversation.replies import Context, Reply, pruned_story_reply
from bot.conversation.stance import CUE_WEIGHT, stance_of
from bot.domain import Quote, Story
from bot.ports import QuoteHit, Store, Summary
from summarizer.bullets import make_bullets

MAX_CITATIONS = 8
TOPIC_STORIES = 12
SEARCH_CANDIDATES = 60
STORY_QUOTES = 200
STANCE_STORIES = 5
STANCE_STORY_QUOTES = 100
_STANCE_PAST: dict[Stance, str] = {
    "criticise": "criticising",
    "praise": "praising",
    "warn": "warning about",
    "deny": "denying or dismissing",
}
_STANCE_SEED: dict[Stance, tuple[str, ...]] = {
    "criticise": ("criticised", "criticized", "wrong", "failure", "betrayal", "mistake"),
    "praise": ("praised", "welcome", "great", "proud", "grateful", "success"),
    "warn": ("warned", "warning", "risk", "danger", "threat", "could"),
    "deny": ("denied", "rejected", "false", "untrue", "never", "dismissed"),
}
_SPACES = re.compile(r"\s+")
_MARKS = str.maketrans({c: " " for c in "\"“”‘’'«»,.;:!?()[]—–-…"})

Clock = Callable[[], datetime]
SummaryOf = Callable[[Story], Summary]


def _normal(text: str) -> str:
    return _SPACES.sub(" ", text.casefold().translate(_MARKS)).strip()


def covers(text: str, words: Sequence[str]) -> bool:
    """Whether ``text`` has every word of ``words`` (all but one for three or more), by
    word prefix: a story's whole text is searched once per word, not stemmed word by
    word (which costs more than a chat answer may take)."""
    unique = set(words)
    need = len(unique) - 1 if len(unique) >= 3 else len(unique)
    folded = text.casefold()
    seen = sum(1 for w in unique if _prefix_pattern(w).search(folded))
    return bool(unique) and seen >= need


@lru_cache(maxsize=4096)
def _prefix_pattern(word: str) -> re.Pattern[str]:
    """Words starting like ``word``'s stem ("guarantees" -> "guarantee…")."""
    root = stem(word)
    if len(root) >= 8:  # "criticism" -> "criticis…" finds "criticised"
        root = root[:-1]
    return re.compile(rf"(?<![^\W_]){re.escape(root)}")


class Topics:
    """Story and topic answers; `bot.conversation.answers.Answers` dispatches to it."""

    def __init__(
        self,
        store: Store,
        *,
        clock: Clock,
        summary_of: SummaryOf,
        max_bullets: int = 4,
        retention_days: int | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.summary_of = summary_of
        self.max_bullets = max_bullets
        self.retention_days = retention_days

    # stories

    def stories_covering(self, topic: Sequence[str], *, limit: int = TOPIC_STORIES) -> list[Story]:
        """Stored stories on ``topic`` (see the module docstring), best match first."""
        if not topic:
            return []
        found = self.store.search_stories(topic, limit=limit)
        return [s for s in found if covers(f"{s.title} {s.text}", topic)]

    def stories_on(self, topic: Sequence[str]) -> set[int]:
        return {s.id for s in self.stories_covering(topic) if s.id is not None}

    def story_titled(self, words: Sequence[str]) -> Story | None:
        """The story whose title has every word, else whose text has them as a phrase."""
        found = self.store.search_stories(words, limit=TOPIC_STORIES)
        for story in found:
            if coverage(story.title, set(words)) == len(set(words)):
                return story
        phrase = _normal(" ".join(words))
        if len(words) >= 2:
            for story in found:
                if phrase in _normal(story.text):
                    return story
        return None

    def quotes_of_story(self, story: Story) -> Reply:
        if story.pruned_at is not None:
            return pruned_story_reply(story, self.retention_days)
        quotes = self.store.quotes_for_story(story.id) if story.id is not None else []
        bullets = make_bullets(quotes, max_bullets=self.max_bullets)
        cited = tuple(story_citation(story, q) for b in bullets for q in b.quotes)
        if not cited:
            return Reply(f"“{story.title}” ({story.url}) quotes nobody I can attribute.")
        return Reply(f"Who said what in “{story.title}”:", citations=cited)

    def briefing_item(self, context: Context, number: int) -> list[Story] | Reply:
        """The stories of item ``number`` of the thread's briefing (else the channel's last)."""
        store = self.store
        items = store.briefing_stories(context.channel, idempotency_key=context.thread_of)
        if not items and context.thread_of is not None:  # a thread of an unrecorded briefing
            items = store.briefing_stories(context.channel)
        if not items:
            return Reply(
                "There is no briefing in this channel yet to take a story number from; "
                "use `brief` or give a story link.",
                ephemeral=True,
            )
        if not 1 <= number <= len(items):
            return Reply(
                f"The last briefing has stories 1 to {len(items)}; there is no story {number}.",
                ephemeral=True,
            )
        stories = [store.get_story(i) for i in items[number - 1]]
        # The item shows its most quoted story (`bot.briefing`): that one leads here too.
        lead = max(stories, key=lambda s: len(self.summary_of(s).quotes))
        return [lead, *(s for s in stories if s is not lead)]

    def story_about(self, context: Context, number: int) -> Reply:
        found = self.briefing_item(context, number)
        if isinstance(found, Reply):
            return found
        lead = found[0]
        if lead.pruned_at is not None:
            return pruned_story_reply(lead, self.retention_days)
        sources = self._sources(found)
        gist = self.summary_of(lead).gist.strip()
        quoted = self.quotes_of_story(lead)
        people = list(dict.fromkeys(c.speaker for c in quoted.citations))
        text = f"Story {number}: “{lead.title}” ({', '.join(sources)}{_date(lead.published_at)})."
        if gist:
            text += f"\n{gist}"
        if people:
            text += f"\nQuoted: {', '.join(people)}. `quotes {number}` lists who said what."
        return Reply(text, citations=quoted.citations[:4])

    # who said "…"

    def who_said(self, phrase: str) -> Reply:
        words = content_words(phrase)
        wanted = _normal(phrase)
        if not words or not wanted:
            return Reply("Which words? Put them in quotes: who said “…”?", ephemeral=True)
        # The phrase itself first: a few quotes have it, wherever they are (the store's
        # phrase search is by word; the exact words decide).
        hits = self.store.find_quotes(words=[wanted], phrase=True, limit=SEARCH_CANDIDATES)
        exact = [h for h in hits if wanted in _normal(h.quote.text)]
        if not exact and len(set(words)) >= 3:
            # Not as said: every word of it, in any order, in one quote.
            hits = self.store.find_quotes(words=words, limit=SEARCH_CANDIDATES)
            exact = [h for h in hits if coverage(h.quote.text, words) == len(set(words))]
        if not exact:
            return Reply(f"Nobody in the stored stories is quoted saying “{phrase}”.")
        names = list(dict.fromkeys(h.quote.speaker or "unattributed" for h in exact))
        return Reply(
            f"{_names(names)} said it:", citations=tuple(citation(h) for h in exact[:MAX_CITATIONS])
        )

    # who criticised / praised / warned / denied

    def who_took_stance(self, stance: Stance, target: Sequence[str]) -> Reply:
        candidates: list[QuoteHit] = []
        if target:
            candidates.extend(self.store.find_quotes(words=target, limit=SEARCH_CANDIDATES))
            # The few stories most about the target: their quotes may answer without
            # naming it ("a betrayal", of the vote).
            on_target = {
                s.id
                for s in self.stories_covering(target, limit=STANCE_STORIES)
                if s.id is not None
            }
            if on_target:
                candidates.extend(
                    self.store.find_quotes(story_ids=on_target, limit=STANCE_STORY_QUOTES)
                )
        else:
            seed = _STANCE_SEED[stance]
            candidates.extend(self.store.find_quotes(words=seed, limit=SEARCH_CANDIDATES))
        unique = {(h.story_id, h.ordinal): h for h in candidates}.values()
        others = [h for h in unique if not speaker_named_by(h.quote.speaker, target)]
        mentions = {
            (h.story_id, h.ordinal): coverage(h.quote.text, target) if target else 0 for h in others
        }
        # A quote from a story on the target that does not name it, but names someone
        # else ("Putin does not understand…"), is about that someone: not an answer.
        names = proper_names(h.quote.text for h in others)
        others = [
            h
            for h in others
            if not target
            or mentions[h.story_id, h.ordinal]
            or not names_someone_else(h.quote.text, names)
        ]
        what = f" “{quoted_words(target)}”" if target else ""
        if not others:
            return (
                self.nothing_about(target)
                if target
                else Reply(
                    f"Nobody in the stored stories is quoted {_STANCE_PAST[stance]} anything."
                )
            )
        scored = []
        for hit in others:
            evidence = stance_of(stance, hit.quote.text, hit.quote.cue)
            if evidence is None:
                continue
            named = mentions[hit.story_id, hit.ordinal]
            when = hit.published_at.timestamp() if hit.published_at else 0.0
            scored.append(
                (-evidence.weight, -named, -when, hit.story_id, hit.ordinal, hit, evidence)
            )
        if not scored:
            quoted = _names(list(dict.fromkeys(h.quote.speaker or "unattributed" for h in others)))
            return Reply(
                f"Nobody in the stored stories is quoted {_STANCE_PAST[stance]}{what} in so many "
                f"words (judged by the reporting verb and the quote's own words). "
                f"Quoted on it: {quoted}."
            )
        if any(s[0] <= -CUE_WEIGHT or s[1] > 0 for s in scored):
            # With a critic by the reporting verb or naming the target, the quotes that only
            # sound critical somewhere in a story on it are noise.
            scored = [s for s in scored if s[0] <= -CUE_WEIGHT or s[1] > 0]
        scored.sort(key=lambda s: s[:5])
        chosen = [s[5] for s in scored[:MAX_CITATIONS]]
        why = "; ".join(
            f"{s[5].quote.speaker or 'unattributed'} ({_evidence_words(s[6].cue, s[6].word)})"
            for s in scored[:MAX_CITATIONS]
        )
        return Reply(
            f"Quoted {_STANCE_PAST[stance]}{what}: {why}.",
            citations=tuple(citation(h) for h in chosen),
        )

    # what's new, how many sources

    def whats_new(self, topic: Sequence[str], window: timedelta, window_words: str) -> Reply:
        if not topic:
            return self._newest(window, window_words)
        stories = self.stories_covering(topic)
        if not stories:
            return self.nothing_about(topic)
        since = self.clock() - window
        dated = sorted(stories, key=_sort_time, reverse=True)
        fresh = [s for s in dated if s.published_at is not None and s.published_at >= since]
        if not fresh:
            latest = dated[0]
            return Reply(
                f"Nothing new on “{quoted_words(topic)}” {window_words} "
                f"(since {since:%a %d %b %H:%M} UTC). The latest stored is “{latest.title}”"
                f"{_date(latest.published_at)} — {latest.url}."
            )
        listed = "\n".join(
            f"• {s.title}{_date(s.published_at)} — {s.url}" for s in fresh[:MAX_CITATIONS]
        )
        ids = [s.id for s in fresh if s.id is not None]
        hits = self.store.find_quotes(words=topic, story_ids=ids, limit=SEARCH_CANDIDATES)
        ranked = rank_hits(hits, topic)[:4] or newest_first(
            self.store.find_quotes(story_ids=ids[:1], limit=4)
        )
        n = len(fresh)
        return Reply(
            f"{n} stor{'y' if n == 1 else 'ies'} on “{quoted_words(topic)}” {window_words}:\n"
            f"{listed}",
            citations=tuple(citation(h) for h in ranked),
        )

    def _newest(self, window: timedelta, window_words: str) -> Reply:
        """ "what's new?": the stories stored in the window, newest first."""
        since = self.clock() - window
        fresh = [
            s
            for s in self.store.recent_stories(since=since, limit=MAX_CITATIONS + 1)
            if s.pruned_at is None
        ]
        if not fresh:
            return Reply(f"Nothing new {window_words} (since {since:%a %d %b %H:%M} UTC).")
        listed = "\n".join(
            f"• {s.title}{_date(s.published_at)} — {s.url}" for s in fresh[:MAX_CITATIONS]
        )
        more = " (and more)" if len(fresh) > MAX_CITATIONS else ""
        return Reply(f"New {window_words}{more}:\n{listed}")

    def how_many_sources(self, topic: Sequence[str]) -> Reply:
        stories = self.stories_covering(topic, limit=50)
        if not stories:
            return self.nothing_about(topic)
        feeds = self._feed_titles()
        names = list(dict.fromkeys(feeds.get(s.feed_url, s.feed_url) for s in stories))
        n, m = len(stories), len(names)
        listed = "\n".join(
            f"• {s.title} — {feeds.get(s.feed_url, s.feed_url)}{_date(s.published_at)}"
            for s in sorted(stories, key=_sort_time, reverse=True)[:10]
        )
        return Reply(
            f"{m} source{'s' if m != 1 else ''} ({', '.join(names)}) reported “"
            f"{quoted_words(topic)}” in {n} stor{'y' if n == 1 else 'ies'}:\n{listed}"
        )

    def _sources(self, stories: Sequence[Story]) -> list[str]:
        feeds = self._feed_titles()
        return list(dict.fromkeys(feeds.get(s.feed_url, s.feed_url) for s in stories))

    def _feed_titles(self) -> dict[str, str]:
        return {f.url: f.title or f.url for f in self.store.list_feeds()}

    # topics and nothing

    def topic(self, topic: Sequence[str], *, asks_who: bool) -> Reply:
        hits = self.store.find_quotes(words=topic, limit=SEARCH_CANDIDATES)
        if asks_who:
            # "who talked about Trump?" wants what others said about Trump.
            hits = [h for h in hits if not speaker_named_by(h.quote.speaker, topic)]
        ranked = [h for h in rank_hits(hits, topic) if covers(h.quote.text, topic)]
        label = quoted_words(topic)
        if ranked:
            lead = "Who is quoted" if asks_who else "Stored quotes"
            return Reply(
                f"{lead} on “{label}”, best match first:",
                citations=tuple(citation(h) for h in ranked[:MAX_CITATIONS]),
            )
        on_topic = self.stories_on(topic)
        if on_topic:
            # No quote has the words ("the company" said it, not "Lumora"), but stories on
            # the topic quote people: the first two quotes of each speaker there.
            quoted = newest_first(self.store.find_quotes(story_ids=on_topic, limit=STORY_QUOTES))
            if asks_who:
                quoted = [h for h in quoted if not speaker_named_by(h.quote.speaker, topic)]
            per_speaker: dict[str, int] = {}
            chosen = []
            for hit in quoted:
                name = hit.quote.speaker or ""
                per_speaker[name] = per_speaker.get(name, 0) + 1
                if per_speaker[name] <= 2:
                    chosen.append(hit)
            if chosen:
                return Reply(
                    f"Quoted in stories on “{label}”:",
                    citations=tuple(citation(h) for h in chosen[:MAX_CITATIONS]),
                )
        return self.nothing_about(topic)

    def nothing_about(self, topic: Sequence[str]) -> Reply:
        stories = self.stories_covering(topic, limit=5)
        label = quoted_words(topic)
        if stories:
            listed = "\n".join(f"• {s.title} — {s.url}" for s in stories[:3])
            return Reply(f"No stored quote is about “{label}”. Stories that mention it:\n{listed}")
        return Reply(f"I have nothing stored about “{label}”.")

    def nobody_called(self, words: Sequence[str]) -> Reply:
        label = quoted_words(words)
        phrase = _normal(label)
        # Only a story with the name as typed, words together: "nobody name" is no name.
        stories = [
            s
            for s in self.stories_covering(words, limit=5)
            if phrase in _normal(f"{s.title} {s.text}")
        ]
        if stories:
            listed = "\n".join(f"• {s.title} — {s.url}" for s in stories[:3])
            return Reply(
                f"Nobody called “{label}” is quoted in the stored stories. "
                f"Stories that mention “{label}”:\n{listed}"
            )
        return Reply(
            f"Nobody called “{label}” is quoted in the stored stories, and none mentions it."
        )

    def about_unquoted(self, who: Sequence[str], topic: Sequence[str]) -> Reply:
        """ "What did the Kremlin say about Y?" when nobody is named "Kremlin": quotes on Y
        in stories about the Kremlin, if any; else the stories; else nothing."""
        label = quoted_words(who)
        stories = self.stories_covering(who, limit=5)
        if stories and topic:
            ids = [s.id for s in stories if s.id is not None]
            hits = self.store.find_quotes(words=topic, story_ids=ids, limit=SEARCH_CANDIDATES)
            texts = {s.id: s.text for s in stories}
            # Nobody speaks for the body, so a sentence that names it beside someone else's
            # words sets them against it ("the Kremlin dismissed Trump's claim that ..."):
            # those words are what the body answered, not what it said. They go last.
            ranked = sorted(
                rank_hits(hits, topic),
                key=lambda h: sentence_names(texts.get(h.story_id, ""), h.quote, who),
            )
            if ranked:
                return Reply(
                    f"Nobody named “{label}” is quoted, but stories about {label} quote this "
                    f"on “{quoted_words(topic)}”:",
                    citations=tuple(citation(h) for h in ranked[:MAX_CITATIONS]),
                )
        if stories:
            listed = "\n".join(f"• {s.title} — {s.url}" for s in stories[:3])
            return Reply(
                f"Nobody named “{label}” is quoted in the stored stories"
                + (f" on “{quoted_words(topic)}”" if topic else "")
                + f". Stories that mention {label}:\n{listed}"
            )
        return Reply(
            f"Nobody named “{label}” is quoted in the stored stories, and none mentions it."
        )


def sentence_names(text: str, quote: Quote, words: Sequence[str]) -> bool:
    """True when the sentence around ``quote`` in ``text`` has one of ``words``."""
    if not 0 <= quote.start <= quote.end <= len(text):
        return False
    start = max(text.rfind(c, 0, quote.start) for c in ".!?\n") + 1
    ends = [i for i in (text.find(c, quote.end) for c in ".!?\n") if i >= 0]
    sentence = text[start : min(ends, default=len(text))]
    return covers(sentence, words)


_NAME = re.compile(r"(?<![\w'’])[A-Z][a-z]+(?:['’]s)?")
_STARTERS = STOPWORDS | frozenset(
    [
        "nobody",
        "everyone",
        "everybody",
        "somebody",
        "someone",
        "nothing",
        "everything",
        "yes",
        "well",
        "now",
        "today",
        "people",
        "let",
        "maybe",
        "perhaps",
        "still",
        "even",
        "only",
        "just",
        "sure",
        "look",
        "thanks",
        "gone",
        "customers",
    ]
)


def proper_names(texts: Iterable[str]) -> set[str]:
    """Words capitalised in the middle of a sentence somewhere in ``texts``: names."""
    found: set[str] = set()
    for text in texts:
        for match in _NAME.finditer(text):
            if not _opens_sentence(text, match.start()):
                found.add(re.sub(r"['’]s$", "", match[0]).casefold())
    return found - _STARTERS


def names_someone_else(text: str, names: set[str]) -> bool:
    """Whether ``text`` names someone: a word capitalised mid-sentence, or one opening
    a sentence that ``names`` (mid-sentence elsewhere) shows is a name ("Putin does…")."""
    for match in _NAME.finditer(text):
        word = re.sub(r"['’]s$", "", match[0]).casefold()
        if word in _STARTERS:
            continue
        if not _opens_sentence(text, match.start()) or word in names:
            return True
    return False


def _opens_sentence(text: str, start: int) -> bool:
    before = text[max(0, start - 12) : start].rstrip()
    return not before or before.endswith((".", "!", "?", ":", "“", '"', "—"))


def _sort_time(story: Story) -> float:
    return story.published_at.timestamp() if story.published_at else float("-inf")


def _date(moment: datetime | None) -> str:
    return f", {moment:%d %b %Y}" if moment else ""


def _evidence_words(cue: str | None, word: str | None) -> str:
    parts = []
    if cue:
        parts.append(f"“{cue}”")
    if word and (not cue or word.casefold() not in cue.casefold()):
        parts.append(f"“{word}”")
    return ", ".join(parts)


def _names(names: Sequence[str]) -> str:
    if len(names) <= 3:
        return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    return f"{', '.join(names[:3])} and others"
