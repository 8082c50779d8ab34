"""Answering questions about people from the store: who is X, what did X say (about Y).

`Answers` is what the conversations core asks for every question and for
``quotes <person>``. It reads the question (`bot.conversation.intents`),
finds the people it names (`bot.conversation.people`: titles, roles, spelling
variants), asks the store, and says plainly when nothing matches: an answer
never cites quotes that are not about what was asked. Questions about stories
and topics (what is story N about, what's new, how many sources, who said
"…", who criticised …) are answered by `bot.conversation.topics`.

Each thread remembers the last person answered about, so "what else did she
say?" works; the memory is kept in the store (`Store.thread_memory`), so it holds
whichever process the follow-up reaches, and across restarts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.conversation.intents import (
    HowManySources,
    StoryAbout,
    TopicSearch,
    WhatSaid,
    WhatsNew,
    WhoIs,
    WhoSaid,
    WhoStance,
    read_question,
)
from bot.conversation.people import (
    Person,
    close_spelling,
    expand_titles,
    group_people,
    is_named,
    is_role_word,
    role_alternatives,
    role_in_text,
    same_person,
    spelling_prefix,
    without_titles,
)
from bot.conversation.questions import (
    candidate_runs,
    citation,
    content_words,
    newest_first,
    quoted_words,
    rank_hits,
    segment_people,
)
from bot.conversation.replies import Context, Reply
from bot.conversation.topics import Topics, covers
from bot.domain import Story
from bot.ports import QuoteHit, Store, Summary
from bot.ports import ThreadMemory as StoredMemory

MAX_CITATIONS = 8
MAX_PEOPLE = 5
MAX_PERSON_WORDS = 8
MAX_NAME_WORDS = 4  # "the first White House official" is four words once cleaned
PERSON_CANDIDATES = 60
STORY_QUOTES = 200  # every quote of a long story, to read its speakers' roles
HELP_ASK = (
    "Ask me about people or topics in recent stories, e.g. “what did Lavrov say?”, "
    "“who is Maria Chen?”, “who criticised the vote?” (`help` lists the commands)."
)

Clock = Callable[[], datetime]
SummaryOf = Callable[[Story], Summary]


@dataclass
class ThreadMemory:
    """A thread's memory while one question is answered: the people answered about and
    the quotes shown (story id, quote text), read from and written back to the store.

    Read only when an answer needs it (`load`): a pronoun or "what else" follow-up, or
    an answer citing people (whose memory is then updated). The rest read nothing.
    """

    channel: str
    thread: str
    store: Store
    stored: StoredMemory | None = None  # None: not read yet
    people: list[str] = field(default_factory=list)
    shown: set[tuple[int, str]] = field(default_factory=set)

    def load(self) -> ThreadMemory:
        if self.stored is None:
            self.stored = self.store.thread_memory(self.channel, self.thread)
            self.people = list(self.stored.people)
            self.shown = set(self.stored.shown)
        return self


@dataclass(frozen=True, slots=True)
class Found:
    """People found for a phrase: the speaker-word runs that matched and their quotes."""

    phrases: tuple[tuple[str, ...], ...]
    people: list[Person]


class Answers:
    """Questions and ``quotes <person | words>``, answered from ``store``; never raises for
    bad input (store failures propagate as `StoreError`, which the core reports)."""

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
        self.topics = Topics(
            store,
            clock=clock,
            summary_of=summary_of,
            max_bullets=max_bullets,
            retention_days=retention_days,
        )

    # entry points

    def answer(self, context: Context, text: str) -> Reply:
        """A question typed in a channel or thread."""
        intent = read_question(text)
        memory = self._thread(context)
        match intent:
            case WhoIs(person):
                return self._remember(memory, self.who_is(person))
            case WhatSaid():
                return self._what_said(memory, intent)
            case WhoSaid(phrase):
                return self._remember(memory, self.topics.who_said(phrase))
            case WhoStance(stance, target):
                return self._remember(memory, self.topics.who_took_stance(stance, target))
            case StoryAbout(number):
                return self.topics.story_about(context, number)
            case WhatsNew(topic, window, words):
                return self.topics.whats_new(topic, window, words)
            case HowManySources(topic):
                return self.topics.how_many_sources(topic)
            case TopicSearch(topic, asks_who):
                return self._topic(memory, topic, asks_who=asks_who)
        return Reply(HELP_ASK, ephemeral=True)

    def quotes(self, context: Context, words: Sequence[str]) -> Reply:
        """``quotes <person(s) | words>``: people first, else a story by its title."""
        memory = self._thread(context)
        people, rest = self.people_in(words)
        if people:
            return self._remember(memory, self._quotes_of_people(people, rest))
        found = self.find_person(words)
        if found is not None:
            reply = self._person_reply(found, memory, more=False, profile=True)
            return self._remember(memory, reply)
        story = self.topics.story_titled(words)
        if story is not None:
            return self.topics.quotes_of_story(story)
        return Reply(
            f"Nobody by the name “{quoted_words(words)}” is quoted in the stored stories, "
            "and no stored story has those words in its title."
        )

    # finding people

    def people_in(self, words: Sequence[str]) -> tuple[list[tuple[str, ...]], list[str]]:
        """Split ``words`` into speakers (each a run of words naming someone) and the rest.

        "lavrov" -> [("lavrov",)]; "zelenskyy trump" -> [("zelenskyy",), ("trump",)];
        "white house official" -> [("white", "house", "official")]. One store
        round trip for the whole phrase and each word, then one per longer run
        length while adjacent known words remain.
        """
        store = self.store
        extra = list(words[MAX_PERSON_WORDS:])
        words = tuple(words[:MAX_PERSON_WORDS])
        first = [words, *((w,) for w in words if (w,) != words)]
        known = {p for p, hit in zip(first, store.speaker_phrases(first), strict=True) if hit}
        if words in known:
            return [words], extra
        for length in range(2, min(len(words), MAX_NAME_WORDS) + 1):
            runs = candidate_runs(words, known, length=length)
            if not runs:
                break
            known |= {p for p, hit in zip(runs, store.speaker_phrases(runs), strict=True) if hit}
        people, rest = segment_people(words, known)
        return people, rest + extra

    def find_person(
        self, words: Sequence[str], *, topic_stories: set[int] | None = None
    ) -> Found | None:
        """The people ``words`` name: as typed, without courtesy titles, by role synonyms
        ("ceo" -> "chief executive"), or by a spelling variant ("zelenskiy")."""
        if not words:
            return None
        bare = without_titles(words)
        # As typed (with role synonyms) first; only then without courtesy titles, which
        # would widen "the former ambassador" to anyone "former".
        tiers = [role_alternatives(words), role_alternatives(bare)]
        tries = list(dict.fromkeys(p for tier in tiers for p in tier))
        matched = {
            p for p, hit in zip(tries, self.store.speaker_phrases(tries), strict=True) if hit
        }
        known = next(
            ([p for p in tier if p in matched] for tier in tiers if matched & set(tier)), []
        )
        if not known:
            known = self._spelled(bare)
        if not known and topic_stories is None:
            if not any(is_role_word(w) for w in words):
                return None  # a name nobody has: no role to look for in stories
            return self._role_in_stories(words) or self._role_of(words)
        if not known:
            return None
        found = self._found(known, topic_stories)
        dropped = [w for w in words if w not in bare and is_role_word(w)]
        only_bare = set(known) <= set(tiers[1]) - set(tiers[0])
        # "Senator Sasse" is the Sasse who is a senator; "the governor of South Dakota" is
        # not "South Dakota" (a speaker too) but whoever the story calls governor.
        if (
            found is not None
            and topic_stories is None
            and only_bare
            and dropped
            and not any(self._has_role(p, dropped) for p in found.people[:MAX_PEOPLE])
        ):
            return self._role_in_stories(words) or found
        return found

    def _has_role(self, person: Person, role_words: Sequence[str]) -> bool:
        roles = list(person.roles)
        if not roles and person.stories:
            story = self.store.get_story(next(iter(person.stories)))
            roles = [r for r in [role_in_text(person.name, story.text)] if r]
        return any(_role_score(role_words, f"{r} {person.name}")[0] for r in roles)

    def _found(self, known: list[tuple[str, ...]], topic_stories: set[int] | None) -> Found | None:
        hits: list[QuoteHit] = []
        for phrase in known[:4]:
            hits.extend(
                self.store.find_quotes(
                    speaker=phrase, limit=PERSON_CANDIDATES, story_ids=topic_stories
                )
            )
        hits = _prefer_whole_words(hits, known)
        people = group_people(newest_first(hits))
        if not people:
            return None
        return Found(tuple(known), people)

    def _role_in_stories(self, words: Sequence[str]) -> Found | None:
        """ "the orchard owner", "the Home Depot CEO" when no stored role says so: speakers
        of stories with those words whose story gives them such a role in passing."""
        # The story has the other words; the role may be abbreviated there ("Gov.").
        others = [w for w in words if not is_role_word(w)] or list(words)
        found = self.topics.stories_covering(others, limit=5)
        stories = [s for s in found if covers_all(s, others)][:3]
        scored: list[tuple[tuple[int, int], QuoteHit]] = []
        roles: dict[str, str | None] = {}
        for story in stories:
            if story.id is None:
                continue
            quoted = self.store.find_quotes(story_ids=[story.id], limit=STORY_QUOTES)
            for hit in quoted:
                name = hit.quote.speaker or ""
                if name and name not in roles:
                    roles[name] = hit.quote.speaker_role or role_in_text(name, story.text)
            for hit in quoted:
                # A title kept in the name ("CEO Craig Menear") says the role too.
                role = f"{roles.get(hit.quote.speaker or '') or ''} {hit.quote.speaker or ''}"
                score = _role_score(words, role)
                if score:
                    scored.append((score, hit))
        best = max((score for score, _ in scored), default=(0, 0))
        # "the chest doctor" is the one whose role says both, not any doctor.
        hits = [hit for score, hit in scored if score == best]
        people = group_people(newest_first(hits))
        if not people:
            return None
        phrases = tuple(content_words(p.name) for p in people)
        for person in people:
            person.roles = person.roles or [r for r in [roles_of(person, roles)] if r]
        return Found(phrases, people)

    def _role_of(self, words: Sequence[str]) -> Found | None:
        """ "the CEO of Lumora", "the analyst at Fairview": a known role or name, narrowed to
        stories on the words after it."""
        for split in range(len(words) - 1, 0, -1):
            # "the CEO of Lumora" and "Lumora's CFO": the role on either side.
            for head, tail in ((words[:split], words[split:]), (words[split:], words[:split])):
                stories = self.topics.stories_on(tail)
                if stories:
                    found = self.find_person(head, topic_stories=stories)
                    if found is not None:
                        return found
        return None

    def _spelled(self, words: Sequence[str]) -> list[tuple[str, ...]]:
        """Speaker phrases for a name typed with another spelling ("Zelenskiy")."""
        surname = words[-1]  # "Frank Vogel" is stored as "Vogel" at times
        if len(surname) < 4:
            return []
        candidates = self.store.speakers_matching([spelling_prefix(surname)], limit=50)
        found: list[tuple[str, ...]] = []
        typed = " ".join(words)
        for name in candidates:
            # A shorter stored name ("Vogel" for "Frank Vogel"), but never a role word
            # ("his doctors" is nobody's name).
            shorter = name[:1].isupper() and not is_role_word(surname)
            if is_named(words, name) or (shorter and same_person(typed, name)):
                matched = tuple(
                    n
                    for n in content_words(name)
                    if any(close_spelling(w, n) or n.startswith(w) for w in words)
                )
                if matched and matched not in found:
                    found.append(matched)
        return found

    # who is

    def who_is(self, words: Sequence[str]) -> Reply:
        found = self.find_person(words)
        if found is None:
            return self.topics.nobody_called(words)
        lines = []
        cited: list[QuoteHit] = []
        for person in found.people[:MAX_PEOPLE]:
            if not person.roles and person.stories:
                # No role stored: the story may still say who they are, in passing.
                story = self.store.get_story(next(iter(person.stories)))
                role = role_in_text(person.name, story.text)
                person.roles = [role] if role else []
            lines.append(_profile(person))
            cited.extend(person.hits[:2])
        extra = len(found.people) - MAX_PEOPLE
        if extra > 0:
            lines.append(f"…and {extra} more; ask with a fuller name.")
        return Reply("\n".join(lines), citations=tuple(citation(h) for h in cited[:MAX_CITATIONS]))

    # what did X say

    def _what_said(self, memory: ThreadMemory, intent: WhatSaid) -> Reply:
        speaker = intent.speaker
        if intent.pronoun:
            if not memory.load().people:
                return Reply(
                    "Who do you mean? Ask about someone by name first, "
                    "e.g. “what did Lavrov say?”.",
                    ephemeral=True,
                )
            speaker = content_words(memory.people[0])
        found = self.find_person(speaker)
        if found is None:
            return self.topics.about_unquoted(speaker, intent.topic)
        if intent.topic:
            return self._remember(memory, self._on_topic(found, intent.topic))
        reply = self._person_reply(found, memory, more=intent.more, profile=False)
        return self._remember(memory, reply)

    def _on_topic(self, found: Found, topic: Sequence[str]) -> Reply:
        """The found people's quotes on ``topic``: words in the quote, or quotes in a story
        on it ("what did the analyst say about Lumora?" is the analyst of Lumora's story)."""
        hits: list[QuoteHit] = []
        for phrase in found.phrases[:4]:
            hits.extend(
                self.store.find_quotes(speaker=phrase, words=topic, limit=PERSON_CANDIDATES)
            )
        chosen = rank_hits(_prefer_whole_words(hits, found.phrases), topic)
        if not chosen:
            # No quote of theirs has the topic's words: their quotes in stories on the topic
            # answer it ("the analyst" of the Lumora story, on Lumora). Only then is the
            # (costlier) story search run.
            topic_stories = self.topics.stories_on(topic)
            in_story: list[QuoteHit] = []
            for phrase in found.phrases[:4] if topic_stories else ():
                in_story.extend(
                    self.store.find_quotes(
                        speaker=phrase, story_ids=topic_stories, limit=PERSON_CANDIDATES
                    )
                )
            chosen = newest_first(_prefer_whole_words(in_story, found.phrases))
        names = _names([p.name for p in found.people])
        if not chosen:
            where = "; ".join(_profile(p, short=True) for p in found.people[:MAX_PEOPLE])
            return Reply(
                f"Nothing stored has {names} on “{quoted_words(topic)}”. {where}",
                citations=(),
            )
        people = group_people(chosen)
        return Reply(
            f"What {_names([p.name for p in people])} said about “{quoted_words(topic)}”:",
            citations=tuple(citation(h) for h in chosen[:MAX_CITATIONS]),
        )

    def _person_reply(
        self, found: Found, memory: ThreadMemory, *, more: bool, profile: bool
    ) -> Reply:
        """Their quotes, newest first: after who they are (``profile``, for `quotes`), or
        after a lead-in a model may rephrase (a question)."""
        people = found.people[:MAX_PEOPLE]
        names = _names([p.name for p in people])
        hits = newest_first(h for p in people for h in p.hits)
        if more:
            hits = [h for h in hits if (h.story_id, h.quote.text) not in memory.load().shown]
            if not hits:
                return Reply(f"That is everything stored from {names}.")
        shown = hits[: MAX_CITATIONS * max(1, min(len(people), 3))]
        rest = len(hits) - len(shown)
        later = f" ({rest} more: ask “what else did they say?”)" if rest > 0 else ""
        if more:
            lead = f"More from {names}, newest first{later}:"
        else:
            lead = f"What {_names([_with_role(p) for p in people])} said, newest first{later}:"
        lines = [*(_profile(p) for p in people), lead] if profile and not more else [lead]
        return Reply("\n".join(lines), citations=tuple(citation(h) for h in shown))

    def _quotes_of_people(self, people: list[tuple[str, ...]], about: list[str]) -> Reply:
        """Each person's quotes (on ``about``, when anything on it is stored), newest first."""
        store = self.store
        hits: list[QuoteHit] = []
        for person in people if about else ():
            found = store.find_quotes(speaker=person, words=about, limit=PERSON_CANDIDATES)
            hits.extend(rank_hits(found, about))
        note = f" (nothing on “{quoted_words(about)}”, so everything)" if about and not hits else ""
        if not hits:
            for person in people:
                hits.extend(store.find_quotes(speaker=person, limit=MAX_CITATIONS * 3))
        hits = _prefer_whole_words(hits, people)
        chosen = newest_first(hits)
        grouped = group_people(chosen)
        shown = chosen[: MAX_CITATIONS * len(people)]
        lines = [_profile(p) for p in grouped[:MAX_PEOPLE]]
        lines.append(f"What {_names([p.name for p in grouped])} said{note}, newest first:")
        if len(chosen) > len(shown):
            lines[-1] += f" ({len(chosen) - len(shown)} more not shown)"
        return Reply("\n".join(lines), citations=tuple(citation(h) for h in shown))

    # topics

    def _topic(self, memory: ThreadMemory, topic: Sequence[str], *, asks_who: bool) -> Reply:
        if not topic:
            return Reply(HELP_ASK, ephemeral=True)
        if not asks_who:
            people, rest = self.people_in(topic)
            if people and not rest:
                return self._remember(memory, self._quotes_of_people(people, []))
        return self._remember(memory, self.topics.topic(topic, asks_who=asks_who))

    # memory

    def _thread(self, context: Context) -> ThreadMemory:
        return ThreadMemory(context.channel, context.thread_of or "", self.store)

    def _remember(self, memory: ThreadMemory, reply: Reply) -> Reply:
        """Note who ``reply`` is about, so "what else did he say?" refers to them."""
        speakers = list(dict.fromkeys(c.speaker for c in reply.citations))
        if speakers:
            memory.load()
            if memory.people[:1] != speakers[:1]:
                memory.shown.clear()
            memory.people = speakers
            memory.shown |= {(c.story_id or 0, c.text) for c in reply.citations}
            told = StoredMemory(tuple(memory.people), frozenset(memory.shown))
            if told != memory.stored:  # the same answer again needs no write
                self.store.remember_thread(memory.channel, memory.thread, told, at=self.clock())
                memory.stored = told
        return reply


def _prefer_whole_words(hits: list[QuoteHit], phrases: Sequence[Sequence[str]]) -> list[QuoteHit]:
    """Hits whose speaker has the asked words whole ("chen" is Maria Chen, not a
    Chenoweth), else whose speaker or role has them, else all of them (prefixes,
    "zelensky"). The speaker's own name comes first: a role that merely mentions the
    person ("Jet Propulsion Laboratory", role "… Rosaly Lopes …") is the extractor's slip."""
    named: list[QuoteHit] = []
    whole: list[QuoteHit] = []
    words_of: dict[tuple[str | None, str | None], tuple[set[str], set[str]]] = {}
    for hit in hits:
        key = (hit.quote.speaker, hit.quote.speaker_role)
        if key not in words_of:
            name = set(content_words(hit.quote.speaker or ""))
            words_of[key] = (name, name | set(content_words(hit.quote.speaker_role or "")))
        name, both = words_of[key]
        if any(all(w in name for w in phrase) for phrase in phrases):
            named.append(hit)
        elif any(all(w in both for w in phrase) for phrase in phrases):
            whole.append(hit)
    return named or whole or hits


def _profile(person: Person, *, short: bool = False) -> str:
    role = f" — {person.role_text()}" if person.roles else ""
    n = person.story_count
    titles = list(person.stories.values())
    stories = f"quoted in {n} stor{'y' if n == 1 else 'ies'}"
    if short:
        return f"{person.name}{role} is {stories}: “{titles[0]}”."
    listed = "; ".join(f"“{t}”" for t in titles[:3]) + ("…" if n > 3 else "")
    return f"{person.name}{role}, {stories}: {listed}"


def _role_score(words: Sequence[str], role: str) -> tuple[int, int]:
    """How many asked role words ``role`` has (or synonyms), then how many other words:
    (0, 0) when it has no role word ("Wild defenseman" is no "Wild coach"); "the chief
    executive of Lumora" is the chief executive, not Lumora's chief financial officer."""
    role_words = set(content_words(expand_titles(role)))

    def has(word: str) -> bool:
        return any(
            all(any(r.startswith(a) for r in role_words) for a in alternative)
            for alternative in role_alternatives((word,))
        )

    roles = sum(1 for w in words if is_role_word(w) and has(w))
    if not roles:
        return (0, 0)
    return (roles, sum(1 for w in words if not is_role_word(w) and has(w)))


def covers_all(story: Story, words: Sequence[str]) -> bool:
    text = f"{story.title} {story.text}"
    return all(covers(text, [w]) for w in words)


def roles_of(person: Person, roles: dict[str, str | None]) -> str | None:
    return next((r for h in person.hits if (r := roles.get(h.quote.speaker or ""))), None)


def _with_role(person: Person) -> str:
    return f"{person.name} ({person.roles[0]})" if person.roles else person.name


def _names(names: Sequence[str]) -> str:
    unique = list(dict.fromkeys(names))
    if not unique:
        return "they"
    if len(unique) <= 3:
        return " and ".join([", ".join(unique[:-1]), unique[-1]] if len(unique) > 1 else unique)
    return f"{', '.join(unique[:3])} and others"
