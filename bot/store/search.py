"""The store's search half: quotes by speaker and by words, stories by words, briefing items.

`SearchStore` is mixed into `SqlStore`. It queries the full-text objects of
migration 0003: FTS5 tables on SQLite, generated ``tsvector`` columns with GIN
indexes on PostgreSQL. Words arrive from chat, so they are reduced to letters
and digits here, whatever the caller did, before they reach a MATCH or a
tsquery: nobody can smuggle query syntax in.

Speaker words match prefixes of the words of a quote's speaker and role
("zelensky" finds "Volodymyr Zelenskyy", "white house" finds "the first White
House official"), all of them required. Text words are stemmed (English) and
any of them may match; hits come best first.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from bot.domain import Briefing, Story
from bot.ports import QuoteHit
from bot.store.rows import (
    chunks,
    quote_from_row,
    storage_key,
    story_from_row,
    story_select,
)
from bot.store.schema import (
    QUOTE_ROWID_FACTOR,
    UTCDateTime,
    briefing_items,
    stories,
    story_keys,
)

if TYPE_CHECKING:
    from sqlalchemy.dialects import postgresql, sqlite

MAX_WORDS = 12
# A words-only search looks at this many newest stories first (see `find_quotes`).
RECENT_STORIES = 2000
# Stories searched by words first: the newest this many (see `search_stories`).
RECENT_STORY_TEXTS = 500
# Newest-first searches read at most this many of the newest matches (by story id,
# which grows with ingestion) before sorting them by publication time.
NEWEST_CANDIDATES = 300
# PostgreSQL: a speaker word is asked as the exact lexemes that start with it (read from
# `speaker_lexemes`, revision 0013); one starting more than this many stays a prefix.
MAX_PREFIX_LEXEMES = 16
_WORD = re.compile(r"[^\W_]+")

_HIT_COLUMNS = """
    q.story_id, q.ordinal, q.text, q.start, q."end", q.kind, q.speaker, q.speaker_role,
    q.speaker_start, q.speaker_end, q.cue, q.anonymous, q.confidence,
    s.title AS story_title, s.url AS story_url, s.sort_at AS story_sort_at
"""


def clean_words(words: Sequence[str]) -> list[str]:
    """Lower-cased runs of letters and digits, deduplicated, at most `MAX_WORDS`."""
    found: dict[str, None] = {}
    for word in words:
        for part in _WORD.findall(word.casefold()):
            found.setdefault(part, None)
    return list(found)[:MAX_WORDS]


def phrase_words(words: Sequence[str]) -> list[str]:
    """Lower-cased runs of letters and digits in order, repeats kept, at most `MAX_WORDS`
    (a longer phrase is looked for by its start)."""
    return [part for word in words for part in _WORD.findall(word.casefold())][:MAX_WORDS]


def _fts5_all_prefixes(words: Sequence[str]) -> str:
    return " AND ".join(f'"{w}"*' for w in words)


def _fts5_any(words: Sequence[str]) -> str:
    return " OR ".join(f'"{w}"' for w in words)


def _tsquery_all_prefixes(words: Sequence[str]) -> str:
    return " & ".join(f"{w}:*" for w in words)


def _tsquery_any(words: Sequence[str]) -> str:
    return " | ".join(words)


def _tsquery_literal(lexeme: str) -> str:
    """``lexeme`` as a quoted tsquery operand, taken as is (no parsing, no dictionary)."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _prefix_stop(word: str) -> str | None:
    """The least string above every string starting with ``word``, in code point (and so
    UTF-8 byte, COLLATE "C") order; None when there is none to write."""
    following = ord(word[-1]) + 1
    if 0xD800 <= following <= 0xDFFF:
        following = 0xE000
    return word[:-1] + chr(following) if following <= 0x10FFFF else None


def _hit(row: sa.Row[Any]) -> QuoteHit:
    return QuoteHit(
        quote=quote_from_row(row),
        story_id=int(row.story_id),
        ordinal=int(row.ordinal),
        story_title=row.story_title,
        story_url=row.story_url,
        published_at=row.story_sort_at,
    )


class SearchStore:
    """Mixin of `SqlStore`: full-text and speaker lookups, and briefing items."""

    if TYPE_CHECKING:
        _dialect: str

        def _read(
            self, doing: str, *, snapshot: bool = True
        ) -> AbstractContextManager[sa.Connection]: ...
        def _write(self, doing: str) -> AbstractContextManager[sa.Connection]: ...
        def _insert(self, table: sa.Table) -> postgresql.Insert | sqlite.Insert: ...
        def _reading_memo(self) -> dict[Any, Any] | None: ...

    # quotes

    def find_quotes(
        self,
        *,
        speaker: Sequence[str] = (),
        words: Sequence[str] = (),
        story_ids: Collection[int] | None = None,
        limit: int = 20,
        phrase: bool = False,
    ) -> list[QuoteHit]:
        """Quotes whose speaker (and role) has every ``speaker`` word as a prefix of one of
        its words, and whose text has any of ``words`` (with ``phrase``: all of them, in
        order, next to each other), within ``story_ids`` if given.

        Newest story first, then in story order (among the newest
        `NEWEST_CANDIDATES` matches by ingestion order, which is what keeps a
        speaker quoted ten thousand times fast); except for ``words`` alone,
        which come best match first. Ranking every quote that has a common word
        costs more than a chat answer may take, so ``words`` alone are first
        looked for in the newest `RECENT_STORIES` stories, and in all of them
        only when that finds fewer than ``limit``; on PostgreSQL, a ``speaker``
        alone too, and in all of them only when those stories hold fewer than
        the candidates. Neither speaker nor words (nor stories) finds nothing.
        """
        who = clean_words(speaker)
        what = phrase_words(words) if phrase else clean_words(words)
        if not who and not what and story_ids is None:
            return []
        with self._read("searching quotes", snapshot=False) as conn:
            postgres = self._dialect == "postgresql"
            who_query = self._speaker_tsqueries(conn, [who])[0] if postgres and who else None
            # A speaker's newest quotes come from the newest stories first (words as well
            # cost only their few common matches: no window).
            windowed = postgres and bool(who) and not what
            if ((what and not who) or windowed) and story_ids is None:
                newest = self._newest_story_id(conn)
                if newest > RECENT_STORIES:
                    query, params = self._quotes_query(
                        who,
                        what,
                        story_ids,
                        limit,
                        from_story=newest - RECENT_STORIES,
                        who_query=who_query,
                        phrase=phrase,
                    )
                    rows = conn.execute(query, params).all()
                    if windowed:
                        # The newest candidates by story id are all in the window: the
                        # same answer as from every story, without reading the older ones.
                        if rows and rows[0].candidates_found >= params["candidates"]:
                            return [_hit(r) for r in rows]
                    elif len(rows) >= limit:
                        return [_hit(r) for r in rows]
            query, params = self._quotes_query(
                who, what, story_ids, limit, who_query=who_query, phrase=phrase
            )
            return [_hit(r) for r in conn.execute(query, params)]

    def _newest_story_id(self, conn: sa.Connection) -> int:
        """The highest story id (0 for none); read once per `reading` block."""
        memo = self._reading_memo()
        if memo is not None and "newest story" in memo:
            return int(memo["newest story"])
        newest = conn.scalar(sa.select(sa.func.max(stories.c.id))) or 0
        if memo is not None:
            memo["newest story"] = newest
        return int(newest)

    def _quotes_query(
        self,
        who: list[str],
        what: list[str],
        story_ids: Collection[int] | None,
        limit: int,
        *,
        from_story: int = 0,
        who_query: tuple[str, str] | None = None,
        phrase: bool = False,
    ) -> tuple[sa.TextualSelect, dict[str, Any]]:
        params: dict[str, Any] = {"limit": limit, "from_story": from_story}
        where: list[str] = []
        columns = _HIT_COLUMNS
        if story_ids is not None:
            where.append("q.story_id IN :story_ids")
            params["story_ids"] = sorted(set(story_ids)) or [-1]
        if self._dialect == "postgresql":
            source, order = "quotes q", "s.sort_at DESC, q.story_id DESC, q.ordinal"
            if from_story:
                where.append("q.story_id > :from_story")
            if who:
                expression, params["who"] = who_query or (
                    "to_tsquery('simple', :{})",
                    _tsquery_all_prefixes(who),
                )
                where.append("q.speaker_tsv @@ " + expression.format("who"))
            # A phrase's stop words ("an", "the") count as gaps, as when its text was indexed.
            text_query = "phraseto_tsquery" if phrase else "to_tsquery"
            text_query += "('english', :what)"
            if what:
                where.append(f"q.text_tsv @@ {text_query}")
                params["what"] = " ".join(what) if phrase else _tsquery_any(what)
            if what and not who:
                source, order = self._postgres_ranked(where, text_query)
                where = []
            elif who:
                # As on SQLite: the newest matches by story id, then by publication time.
                source = self._postgres_newest(where, params)
                columns += ", k.candidates_found"
                where = []
        else:
            source, order = self._sqlite_quote_source(who, what, params, from_story, phrase)
        sql = f"SELECT {columns} FROM {source} JOIN stories s ON s.id = q.story_id"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" ORDER BY {order} LIMIT :limit"
        query = sa.text(sql)
        if story_ids is not None:
            query = query.bindparams(sa.bindparam("story_ids", expanding=True))
        return query.columns(story_sort_at=UTCDateTime), params

    def _sqlite_quote_source(
        self,
        who: list[str],
        what: list[str],
        params: dict[str, Any],
        from_story: int,
        phrase: bool = False,
    ) -> tuple[str, str]:
        """FROM clause driving the search from an FTS5 table, and the ORDER BY.

        FTS5 walks a match list in rowid order and can stop early, so newest-first
        searches take the newest `NEWEST_CANDIDATES` matches by rowid (story id)
        and only those are joined and sorted by publication time: a speaker
        quoted ten thousand times costs what one quoted three hundred times does.
        """
        factor = QUOTE_ROWID_FACTOR
        order = "s.sort_at DESC, q.story_id DESC, q.ordinal"
        params["candidates"] = max(NEWEST_CANDIDATES, params["limit"])
        newest = " ORDER BY rowid DESC LIMIT :candidates"
        speakers = "SELECT rowid FROM quote_speakers_fts WHERE quote_speakers_fts MATCH :who"
        if who:
            params["who"] = _fts5_all_prefixes(who)
        if not what:
            if not who:
                return "quotes q", order
            source = (
                f"({speakers}{newest}) f JOIN quotes q"
                f" ON q.story_id = f.rowid / {factor} AND q.ordinal = f.rowid % {factor}"
            )
            return source, order
        params["what"] = f'"{" ".join(what)}"' if phrase else _fts5_any(what)
        hits = "SELECT rowid AS id, rank FROM quote_texts_fts WHERE quote_texts_fts MATCH :what"
        if from_story:
            # A rowid range is one seek in the FTS index, not a filter afterwards.
            hits += " AND rowid > :from_rowid"
            params["from_rowid"] = (from_story + 1) * factor - 1
        if who:
            # The speaker's newest quotes with any of the words; bm25 over every match
            # of a common word would cost more than it helps (callers rank by coverage).
            hits = hits.replace("rowid AS id, rank", "rowid AS id")
            # "+rowid": walk the word matches and test each against the speaker's
            # rowids; pushed into FTS5, the IN list would re-run the MATCH per rowid.
            hits += f" AND +rowid IN ({speakers}){newest}"
        else:
            order = "f.rank, " + order
        source = (
            f"({hits}) f JOIN quotes q"
            f" ON q.story_id = f.id / {factor} AND q.ordinal = f.id % {factor}"
        )
        return source, order

    def _postgres_ranked(self, where: list[str], text_query: str) -> tuple[str, str]:
        """FROM clause and ORDER BY of a words-only search: best match first.

        The matches are ranked with only their story's ``sort_at`` (ties), read by an
        index-only scan of ``ix_stories_id_sort_at`` (revision 0014), and the story's
        other columns are joined for the ``:limit`` returned: joined before, they
        made the planner hash every story row, article text and all (50 of a 55 ms
        answer at 10,000 stories on a loaded machine; 3.5 ms this way).
        """
        order = "r.rank DESC, r.sort_at DESC, r.story_id DESC, r.ordinal"
        ranked = (
            f"SELECT q.story_id, q.ordinal, ts_rank(q.text_tsv, {text_query}) AS rank, s.sort_at"
            " FROM quotes q JOIN stories s ON s.id = q.story_id"
            f" WHERE {' AND '.join(where)}"
            " ORDER BY rank DESC, s.sort_at DESC, q.story_id DESC, q.ordinal LIMIT :limit"
        )
        return f"({ranked}) r JOIN quotes q USING (story_id, ordinal)", order

    def _postgres_newest(self, where: list[str], params: dict[str, Any]) -> str:
        params["candidates"] = max(NEWEST_CANDIDATES, params["limit"])
        conditions = " AND ".join(where)
        newest = (
            f"SELECT q.story_id, q.ordinal FROM quotes q WHERE {conditions}"
            " ORDER BY q.story_id DESC, q.ordinal LIMIT :candidates"
        )
        counted = f"SELECT n.*, count(*) OVER () AS candidates_found FROM ({newest}) n"
        return f"({counted}) k JOIN quotes q USING (story_id, ordinal)"

    def _speaker_tsqueries(
        self, conn: sa.Connection, phrases: Sequence[Sequence[str]]
    ) -> list[tuple[str, str]]:
        """For each phrase of cleaned words, a tsquery SQL expression (``{}`` for its
        parameter's name) and the parameter: every word a prefix of a speaker word.

        On PostgreSQL a prefix (``chief:*``) costs the GIN index several times what
        the exact lexemes it stands for do (revision 0013), so each word becomes
        the lexemes of `speaker_lexemes` that start with it, read in one round trip;
        a phrase with a word starting more than `MAX_PREFIX_LEXEMES` (or none) is
        asked with prefixes, as on SQLite. The matches are the same either way.
        """
        if self._dialect != "postgresql":
            return [(":{}", _fts5_all_prefixes(p)) for p in phrases]
        stops = {w: _prefix_stop(w) for p in phrases for w in p}
        # Within one answer (`reading`), a word asked again is not read again.
        memo = self._reading_memo()
        known: dict[str, list[str]] = memo.setdefault("lexemes", {}) if memo is not None else {}
        asked = sorted(w for w, stop in stops.items() if stop is not None and w not in known)
        lexemes: dict[str, list[str]] = {w: [] for w in asked}
        if asked:
            rows = conn.execute(
                sa.text(
                    "SELECT p.word, l.lexeme"
                    " FROM unnest(CAST(:words AS text[]), CAST(:stops AS text[])) AS p(word, stop)"
                    " CROSS JOIN LATERAL (SELECT DISTINCT lexeme FROM speaker_lexemes"
                    ' WHERE lexeme >= p.word COLLATE "C" AND lexeme < p.stop COLLATE "C"'
                    " ORDER BY lexeme LIMIT :most) l"
                ),
                {
                    "words": asked,
                    "stops": [stops[w] for w in asked],
                    "most": MAX_PREFIX_LEXEMES + 1,
                },
            )
            for row in rows:
                lexemes[row.word].append(row.lexeme)
            known.update(lexemes)
        lexemes.update(known)
        found = []
        for phrase in phrases:
            if all(1 <= len(lexemes.get(w, ())) <= MAX_PREFIX_LEXEMES for w in phrase):
                exact = " & ".join(
                    "(" + " | ".join(_tsquery_literal(x) for x in lexemes[w]) + ")" for w in phrase
                )
                found.append(("CAST(:{} AS tsquery)", exact))
            else:
                found.append(("to_tsquery('simple', :{})", _tsquery_all_prefixes(phrase)))
        return found

    def speaker_phrases(self, phrases: Sequence[Sequence[str]]) -> list[bool]:
        """For each phrase, `has_speaker` of its words: all of them in one round trip."""
        cleaned = [clean_words(p) for p in phrases]
        asked = [i for i, who in enumerate(cleaned) if who]
        found = [False] * len(phrases)
        if not asked:
            return found
        with self._read("looking up speakers", snapshot=False) as conn:
            queries = self._speaker_tsqueries(conn, [cleaned[i] for i in asked])
            sql = self._speaker_probes([e.format(f"p{n}") for n, (e, _) in enumerate(queries)])
            params = {f"p{n}": value for n, (_, value) in enumerate(queries)}
            row = conn.execute(sa.text(sql), params).one()
        for n, i in enumerate(asked):
            found[i] = bool(row[n])
        return found

    def has_speaker(self, words: Sequence[str]) -> bool:
        """Whether any quote's speaker (or role) has every word as a prefix of one of its words."""
        who = clean_words(words)
        if not who:
            return False
        with self._read("looking up a speaker", snapshot=False) as conn:
            [(expression, query)] = self._speaker_tsqueries(conn, [who])
            sql = self._speaker_probes([expression.format("who")])
            return bool(conn.execute(sa.text(sql), {"who": query}).scalar_one())

    def _speaker_probes(self, expressions: Sequence[str]) -> str:
        """One row: for each speaker query expression, whether any quote matches it.

        On PostgreSQL each probe reads the GIN index: for EXISTS the planner expects a
        few hundred matches (its guess for a tsquery it has no statistics on) and would
        pick a sequential scan that stops at the first one, which for a name nobody
        has reads every quote (200 ms at 100,000 quotes, against 0.1 ms from the
        index). A MATERIALIZED CTE is planned for all its rows (a bitmap index scan)
        and then read only as far as its first; unlike ``SET LOCAL enable_seqscan``,
        it needs no transaction and leaves the connection's later statements alone.
        """
        if self._dialect != "postgresql":
            probe = "EXISTS (SELECT 1 FROM quote_speakers_fts WHERE quote_speakers_fts MATCH {})"
            return "SELECT " + ", ".join(probe.format(e) for e in expressions)
        ctes = ", ".join(
            f"m{n} AS MATERIALIZED (SELECT 1 FROM quotes WHERE speaker_tsv @@ {e})"
            for n, e in enumerate(expressions)
        )
        probes = ", ".join(f"EXISTS (SELECT 1 FROM m{n})" for n in range(len(expressions)))
        return f"WITH {ctes} SELECT {probes}"

    def speakers_matching(self, words: Sequence[str], *, limit: int = 10) -> list[str]:
        """Distinct speakers whose name or role has every word as a prefix, most quoted first."""
        who = clean_words(words)
        if not who:
            return []
        if self._dialect == "postgresql":
            sql = (
                "SELECT q.speaker, count(*) AS n FROM quotes q"
                " WHERE q.speaker_tsv @@ to_tsquery('simple', :who) AND q.speaker IS NOT NULL"
                " GROUP BY q.speaker ORDER BY n DESC, q.speaker LIMIT :limit"
            )
            who_query = _tsquery_all_prefixes(who)
        else:
            factor = QUOTE_ROWID_FACTOR
            sql = (
                "SELECT q.speaker, count(*) AS n FROM quote_speakers_fts f JOIN quotes q"
                f" ON q.story_id = f.rowid / {factor} AND q.ordinal = f.rowid % {factor}"
                " WHERE quote_speakers_fts MATCH :who AND q.speaker IS NOT NULL"
                " GROUP BY q.speaker ORDER BY n DESC, q.speaker LIMIT :limit"
            )
            who_query = _fts5_all_prefixes(who)
        with self._read("looking up speakers", snapshot=False) as conn:
            rows = conn.execute(sa.text(sql), {"who": who_query, "limit": limit})
            return [str(r.speaker) for r in rows]

    # stories

    def search_stories(self, words: Sequence[str], *, limit: int = 10) -> list[Story]:
        """Stories whose title or text has any of ``words``, best match first.

        Like words in `find_quotes`: the newest `RECENT_STORY_TEXTS` stories
        first (a story's text is long, so ranking it costs more than a quote),
        and all of them when that finds fewer than ``limit``. Husks (stories
        retention emptied) keep their titles but are never found.
        """
        what = clean_words(words)
        if not what:
            return []
        if self._dialect == "postgresql":
            ids_sql = (
                "SELECT id FROM stories WHERE search_tsv @@ to_tsquery('english', :what)"
                " AND id > :from_story AND pruned_at IS NULL"
                " ORDER BY ts_rank(search_tsv, to_tsquery('english', :what)) DESC,"
                " sort_at DESC LIMIT :limit"
            )
            what_query = _tsquery_any(what)
        else:
            ids_sql = (
                "SELECT stories_fts.rowid AS id FROM stories_fts"
                " JOIN stories ON stories.id = stories_fts.rowid"
                " WHERE stories_fts MATCH :what AND stories_fts.rowid > :from_story"
                " AND stories.pruned_at IS NULL ORDER BY stories_fts.rank LIMIT :limit"
            )
            what_query = _fts5_any(what)
        params = {"what": what_query, "limit": limit, "from_story": 0}
        with self._read("searching stories", snapshot=False) as conn:
            newest = self._newest_story_id(conn)
            ids: list[int] = []
            if newest > RECENT_STORY_TEXTS:
                recent = {**params, "from_story": newest - RECENT_STORY_TEXTS}
                ids = [int(i) for i in conn.scalars(sa.text(ids_sql), recent)]
            if len(ids) < limit:
                ids = [int(i) for i in conn.scalars(sa.text(ids_sql), params)]
            found = {
                r.id: story_from_row(r)
                for r in conn.execute(story_select().where(stories.c.id.in_(ids or [-1])))
            }
        return [found[i] for i in ids if i in found]

    def story_for_url(self, url: str, *, keys: Sequence[str] = ()) -> Story | None:
        """The stored story at ``url`` (or under any of the dedupe ``keys``), or None.

        A husk (retention emptied it) is None: the caller reads the link afresh.
        """
        live = stories.c.pruned_at.is_(None)
        with self._read(f"looking up story {url}") as conn:
            if keys:
                story_id = conn.scalar(
                    sa.select(sa.func.min(story_keys.c.story_id)).where(
                        story_keys.c.key.in_([storage_key(k) for k in keys])
                    )
                )
                if story_id is not None:
                    found = story_select().where(stories.c.id == story_id, live)
                    row = conn.execute(found).first()
                    if row is not None:
                        return story_from_row(row)
            query = story_select().where(stories.c.url == url, live).order_by(stories.c.id).limit(1)
            row = conn.execute(query).first()
            return story_from_row(row) if row is not None else None

    # briefings

    def record_briefing(self, briefing: Briefing, *, at: datetime) -> None:
        """Remember which stories ``briefing`` listed, in order (again: no-op)."""
        rows = [
            {
                "idempotency_key": briefing.idempotency_key,
                "position": position,
                "story_id": story_id,
                "channel_id": briefing.channel,
                "created_at": at,
            }
            for position, item in enumerate(briefing.items, start=1)
            for story_id in item.story_ids
        ]
        if not rows:
            return
        with self._write(f"recording briefing {briefing.idempotency_key}") as conn:
            for chunk in chunks(rows, 200):
                conn.execute(self._insert(briefing_items).on_conflict_do_nothing(), list(chunk))

    def briefing_stories(
        self, channel: str, *, idempotency_key: str | None = None
    ) -> list[tuple[int, ...]]:
        """The story ids of each item of a briefing: the given one, else the channel's last.

        Item ``n`` (1-based) is at index ``n - 1``; [] when there is no such briefing.
        """
        with self._read(f"reading the last briefing of {channel}") as conn:
            key = idempotency_key
            if key is None:
                key = conn.scalar(
                    sa.select(briefing_items.c.idempotency_key)
                    .where(briefing_items.c.channel_id == channel)
                    .order_by(briefing_items.c.created_at.desc())
                    .limit(1)
                )
            if key is None:
                return []
            rows = conn.execute(
                sa.select(briefing_items.c.position, briefing_items.c.story_id)
                .where(briefing_items.c.idempotency_key == key)
                .order_by(briefing_items.c.position, briefing_items.c.story_id)
            )
            return list(_group_positions(rows))


def _group_positions(rows: sa.CursorResult[Any]) -> Iterator[tuple[int, ...]]:
    current: int | None = None
    ids: list[int] = []
    for row in rows:
        if row.position != current and ids:
            yield tuple(ids)
            ids = []
        current = row.position
        ids.append(int(row.story_id))
    if ids:
        yield tuple(ids)
