"""Block Kit rendering: pure functions from our types to Slack message payloads.

Nothing here does I/O. Every string that came from a feed or a person (titles,
sources, gists, speakers, quotes, answers, URLs) goes through `escape` (or
`link`) before it reaches a ``mrkdwn`` field, so ``<!channel>``, ``<@U123>`` and
``<https://evil|Reuters>`` in a feed arrive in Slack as inert text. Messages
are split to stay within Slack's limits (`MAX_BLOCKS`, `MAX_SECTION_TEXT`,
`MAX_HEADER_TEXT`, `MAX_MESSAGE_TEXT`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.conversation.replies import Reply
from bot.domain import Briefing, BriefingItem, Bullet, Citation, QuoteKind

# Slack's documented limits (https://api.slack.com/reference/block-kit/blocks).
MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_CONTEXT_TEXT = 2000  # per context element; kept well below by construction
MAX_MESSAGE_TEXT = 40_000
MAX_BUTTON_VALUE = 2000
UNTITLED = "(untitled)"
# The notification fallback only needs the gist of the message; keep it short.
FALLBACK_TEXT = 3000

KEY_QUOTES_ACTION = "newsbrief_key_quotes"
METADATA_EVENT_TYPE = "newsbrief_briefing"
ELLIPSIS = "…"

Block = dict[str, Any]


@dataclass(frozen=True, slots=True)
class SlackMessage:
    """One ``chat.postMessage`` worth: blocks plus the plain ``text`` fallback."""

    text: str
    blocks: tuple[Block, ...]

    def as_kwargs(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": list(self.blocks)}


def escape(text: str) -> str:
    """Slack's three control characters as entities: the text can no longer ping or link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str, label: str) -> str:
    """``<url|label>`` with both parts escaped; a ``|`` in the URL cannot end it early.

    An empty label shows the URL; an empty URL leaves the label as plain text
    (never a raw ``<|label>``); both empty read "(untitled)".
    """
    url, label = url.strip(), label.strip()
    if not url:
        return escape(label or UNTITLED)
    return f"<{escape(url).replace('|', '%7C')}|{escape(label or url)}>"


def slack_length(text: str) -> int:
    """Length in UTF-16 code units.

    Slack documents its limits in "characters" without saying which; UTF-16 units
    are never fewer than code points, so a text within the limit counted this
    way is within it however Slack counts (an emoji is 2 here, 1 as a code point).
    """
    return len(text.encode("utf-16-le")) // 2


def truncate(text: str, limit: int) -> str:
    if slack_length(text) <= limit:
        return text
    low, high = 0, min(len(text), limit - 1)  # the longest prefix within limit - 1 units
    while low < high:
        middle = (low + high + 1) // 2
        if slack_length(text[:middle]) <= limit - 1:
            low = middle
        else:
            high = middle - 1
    return text[:low] + ELLIPSIS


def section(text: str, accessory: Block | None = None) -> Block:
    block: Block = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
    if accessory is not None:
        block["accessory"] = accessory
    return block


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def header(text: str) -> Block:
    return {
        "type": "header",
        "text": {"type": "plain_text", "text": truncate(text, MAX_HEADER_TEXT), "emoji": False},
    }


DIVIDER: Block = {"type": "divider"}


# -- briefings ---------------------------------------------------------------------------


def quoted(text: str, kind: QuoteKind) -> str:
    """Direct and mixed quotes in marks, reported speech as is (like the console)."""
    return text if kind is QuoteKind.INDIRECT else f"“{text}”"


def speaker_mrkdwn(speaker: str, role: str | None) -> str:
    # Asterisks inside a name would end the bold early; speakers never need them.
    name = f"*{escape(speaker.replace('*', ''))}*"
    return f"{name} ({escape(role)})" if role else name


def bullet_line(bullet: Bullet) -> str:
    """``• *Speaker* (role): “quote” … “quote”``, escaped."""
    said = " … ".join(escape(quoted(q.text, q.kind)) for q in bullet.quotes)
    return f"• {speaker_mrkdwn(bullet.speaker, bullet.speaker_role)}: {said}"


def key_quotes_button(item: BriefingItem) -> Block | None:
    """The story's "Key quotes" button; it needs stored stories to look the quotes up."""
    if not item.story_ids:
        return None
    ids = list(item.story_ids)
    value = json.dumps({"story_ids": ids}, separators=(",", ":"))
    while len(value) > MAX_BUTTON_VALUE and len(ids) > 1:  # 23-digit ids: fewer fit
        ids = ids[: len(ids) * MAX_BUTTON_VALUE // len(value)] or ids[:1]
        value = json.dumps({"story_ids": ids}, separators=(",", ":"))
    return {
        "type": "button",
        "action_id": KEY_QUOTES_ACTION,
        "text": {"type": "plain_text", "text": "Key quotes", "emoji": False},
        "value": value,
    }


def story_blocks(number: int, item: BriefingItem) -> list[Block]:
    """A story: linked title and gist (with the button), who-said-what, then sources."""
    lead = f"*{number}. {link(item.url, item.title)}*"
    if item.gist:
        lead += f"\n{escape(item.gist)}"
    lines = [bullet_line(b) for b in item.bullets] or ["_No attributed quotes in this story._"]
    texts = pack_lines([lead, *lines], MAX_SECTION_TEXT)
    button = key_quotes_button(item) if item.bullets else None
    blocks = [section(texts[0], button), *(section(t) for t in texts[1:])]
    blocks.append(context(truncate(story_context(item), MAX_CONTEXT_TEXT)))
    return blocks


def story_context(item: BriefingItem) -> str:
    sources = " · ".join(escape(s) for s in item.sources) or "unknown source"
    if item.published_at is None:
        return sources
    return f"{sources} · {item.published_at.strftime('%d %b %Y, %H:%M %Z').strip()}"


def pack_lines(lines: Sequence[str], limit: int) -> list[str]:
    """Join lines with newlines into as few texts of at most ``limit`` chars as possible."""
    texts: list[str] = []
    current = ""
    for line in lines:
        line = truncate(line, limit)
        if current and slack_length(current) + 1 + slack_length(line) > limit:
            texts.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current or not texts:
        texts.append(current)
    return texts


def briefing_heading(briefing: Briefing) -> str:
    stamp = briefing.generated_at.strftime("%a %d %b %Y").strip()
    return f"{briefing.title} · {stamp}"


def briefing_fallback(briefing: Briefing) -> str:
    """The notification and screen-reader text: title and the stories' titles."""
    if not briefing.items:
        return truncate(f"{escape(briefing_heading(briefing))}: nothing new.", FALLBACK_TEXT)
    titles = "; ".join(f"{n}. {escape(i.title)}" for n, i in enumerate(briefing.items, 1))
    return truncate(f"{escape(briefing_heading(briefing))}: {titles}", FALLBACK_TEXT)


def briefing_messages(briefing: Briefing) -> list[SlackMessage]:
    """The briefing as one message, or several when it exceeds `MAX_BLOCKS`.

    Stories are never split across messages (unless one alone is too long);
    the header opens the first message, the notes close the last.
    """
    opening = [header(briefing_heading(briefing))]
    closing = [DIVIDER, *(context(truncate(escape(n), MAX_CONTEXT_TEXT)) for n in briefing.notes)]
    if not briefing.items:
        opening.append(section("_Nothing new since the last briefing._"))
    stories = [[DIVIDER, *story_blocks(n, item)] for n, item in enumerate(briefing.items, start=1)]
    groups = [opening, *stories, closing if briefing.notes else []]
    pages = pack_blocks(groups, MAX_BLOCKS - 1)  # one block spare for "continued"
    fallback = briefing_fallback(briefing)
    messages = []
    for index, page in enumerate(pages):
        if index:
            page = [context(f"_{escape(briefing.title)}, continued ({index + 1}/{len(pages)})_")]
            page += pages[index]
        messages.append(SlackMessage(text=fallback, blocks=tuple(page)))
    return messages


def pack_blocks(groups: Iterable[list[Block]], limit: int) -> list[list[Block]]:
    """Fill pages of at most ``limit`` blocks with whole groups, splitting only oversized ones."""
    pages: list[list[Block]] = [[]]
    for group in groups:
        if len(pages[-1]) + len(group) > limit and pages[-1]:
            pages.append([])
        for start in range(0, len(group), limit):
            chunk = group[start : start + limit]
            if len(pages[-1]) + len(chunk) > limit:
                pages.append([])
            pages[-1].extend(chunk)
    return [page for page in pages if page] or [[]]


# -- replies -----------------------------------------------------------------------------


def citation_line(citation: Citation) -> str:
    speaker = speaker_mrkdwn(citation.speaker, citation.speaker_role)
    said = escape(quoted(citation.text, citation.kind))
    return f"• {speaker}: {said} — {link(citation.story_url, citation.story_title)}"


def table_lines(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = [" · ".join(f"*{escape(c)}*" for c in columns)] if columns else []
    lines.extend(" · ".join(escape(cell) for cell in row) for row in rows)
    return lines


def reply_message(reply: Reply) -> SlackMessage:
    """A conversations-core reply: its text, then citations, then its table."""
    lines = [escape(line) for line in reply.text.splitlines()]
    lines.extend(citation_line(c) for c in reply.citations)
    lines.extend(table_lines(reply.columns, reply.rows))
    texts = pack_lines(lines or [" "], MAX_SECTION_TEXT)
    blocks = [section(t) for t in texts[:MAX_BLOCKS]]
    if len(texts) > MAX_BLOCKS:
        blocks[-1] = context(f"_… {len(texts) - MAX_BLOCKS + 1} more sections left out._")
    fallback = truncate(escape(reply.text) or "newsbrief", FALLBACK_TEXT)
    return SlackMessage(text=fallback, blocks=tuple(blocks))


def citations_message(title: str, citations: Sequence[Citation]) -> SlackMessage:
    """The "Key quotes" answer: every stored quote of a story, in the story's order."""
    if not citations:
        return reply_message(Reply(f"No attributed quotes stored for {title}."))
    lines = [f"*Key quotes — {escape(title)}*"]
    lines.extend(
        f"• {speaker_mrkdwn(c.speaker, c.speaker_role)}: {escape(quoted(c.text, c.kind))}"
        for c in citations
    )
    texts = pack_lines(lines, MAX_SECTION_TEXT)
    blocks = [section(t) for t in texts[:MAX_BLOCKS]]
    return SlackMessage(
        text=truncate(f"Key quotes — {escape(title)}", FALLBACK_TEXT), blocks=tuple(blocks)
    )


def check_limits(message: SlackMessage) -> list[str]:
    """What in ``message`` breaks Slack's limits (empty when it is fine); tests use it too."""
    return payload_problems({"text": message.text, "blocks": list(message.blocks)})


def payload_problems(payload: dict[str, Any]) -> list[str]:
    """Limit violations in a ``chat.postMessage``-style payload."""
    problems: list[str] = []
    text = payload.get("text") or ""
    if slack_length(text) > MAX_MESSAGE_TEXT:
        problems.append(f"text has {slack_length(text)} chars > {MAX_MESSAGE_TEXT}")
    blocks = payload.get("blocks") or []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    if len(blocks) > MAX_BLOCKS:
        problems.append(f"{len(blocks)} blocks > {MAX_BLOCKS}")
    for index, block in enumerate(blocks):
        problems.extend(f"block {index}: {p}" for p in _block_problems(block))
    return problems


def _block_problems(block: Block) -> list[str]:
    kind = block.get("type")
    text = (block.get("text") or {}).get("text", "")
    if kind == "header" and slack_length(text) > MAX_HEADER_TEXT:
        return [f"header has {slack_length(text)} chars > {MAX_HEADER_TEXT}"]
    if kind == "section":
        if not text:
            return ["section without text"]
        if slack_length(text) > MAX_SECTION_TEXT:
            return [f"section has {slack_length(text)} chars > {MAX_SECTION_TEXT}"]
    if kind == "context":
        elements = block.get("elements") or []
        if not 1 <= len(elements) <= 10:
            return [f"context has {len(elements)} elements"]
        sizes = [slack_length(e.get("text", "")) for e in elements]
        long = [size for size in sizes if size > 2000]
        if long:
            return [f"context element has {long[0]} chars > 2000"]
    return []
