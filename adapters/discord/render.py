"""Pure rendering: our types → Discord embeds, within Discord's limits.

Nothing here talks to Discord. Every string that comes from a feed, a story
or a person (titles, gists, quotes, speaker names, notes, reply text) passes
through `untrusted`, so ``@everyone``, role pings, masked links and markdown in
feed content show as typed and never fire or mislead. The senders add
``AllowedMentions.none()`` on top, as a second lock.

Limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits):
title 256, description 4096, 25 fields, field name 256, field value 1024,
footer 2048, author 256, 6000 characters per message over all its embeds, and
10 embeds per message. A briefing that does not fit one message is split
across several, never cut.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

import discord

from bot.conversation.replies import Reply
from bot.domain import Briefing, BriefingItem, Bullet, Citation, Quote, QuoteKind

TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_COUNT_LIMIT = 25
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
AUTHOR_LIMIT = 256
MESSAGE_TOTAL_LIMIT = 6000
EMBEDS_PER_MESSAGE = 10
BUTTON_LABEL_LIMIT = 80
URL_LIMIT = 2048
THREAD_NAME_LIMIT = 100
UNNAMED_SPEAKER = "Unnamed speaker"
UNTITLED = "(untitled)"
# Room a quote keeps in a citation however long its story's title and link are.
QUOTE_MIN_ROOM = 400
# Characters that show nothing: a name made only of them reads as blank.
_INVISIBLE = re.compile(r"[\s\u200b-\u200f\u2060-\u2064\ufeff\u00ad\u034f\u180e]+")

BRIEFING_COLOUR = discord.Colour(0x2B6CB0)
REPLY_COLOUR = discord.Colour(0x4A5568)
ERROR_COLOUR = discord.Colour(0xC53030)

# A field that says what did not fit; its size is reserved while filling an embed.
_MORE_FIELD_RESERVE = 80
ELLIPSIS = "…"
QUOTES_CUSTOM_ID_PREFIX = "newsbrief:quotes:"
REF_PREFIX = "ref "


@dataclass(frozen=True, slots=True)
class QuotesButton:
    """A "Key quotes" button: its label and the story whose quotes it opens."""

    label: str
    story_id: int

    @property
    def custom_id(self) -> str:
        return quotes_custom_id(self.story_id)


@dataclass(slots=True)
class OutgoingMessage:
    """One Discord message to send: up to 10 embeds and the buttons under them."""

    embeds: list[discord.Embed] = field(default_factory=list)
    buttons: list[QuotesButton] = field(default_factory=list)

    @property
    def total_length(self) -> int:
        return sum(len(embed) for embed in self.embeds)


# --- untrusted text ---------------------------------------------------------------------------


def untrusted(text: str) -> str:
    """Feed or user text made inert: markdown shown literally, no mention can ping."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def fit(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis, never ending in a lone backslash."""
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS)]
    # A cut through an escape ("\*") would leave a backslash escaping our ellipsis.
    trailing = len(cut) - len(cut.rstrip("\\"))
    if trailing % 2:
        cut = cut[:-1]
    return cut + ELLIPSIS


def safe_url(url: str | None) -> str | None:
    """``url`` if Discord will accept it as a link (http/https, not too long), else None."""
    if not url or len(url) > URL_LIMIT or any(ch.isspace() for ch in url):
        return None
    parts = urlsplit(url)
    return url if parts.scheme in {"http", "https"} and parts.netloc else None


def masked_link(text: str, url: str | None) -> str:
    """A markdown link whose text is escaped untrusted text; plain text when the URL is unsafe."""
    label = untrusted(re.sub(r"[\[\]]", "", text))
    target = safe_url(url)
    if target is None:
        return label
    return f"[{label}]({target.replace('(', '%28').replace(')', '%29')})"


def quote_text(quote: Quote | Citation) -> str:
    """A quote as readers see it: direct words in quotation marks, reported speech bare."""
    text = " ".join(quote.text.split())
    return text if quote.kind is QuoteKind.INDIRECT else f"“{text}”"


def speaker_label(name: str, role: str | None) -> str:
    name = name if visible(name) else UNNAMED_SPEAKER  # Discord refuses an empty field name
    return f"{name} ({role})" if role and visible(role) else name


def visible(text: str) -> bool:
    """Does ``text`` show anything (not only spaces and zero-width characters)?"""
    return bool(_INVISIBLE.sub("", text))


def thread_name(text: str, *, fallback: str) -> str:
    """A thread name Discord takes: one line, no mentions, something visible, ≤ 100 chars."""
    clean = " ".join(_INVISIBLE.sub(" ", text.replace("@", "")).split())
    return fit(clean if visible(clean) else fallback, THREAD_NAME_LIMIT)


def quotes_custom_id(story_id: int) -> str:
    """The persistent custom id of a "Key quotes" button; the bot parses it after a restart."""
    return f"{QUOTES_CUSTOM_ID_PREFIX}{story_id}"


def briefing_ref(idempotency_key: str) -> str:
    """The footer marker that lets recovery find a posted briefing in channel history."""
    return f"{REF_PREFIX}{idempotency_key}"


# --- briefings --------------------------------------------------------------------------------


def briefing_messages(briefing: Briefing) -> list[OutgoingMessage]:
    """A briefing as Discord messages: a header embed, then one embed per story.

    Every message's last embed carries the ``ref`` footer (and "part i/n" when
    split), so any message of the briefing leads back to its idempotency key.
    """
    footer_reserve = len(_footer_text(briefing.idempotency_key, 99, 99))
    embeds = [header_embed(briefing)]
    buttons: dict[int, QuotesButton] = {}
    for number, item in enumerate(briefing.items, start=1):
        embed = story_embed(number, item, reserve=footer_reserve)
        embeds.append(embed)
        if item.story_ids:
            buttons[id(embed)] = QuotesButton(
                fit(f"Key quotes · {number}", BUTTON_LABEL_LIMIT), item.story_ids[0]
            )
    messages = pack(embeds, reserve=footer_reserve)
    for index, message in enumerate(messages, start=1):
        message.buttons = [buttons[id(e)] for e in message.embeds if id(e) in buttons]
        footer = _footer_text(briefing.idempotency_key, index, len(messages))
        if footer:
            message.embeds[-1].set_footer(text=fit(footer, FOOTER_LIMIT))
    return messages


def _footer_text(key: str, index: int, count: int) -> str:
    parts = []
    if count > 1:
        parts.append(f"part {index}/{count}")
    if key:
        parts.append(briefing_ref(key))
    return " · ".join(parts)


def header_embed(briefing: Briefing) -> discord.Embed:
    """The briefing's title, time and notes (failed feeds and the like)."""
    lines = [untrusted(note) for note in briefing.notes]
    if not briefing.items:
        lines.insert(0, "Nothing new since the last briefing.")
    count = len(briefing.items)
    if count:
        lines.insert(0, f"{count} {'story' if count == 1 else 'stories'} with who said what.")
    return discord.Embed(
        title=fit(untrusted(briefing.title), TITLE_LIMIT),
        description=fit("\n".join(lines), DESCRIPTION_LIMIT) or None,
        colour=BRIEFING_COLOUR,
        timestamp=briefing.generated_at,
    )


def story_embed(number: int, item: BriefingItem, *, reserve: int = 0) -> discord.Embed:
    """One story: numbered linked title, sources, gist, then a field per speaker.

    ``reserve`` keeps room for a footer added later.
    """
    embed = discord.Embed(
        title=fit(f"{number}. {untrusted(item.title)}", TITLE_LIMIT),
        url=safe_url(item.url),
        description=fit(untrusted(item.gist), DESCRIPTION_LIMIT) if item.gist else None,
        colour=BRIEFING_COLOUR,
        timestamp=item.published_at,
    )
    if item.sources:
        embed.set_author(name=fit(" · ".join(untrusted(s) for s in item.sources), AUTHOR_LIMIT))
    if not item.bullets:
        embed.add_field(name="Who said what", value="No attributed quotes in this story.")
        return embed
    add_fields(
        embed, [bullet_field(b) for b in item.bullets], more="more speakers", reserve=reserve
    )
    return embed


def bullet_field(bullet: Bullet) -> tuple[str, str]:
    name = fit(untrusted(speaker_label(bullet.speaker, bullet.speaker_role)), FIELD_NAME_LIMIT)
    value = fit(" … ".join(untrusted(quote_text(q)) for q in bullet.quotes), FIELD_VALUE_LIMIT)
    return name, value or "—"


def add_fields(
    embed: discord.Embed, fields: Sequence[tuple[str, str]], *, more: str, reserve: int = 0
) -> None:
    """Add ``fields`` while the embed stays within 25 fields and 6000 characters.

    What does not fit is counted in a last field ("…and 3 more speakers") rather than
    silently dropped.
    """
    budget = MESSAGE_TOTAL_LIMIT - _MORE_FIELD_RESERVE - reserve - len(embed)
    for index, (name, value) in enumerate(fields):
        left = len(fields) - index
        room_for_more = index < FIELD_COUNT_LIMIT - 1 or left == 1
        if not room_for_more or len(name) + len(value) > budget:
            embed.add_field(name=ELLIPSIS, value=f"…and {left} {more}", inline=False)
            return
        embed.add_field(name=name, value=value, inline=False)
        budget -= len(name) + len(value)


def pack(embeds: Iterable[discord.Embed], *, reserve: int = 0) -> list[OutgoingMessage]:
    """Group embeds into messages of at most 10 embeds and 6000 characters, in order.

    ``reserve`` keeps room in each message for a footer added afterwards.
    """
    messages: list[OutgoingMessage] = []
    current = OutgoingMessage()
    limit = MESSAGE_TOTAL_LIMIT - reserve
    for embed in embeds:
        full = len(current.embeds) == EMBEDS_PER_MESSAGE
        if current.embeds and (full or current.total_length + len(embed) > limit):
            messages.append(current)
            current = OutgoingMessage()
        current.embeds.append(embed)
    if current.embeds:
        messages.append(current)
    return messages


# --- replies and quote lists --------------------------------------------------------------------


def reply_messages(reply: Reply) -> list[OutgoingMessage]:
    """A conversations-core `Reply` as messages: its text, its table, then its citations."""
    embeds: list[discord.Embed] = []
    colour = ERROR_COLOUR if reply.ephemeral and not reply.citations else REPLY_COLOUR
    chunks = split_lines(untrusted(reply.text), DESCRIPTION_LIMIT) if reply.text else []
    embeds.extend(discord.Embed(description=chunk, colour=colour) for chunk in chunks)
    if reply.rows:
        embeds.append(discord.Embed(description=table(reply.columns, reply.rows), colour=colour))
    fields = [citation_field(c) for c in reply.citations]
    for start in range(0, len(fields), FIELD_COUNT_LIMIT - 1):
        embed = discord.Embed(colour=REPLY_COLOUR)
        add_fields(embed, fields[start : start + FIELD_COUNT_LIMIT - 1], more="more quotes")
        embeds.append(embed)
    if not embeds:
        embeds.append(discord.Embed(description="(no answer)", colour=colour))
    return pack(embeds)


def citation_field(citation: Citation) -> tuple[str, str]:
    name = fit(untrusted(speaker_label(citation.speaker, citation.speaker_role)), FIELD_NAME_LIMIT)
    said = untrusted(quote_text(citation))
    room = FIELD_VALUE_LIMIT - 1 - min(len(said), QUOTE_MIN_ROOM)
    source = _citation_source(citation, room)
    words = fit(said, FIELD_VALUE_LIMIT - len(source) - 1)
    return name, f"{words}\n{source}"


def _citation_source(citation: Citation, room: int) -> str:
    """ "— [title](url), date" within ``room`` characters: the title is shortened first,
    then the link dropped; never cut through the link's Markdown."""
    date = f", {_date(citation.published_at)}" if citation.published_at is not None else ""
    title = " ".join(citation.story_title.split()) or UNTITLED
    full = "— " + masked_link(title, citation.story_url) + date
    if len(full) <= room:
        return full
    target = safe_url(citation.story_url)
    overhead = len("— []()") + len(date)
    if target is not None and room - overhead - len(target) >= 20:
        label = fit(untrusted(re.sub(r"[\[\]]", "", title)), room - overhead - len(target))
        link = f"[{label}]({target.replace('(', '%28').replace(')', '%29')})"
        if len("— " + link + date) <= room:
            return "— " + link + date
    return fit("— " + untrusted(re.sub(r"[\[\]]", "", title)), max(1, room - len(date))) + date


def table(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A small table as a code block (inert: no markdown or mention renders inside it)."""
    cells = [[_cell(c) for c in columns], *([_cell(c) for c in row] for row in rows)]
    widths = [max(len(row[i]) for row in cells if i < len(row)) for i in range(len(cells[0]))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)).rstrip() for row in cells
    ]
    body: list[str] = []
    used = len("```\n\n```") + 40
    for index, line in enumerate(lines):
        if used + len(line) + 1 > DESCRIPTION_LIMIT:
            body.append(f"… {len(lines) - index} more rows")
            break
        body.append(line)
        used += len(line) + 1
    return "```\n" + "\n".join(body) + "\n```"


def _cell(value: str) -> str:
    # Backticks could close the code block; nothing else is special inside one.
    return " ".join(value.replace("`", "'").split())[:200]


def quote_list_messages(title: str, url: str, quotes: Sequence[Quote]) -> list[OutgoingMessage]:
    """A story's full quote list (the "Key quotes" thread): one field per quote, in story order."""
    header = discord.Embed(
        title=fit(f"Key quotes — {untrusted(title)}", TITLE_LIMIT),
        url=safe_url(url),
        colour=BRIEFING_COLOUR,
        description=None if quotes else "No attributed quotes in this story.",
    )
    fields = [
        (
            fit(untrusted(speaker_label(q.speaker or "unattributed", q.speaker_role)), 256),
            fit(untrusted(quote_text(q)), FIELD_VALUE_LIMIT),
        )
        for q in sorted(quotes, key=lambda q: q.start)
    ]
    embeds = [header]
    for start in range(0, len(fields), FIELD_COUNT_LIMIT - 1):
        embed = header if start == 0 else discord.Embed(colour=BRIEFING_COLOUR)
        add_fields(embed, fields[start : start + FIELD_COUNT_LIMIT - 1], more="more quotes")
        if embed is not header:
            embeds.append(embed)
    return pack(embeds)


def error_message(text: str) -> OutgoingMessage:
    """A short error for the asker only; ``text`` is ours, never a traceback."""
    return OutgoingMessage([discord.Embed(description=untrusted(text), colour=ERROR_COLOUR)])


def split_lines(text: str, limit: int) -> list[str]:
    """``text`` in chunks of at most ``limit`` characters, split between lines where possible."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                chunks.append(current)
                current = ""
            cut = limit
            if line[:cut].endswith("\\"):
                cut -= 1
            chunks.append(line[:cut])
            line = line[cut:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            candidate = line
        current = candidate
    if current:
        chunks.append(current)
    return chunks


def _date(when: datetime) -> str:
    return when.strftime("%d %b %Y")
