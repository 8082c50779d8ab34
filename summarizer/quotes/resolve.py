"""Resolve speaker mentions to one canonical speaker per person within a story.

Names map to the fullest form the story uses ("Lavrov" -> "Sergey Lavrov");
"he"/"she" to the last named person; definite descriptions ("the person", "the
senior official", "the first White House official") to the earlier source whose
description they repeat; anonymous sources keep what the text calls them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cache

from summarizer.quotes import antecedent, descriptions
from summarizer.quotes.language import Language
from summarizer.quotes.mentions import right_mention
from summarizer.quotes.names import Mention

_NEWLINE_RE = re.compile("\n")
_CONTENT_RE = re.compile(r"[A-Za-z][A-Za-z\-]*")


@dataclass(slots=True, eq=False)
class Speaker:
    """Someone who speaks in the story: a named person or a described source (one object
    per speaker, compared by identity: a feature row per candidate stays cheap)."""

    name: str
    role: str | None
    anonymous: bool
    words: frozenset[str]
    person: bool
    gender: str | None = None  # "f" or "m" when the text or the name says so
    count: int = 0  # mentions by name or description, in text order
    first_at: int = -1  # where the story first names it
    last_at: int = -1  # where it was last named or described
    subject_at: int = -1  # where it last opened a sentence or a speaker tag
    pronoun_at: int = -1  # where a pronoun last stood for it
    described: bool = False  # known only by a description ("China's ambassador")
    # the words of the descriptions the story used for it ("the actor", "the company")
    called: set[str] = field(default_factory=set)
    # the words and head nouns of its titles and appositions in the text
    text_called: descriptions.Called | None = None


@dataclass(frozen=True, slots=True)
class Resolved:
    name: str
    role: str | None
    anonymous: bool


_IT_REACH = 300  # characters from a named body to an "it" that may stand for it
_AUTHOR_REACH = 160  # characters after a subject its sentence may bring the document up in
_BY_RE = re.compile(r"\s+by\s+")
_RECENT = 64  # speakers a description may point back to; keeps resolution linear


AntecedentExample = tuple[int, int, list[dict[str, float]], list[str], int]


@dataclass(slots=True)
class Resolver:
    """Stateful: feed mentions in text order."""

    text: str
    lang: Language
    speakers: list[Speaker] = field(default_factory=list)  # in order of first mention
    recent: list[Speaker] = field(default_factory=list)  # most recently used last
    by_name: dict[str, Speaker] = field(default_factory=dict)
    last_person: Speaker | None = None
    last_subject: Speaker | None = None
    last_body: Speaker | None = None  # the latest named body: "it" may stand for it
    last_body_at: int = -1
    subjects: list[Speaker] = field(default_factory=list)  # salient persons, latest last
    renames: dict[str, str] = field(default_factory=dict)
    # when a list: each pronoun or description resolved appends (start, end, feature rows,
    # candidate names, the rules' row) for train_antecedent.py, and the rules' pick stands
    collect: list[AntecedentExample] | None = None
    _index: dict[str, str] | None = None
    # full_name's answers so far: the few names a story resolves are looked up one by one
    # (str.find), the index of every "First Last" built only for a story of many names
    _full_names: dict[str, str | None] = field(default_factory=dict)
    _paragraphs: list[int] | None = None
    # "Big Machine Records issued a statement": who wrote the latest statement, letter ...
    authors: dict[str, Speaker] = field(default_factory=dict)
    _documents: list[int] | None = None

    def resolve(self, m: Mention, *, salient: bool = False) -> Resolved:
        """The speaker ``m`` stands for; a ``salient`` mention (a sentence subject,
        a speaker tag) becomes the antecedent of the next "he"/"she"."""
        if m.pronoun:
            return self._pronoun(m)
        sp = self._named(m) if m.name else self._described(m)
        self._touch(sp, m.start)
        if m.name and not sp.person and self._body_name(sp.name):
            self.last_body, self.last_body_at = sp, m.end
        if salient:
            self._note_author(m, sp)
        if salient and (sp.person or sp.anonymous):
            self.last_subject = sp
            sp.subject_at = max(sp.subject_at, m.start)
            if sp.person:
                subjects = self.subjects
                if sp in subjects:
                    subjects.remove(sp)
                subjects.append(sp)
                if len(subjects) > 8:
                    del subjects[0]
        return Resolved(sp.name, sp.role, sp.anonymous)

    def _note_author(self, m: Mention, sp: Speaker) -> None:
        """ "Big Machine Records issued a statement", "In a letter, the doctors said": the
        subject of a sentence that brings up a document wrote it, so "the statement"
        later speaks for them (as the annotation guide has it)."""
        text = self.text
        if self._documents is None:  # where the story brings up a document: once a story
            self._documents = _documents(self.lang, text)
        docs = self._documents
        k = bisect_right(docs, m.start - 40)
        if k == len(docs) or docs[k] > m.end + _AUTHOR_REACH:
            return  # none near: most subjects
        end = text.find("\n", m.end, m.end + _AUTHOR_REACH)
        after = text[m.end : end if end >= 0 else m.end + _AUTHOR_REACH]
        stop = after.find(". ")
        after = after if stop < 0 else after[:stop]
        lo = max(0, m.start - 40)
        lo = max(lo, text.rfind("\n", lo, m.start) + 1, text.rfind(". ", lo, m.start) + 1)
        authored = _authored_re(self.lang)
        found = authored.search(after) or authored.search(text, lo, m.start)
        if found is not None:
            self.authors[found.group(1).lower()] = sp

    def peek(self, m: Mention) -> str:
        """The name ``m`` would resolve to now, changing nothing (a candidate the ranker
        weighs but may not choose)."""
        if m.pronoun:
            return self._pronoun(m, peek=True).name
        if m.name:
            return self.full_name(m.name)
        text = " ".join(m.text.split())
        found = self._description_target(m, text)
        if found is not None:
            return found.name
        first = text.split()[0]
        return text[0].lower() + text[1:] if first in self.lang.articles else text

    def note_subject(self, m: Mention) -> None:
        """A named sentence subject is a pronoun's likeliest antecedent."""
        if m.name and not m.pronoun:
            self.resolve(m, salient=True)

    def _touch(self, sp: Speaker, at: int) -> None:
        if at > sp.last_at:  # the same mention may be resolved twice
            sp.count += 1
            sp.last_at = at
            if sp.first_at < 0:
                sp.first_at = at
        recent = self.recent
        if recent and recent[-1] is sp:
            return
        for k in range(len(recent) - 1, -1, -1):
            if recent[k] is sp:
                del recent[k]
                break
        recent.append(sp)
        if len(recent) > _RECENT:
            del recent[0]

    def _add(self, sp: Speaker) -> Speaker:
        self.by_name.setdefault(sp.name, sp)
        if len(self.speakers) < _RECENT:
            self.speakers.append(sp)
        return sp

    def _pronoun(self, m: Mention, *, peek: bool = False) -> Resolved:
        word = m.text.replace("\u2019", "'").split("'", 1)[0]  # "he’d", "she's"
        word = self.lang.owner_pronouns.get(word, word)  # "his claim" speaks for "he"
        if word in self.lang.person_pronouns:
            gender = "f" if word.lower() == "she" else "m"
            p = self._antecedent_person(gender)
            if p is not None:
                # agreement first: "she" never stands for a man the story names as one
                persons = [
                    sp for sp in reversed(self.recent) if sp.person and sp.gender in (None, gender)
                ]
                ctx = self._context(m, "p", gender=gender)
                p = self._choose(m, ctx, p, persons, own=False, peek=peek)
            if p is not None:
                if not peek:
                    p.pronoun_at = max(p.pronoun_at, m.start)
                return Resolved(p.name, p.role, p.anonymous)
        elif word in self.lang.body_pronouns:
            # "Big Machine have denied it. “...,” they said": a body spoken of in the
            # plural, as British English does; only one named just before ("it" farther
            # back is likelier the weather or a fact)
            ctx = self._context(m, "b", plural=word.lower() == "they")
            latest = [sp for sp in reversed(self.recent) if 0 <= m.start - sp.last_at <= _IT_REACH]
            body = self._choose(m, ctx, self._body_near(m), latest, own=True, peek=peek)
            if body is not None:
                return Resolved(body.name, body.role, body.anonymous)
        return Resolved(m.text, None, False)

    def _context(
        self, m: Mention, kind: str, *, gender: str | None = None, plural: bool = False
    ) -> antecedent.Context:
        if self._paragraphs is None:
            text = self.text
            self._paragraphs = [0] + [nl.end() for nl in _NEWLINE_RE.finditer(text)]
        paras = self._paragraphs
        k = bisect_right(paras, m.start) - 1
        return antecedent.Context(
            kind,
            m.start,
            paras[k] if k >= 0 else 0,
            paras[k - 1] if k >= 1 else -1,
            gender,
            plural,
        )

    def _choose(
        self,
        m: Mention,
        ctx: antecedent.Context,
        rule: Speaker | None,
        pool: list[Speaker],
        *,
        own: bool,
        peek: bool,
    ) -> Speaker | None:
        """The rules' pick ``rule``, unless the learned chooser scores another of the
        latest speakers in ``pool`` (latest first) higher, or, when ``own``, the mention
        standing for itself (None)."""
        model = antecedent.MODEL
        collecting = self.collect is not None and not peek
        if not model and not collecting:
            return rule
        cands: list[Speaker | None] = [None] if own else []
        cands.extend(pool[: antecedent.MAX_CANDIDATES])
        if rule is not None and rule not in cands:
            cands.append(rule)
        if len(cands) < 2:
            return rule
        subjects = list(reversed(self.subjects))
        by_recency = sorted((sp for sp in cands if sp is not None), key=lambda sp: -sp.last_at)
        rows = [
            antecedent.features(
                ctx,
                sp,
                rule=sp is rule,
                recency=by_recency.index(sp) if sp is not None else 0,
                subject_rank=(
                    subjects.index(sp)
                    if sp is not None and sp in subjects
                    else 0
                    if sp is not None and sp is self.last_subject
                    else -1
                ),
                body=sp is not None and not sp.person and self._body_name(sp.name),
            )
            for sp in cands
        ]
        if collecting:
            assert self.collect is not None
            own_name = _own_name(self.lang, m.text) if own else ""
            names = [sp.name if sp is not None else own_name for sp in cands]
            self.collect.append((m.start, m.end, rows, names, cands.index(rule)))
            return rule
        return cands[antecedent.best(rows, cands.index(rule))]

    def _body_near(self, m: Mention) -> Speaker | None:
        """ "The UN Security Council ... in what it called “a clear threat”": a named body
        just before; farther back "it" is likelier the weather or a fact."""
        if self.last_body is None or not 0 <= m.start - self.last_body_at <= _IT_REACH:
            return None
        return self.last_body

    def _antecedent_person(self, gender: str) -> Speaker | None:
        """The latest salient person the pronoun can stand for: a matching gender first,
        else one whose gender is unknown, else the latest subject at all."""
        first = self.last_subject or self.last_person
        if first is not None and first.gender == gender:
            return first
        candidates = list(reversed(self.subjects))
        if self.last_person is not None:
            candidates.append(self.last_person)
        if gender == "m":
            # most speakers' gender is unknown: "he" takes the likeliest one not known to
            # be a woman, not the latest known man
            return next((sp for sp in [first, *candidates] if sp and sp.gender != "f"), first)
        for sp in candidates:
            if sp.gender == gender:
                return sp
        if first is not None and first.gender is None:
            return first
        for sp in candidates:
            if sp.gender is None:
                return sp
        return first

    def _named(self, m: Mention) -> Speaker:
        assert m.name is not None
        name = self.full_name(m.name)
        sp = self.by_name.get(name)
        if sp is None:
            person = _is_person(self.lang, name) and not self._common_word(name)
            sp = self._add(Speaker(name, None, False, _words(name), person))
        if sp.role is None and m.role:
            sp.role = _clean_role(m.role)
            if sp.person and sp.role is not None:
                self._name_earlier_description(sp)
        if sp.person and sp.gender is None:
            sp.gender = _gender(self.lang, name, m.text)
        if sp.person:
            self.last_person = sp
        return sp

    def _name_earlier_description(self, sp: Speaker) -> None:
        """ "China's ambassador to Britain accused the UK ..." and later "China's
        ambassador to Britain Liu Xiaming has said": the description spoke for the person
        the story names with it as a title, so its quotes are theirs."""
        role_words = _words(sp.role or "")
        for d in self.speakers:
            need = d.words - self.lang.generic_or_stop
            if (
                not d.described
                or d.anonymous
                or len(need) < 2
                or not need <= role_words
                or d.name in self.renames
            ):
                continue
            self.renames[d.name] = sp.name
            return

    def _body_name(self, name: str) -> bool:
        """ "SITE Intelligence Group", "NATO": a name an organisation goes by, not a
        capitalized word opening a sentence ("Names", "Ever")."""
        words = name.split()
        if words[0] in self.lang.non_name_caps or words[0] in self.lang.pronouns:
            return False
        return len(words) > 1 or (len(name) > 1 and name.isupper())

    def _common_word(self, name: str) -> bool:
        """ "Things got heated", "Perhaps", "MORE": a lone capitalized word the story also
        writes in lower case, or news mostly does (common_words.json), is a common word
        opening a sentence or a heading, not someone's name."""
        if " " in name or not (name[1:].islower() or name.isupper()):
            return False
        low = name.lower()
        return low in self.lang.common_words or (
            name[1:].islower() and written_alone(self.text, low)
        )

    def _description_target(self, m: Mention, text: str) -> Speaker | None:
        """The earlier speaker a definite description ("the official", "the company")
        stands for, or None: a speaker of its own; "the statement" speaks for its author
        when the story said who wrote it."""
        words = _words(text)
        first = text.split()[0]
        if first not in self.lang.definite:
            return None
        author = self.authors.get(_head(self.lang, text)) if self.authors else None
        if author is not None:
            return author
        head = _head(self.lang, text)
        kind = descriptions.head_kind(head, self.lang)
        found = self._antecedent(
            words - self.lang.ordinals, earliest=bool(words & self.lang.ordinals), kind=kind
        )
        if kind == "body" and (found is None or found.described):
            # "Dick Clark Productions denies ... the production company said"; "CBP
            # announced ... the agency said" although "the agency" spoke for itself before
            found = (
                self._body_near(m) or self._latest_body(m, head) or self._body_in_text(m) or found
            )
        elif found is None and kind == "person" and descriptions.new_noun(self.text, head, m.start):
            found = self._salient_person(m)  # "Jane Roe said ... “...,” said the actor"
        return found

    def _since_paragraph_before(self, m: Mention) -> int:
        return descriptions.paragraph_before(self.text, m.start)

    def _salient_person(self, m: Mention) -> Speaker | None:
        """The person an epithet stands for: the latest salient person, when the story
        named them in this paragraph or the one before, but not in the description's own
        sentence ("While Jane Roe objected, the mayor ...": news would say "she")."""
        if not self.subjects:
            return None
        sp = self.subjects[-1]
        lo = self._since_paragraph_before(m)
        if sp.last_at < lo or sp.last_at >= descriptions.sentence_start(self.text, m.start):
            return None
        return sp

    def _latest_body(self, m: Mention, head: str) -> Speaker | None:
        """The organisation "the company" stands for: the latest named body the story
        called by that noun, else the latest named in this paragraph or the one before."""
        bodies = [sp for sp in reversed(self.recent) if self._is_body(sp)]
        for sp in bodies:
            if head in sp.words or head in sp.called or head in self._text_called(sp).words:
                return sp
        lo = self._since_paragraph_before(m)
        return next((sp for sp in bodies if sp.last_at >= lo), None)

    def _body_in_text(self, m: Mention) -> Speaker | None:
        """ "NASA's search for life, according to the agency": the latest organisation
        the story names in this paragraph or the one before, spoken of or not."""
        text = self.text
        for _, name in descriptions.names_before(text, self._since_paragraph_before(m), m.start):
            first = name.split()[0]
            if first in self.lang.non_name_caps or first in self.lang.pronouns:
                continue
            full = self.full_name(name)
            sp = self.by_name.get(full)
            if sp is not None:
                if self._is_body(sp):
                    return sp
                continue
            if _is_person(self.lang, full) and not any(
                b.name.startswith(full + " ") for b in self.speakers if self._is_body(b)
            ):
                continue  # "Jane Roe"; but "Big Machine" of "Big Machine Records" is a body
            if " " in full or _ACRONYM_RE.fullmatch(full):
                return Speaker(full, None, False, _words(full), False)
        return None

    def _text_called(self, sp: Speaker) -> descriptions.Called:
        """What the story's titles and appositions call a named speaker."""
        if sp.text_called is None:
            sp.text_called = (
                descriptions.NOT_CALLED
                if sp.described
                else descriptions.called_in_text(self.lang, self.text, sp.name)
            )
        return sp.text_called

    def _is_body(self, sp: Speaker) -> bool:
        """A named organisation: a body's name, or a name the story calls a body's noun
        ("Harlow Machine, the record company")."""
        if sp.described:
            return False
        if not sp.person:
            return self._body_name(sp.name)
        body_heads = self.lang.body_heads
        return _head(self.lang, sp.role or "") in body_heads or bool(
            self._text_called(sp).heads & body_heads
        )

    def _described(self, m: Mention) -> Speaker:
        text = " ".join(m.text.split())
        found = self._description_target(m, text)
        words = _words(text)
        if found is not None:
            if found.name not in self.by_name:
                self._add(found)  # a body the story named without its speaking
            # what the story called it: "the actor" stands for it again
            found.called.update(words - self.lang.generic_or_stop - self.lang.ordinals)
            return found
        found = self._named_after(m, text) or self._made_by(m, text)
        if found is not None:
            return found
        first = text.split()[0]
        ordinal = words & self.lang.ordinals
        name = _own_name(self.lang, text)
        head = _head(self.lang, text)
        anonymous = head in self.lang.anon_heads
        if ordinal - {"first"} or first.lower() == "another":
            self._rename_first(words - self.lang.ordinals - {"another"})
        known = self.by_name.get(name)
        if known is not None:
            return known
        return self._add(Speaker(name, None, anonymous, words, False, described=True))

    def _named_after(self, m: Mention, text: str) -> Speaker | None:
        """ "China's ambassador to Britain Liu Xiaming": an earlier description with a name
        written after it names the person it stood for (the mention scan reads such a
        name as the place the title is of)."""
        own = _own_name(self.lang, text)
        for d in self.speakers:
            if not d.described or not own.startswith(d.name + " "):
                continue
            rest = own[len(d.name) + 1 :]
            parts = rest.split()
            if (
                2 <= len(parts) <= 3
                and all(p[:1].isupper() for p in parts)
                and _is_person(self.lang, rest)
            ):
                sp = self._named(Mention(m.start, m.end, m.text, rest, d.name))
                self.renames.setdefault(d.name, sp.name)
                return sp
        return None

    def _made_by(self, m: Mention, text: str) -> Speaker | None:
        """ "According to a 2018 survey by Penelope Muse Abernathy": a study, report or
        document speaks for the one the text says made it (the annotation guide's
        author)."""
        if _head(self.lang, text) not in self.lang.made_heads:
            return None
        by = _BY_RE.match(self.text, m.end)
        if by is None:
            return None
        maker = right_mention(self.lang, self.text, by.end(), min(len(self.text), by.end() + 80))
        if maker is None or maker.name is None or maker.pronoun:
            return None
        return self._named(maker)

    def _antecedent(
        self, words: frozenset[str], *, earliest: bool, kind: str | None = None
    ) -> Speaker | None:
        """The latest speaker (the first, for "the first official") whose name, role or
        what the story called it holds the description's words, of the kind its head
        names: a body for "the company", a person or a described one for "the actor"."""
        need = words - self.lang.generic_or_stop
        generic = bool(words & self.lang.generic_heads)
        order = self.speakers if earliest else reversed(self.recent)
        typed = kind == "person" or kind == "body"
        for sp in order:
            if generic and not need and sp.anonymous:
                return sp
            if not need or not (sp.anonymous or not generic):
                continue
            pool = sp.words | _words(sp.role or "") | sp.called
            if not need <= pool and not (typed and need <= pool | self._text_called(sp).words):
                continue
            if typed and (kind == "body") != self._is_body(sp):
                continue  # "Jane Roe, the company's founder": "the company" is not her
            return sp
        return None

    def _rename_first(self, words: frozenset[str]) -> None:
        """ "a second White House official" makes the earlier one "the first ..."."""
        for sp in self.speakers:
            if (
                sp.anonymous
                and sp.words - self.lang.ordinals == words
                and sp.name.split()[0] in {"a", "an"}
            ):
                new = "the first " + sp.name.split(" ", 1)[1]
                self.renames[sp.name] = new
                sp.name = new
                self.by_name.setdefault(new, sp)
                return

    def full_name(self, name: str) -> str:
        """The fullest form the story uses: "First Last" for a surname, the words an
        acronym stands for ("DEA": "Drug Enforcement Administration")."""
        if " " in name or not name[:1].isupper():
            return name
        known = self._full_names
        if name in known:
            return known[name] or name
        if self._index is None and len(known) >= _NAMES_LOOKED_UP:
            self._index = _full_name_index(self.lang, self.text)
        index = self._index
        full = _full_name_of(self.lang, self.text, name) if index is None else index.get(name)
        if full is None and _ACRONYM_RE.fullmatch(name):
            full = _spelled_out(self.text, name) or name
        known[name] = full
        return full or name


# (?=[A-Z]) first: the engine skips non-capitals before testing the word boundary
_FULL_RE = re.compile(
    r"(?=[A-Z])\b(?=([A-Z][a-z]+) (?:[A-Z]\. )?([A-Z]\w*(?:['’\-](?!s\b)\w+)*)\b)"
)


_ACRONYM_RE = re.compile(r"[A-Z]{2,6}")
_NAME_GOES_ON_RE = re.compile(r" [A-Z][a-z]")


def _spelled_out(text: str, acronym: str) -> str | None:
    """The capitalised words whose initials spell ``acronym`` ("of", "and", "for" may sit
    between them), the first time the story writes them: one scan per acronym."""
    pattern = (
        r"\b"
        + r"\s+(?:(?:of|and|for|the|on|in|&)\s+)*".join(ch + r"[a-z][\w’'\-]*" for ch in acronym)
        + r"\b"
    )
    m = re.search(pattern, text)
    return m.group() if m is not None else None


@cache
def _authored_re(lang: Language) -> re.Pattern[str]:
    """A document that speaks for its author, brought up in its author's sentence."""
    return re.compile(
        r"\b(?:[Aa]n?|[Tt]he|its|his|her|their|[Ii]n a|joint)\s+(?:[\w\-]+\s+){0,2}?"
        r"(" + "|".join(sorted(lang.document_nouns)) + r")\b"
    )


def _documents(lang: Language, text: str) -> list[int]:
    """Where each document noun ends a word ("statement", not "statements"), in text order:
    a `str.find` per noun, as a regex alternation would be tried at every character."""
    found = []
    for noun in lang.document_nouns:
        at = text.find(noun)
        while at >= 0:
            end = at + len(noun)
            if end == len(text) or not (text[end].isalnum() or text[end] == "_"):
                found.append(at)
            at = text.find(noun, end)
    found.sort()
    return found


def written_alone(text: str, word: str) -> bool:
    """Does ``text`` hold ``word`` (plain ASCII letters) as a word of its own? A few
    lookups per story: a search for the word beats listing every lower-case word."""
    if len(word) < 2 or not (word.isascii() and word.isalpha()):
        return False
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if (at == 0 or not _joins(text[at - 1])) and (end == len(text) or not _joins(text[end])):
            return True
        at = text.find(word, at + 1)
    return False


def _joins(c: str) -> bool:
    return c.isalnum() or c in "_’'-"


def _full_name_index(lang: Language, text: str) -> dict[str, str]:
    """Surname -> the first "First [M.] Surname" in ``text`` whose first word is no title.

    One pass over the text, so resolving every name of a story stays linear.
    """
    index: dict[str, str] = {}
    headline: dict[str, str] = {}
    # a title-case headline pairs any two words ("Understated Perez raises ..."): its
    # forms count only for surnames the body never gives in full
    body = text.find("\n")
    for m in _FULL_RE.finditer(text):
        first, last = m.group(1), m.group(2)
        if last in index or first.lower() in lang.titles or first in lang.non_name_caps:
            continue
        end = text.index(last, m.start()) + len(last)
        if _NAME_GOES_ON_RE.match(text, end):
            continue  # "ambassador to Britain Liu Xiaming": "Liu" is no surname of Britain
        (headline if m.start() < body else index)[last] = text[m.start() : end]
    for last, full in headline.items():
        index.setdefault(last, full)
    return index


# names a story resolves before the index of all its "First Last" pairs pays: one lookup
# scans the text once at C speed, so hostile text of many names stays linear
_NAMES_LOOKED_UP = 32


def _full_name_of(lang: Language, text: str, last: str) -> str | None:
    """`_full_name_index(lang, text).get(last)`, for one surname: each place ``last`` occurs,
    with "First " or "First M. " before it, is tried with `_FULL_RE` where the first name
    starts, as the index's scan would."""
    body = text.find("\n")
    headline = None
    at = text.find(last)
    while at >= 0:
        # the first name ends a space (or a space, an initial, a dot and a space) before
        for end in (at - 1, at - 4):
            k = end
            while k > 0 and "a" <= text[k - 1] <= "z":
                k -= 1
            p = k - 1
            if k == end or p < 0 or not "A" <= text[p] <= "Z":
                continue
            m = _FULL_RE.match(text, p)
            if m is None or m.start(2) != at or m.group(2) != last:
                continue
            first = m.group(1)
            if first.lower() in lang.titles or first in lang.non_name_caps:
                continue
            full = text[p : text.index(last, p) + len(last)]
            if _NAME_GOES_ON_RE.match(text, p + len(full)):
                continue  # as the index does: "Britain Liu Xiaming" gives no "Liu"
            if p >= body:
                return full  # the body's first full form
            headline = full  # a headline's form counts only when the body has none
        at = text.find(last, at + 1)
    return headline


def _own_name(lang: Language, text: str) -> str:
    """What a description is called when it stands for itself: its own words, the
    leading article in lower case ("The official" -> "the official")."""
    text = " ".join(text.split())
    first = text.split()[0] if text.strip() else ""
    return text[0].lower() + text[1:] if first in lang.articles else text


def _words(text: str) -> frozenset[str]:
    bare = text.replace("’s", "").replace("'s", "")
    return frozenset(w.lower() for w in _CONTENT_RE.findall(bare))


_head = descriptions.head


def _gender(lang: Language, name: str, mention: str) -> str | None:
    words = mention.lower().split()
    if any(w in lang.female_titles for w in words):
        return "f"
    if any(w in lang.male_titles for w in words):
        return "m"
    first = name.split()[0]
    if first in lang.female_names:
        return "f"
    return "m" if first in lang.male_names else None


def _is_person(lang: Language, name: str) -> bool:
    parts = name.split()
    if not 1 <= len(parts) <= 4 or any(p.lower() in lang.role_words for p in parts):
        return False
    if any(p in lang.org_words or p in lang.body_glue for p in parts):
        return False  # "Dick Clark Productions", "Customs and Border Protection": a body
    if len(parts) == 1 and _ACRONYM_RE.fullmatch(name):
        return False  # "CBP", "NATO"
    # "We’ve", "You": a sentence-opening pronoun the name scan took for a name
    first = parts[0].replace("’", "'").split("'", 1)[0]
    return first not in lang.pronouns and first not in lang.second_person_pronouns


def _clean_role(role: str | None) -> str | None:
    if not role:
        return None
    role = " ".join(role.split()).strip(" ,")
    return role or None
