"""Who the article says is who: the people the offline extractor found speaking, and the
words the article itself uses for each of them.

A model names speakers in its own words ("Lavrov", "Russian Foreign Minister Sergey
Lavrov", "an official"). `People` decides whether such a name, and such a role, refer to
one person the extractor resolved, using only what the article gives *that* person:
the extractor's canonical name and roles, the titles written right before a mention of
them ("Foreign Minister Sergey Lavrov") and the apposition right after one (", a
spokesman for the Harbor Neighbors association,"). Words found anywhere else in the
article do not count, so "Kim Jong House" is nobody even where "White House" occurs,
and "Macron and Zelenskyy" is not Zelenskyy. One exception: someone the article names by
one word only, never with a first name ("Vogel", "Mr. Trump"), is also named by a first
name the article has nowhere ("Frank Vogel"), since it can name nobody else there; a
first name in brackets before the surname ("Coach (Frank) Vogel") is the article's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bot.domain import Quote, QuoteKind
from summarizer.folding import fold_words, significant
from summarizer.quotes.language import ENGLISH

_TOKEN_RE = re.compile(r"[^\W_][\w.'\u2019-]*")
# An apposition ends at the next clause boundary; relative pronouns and cue words end it too.
_APPOSITION_END_RE = re.compile(r"[,;:.!?()\[\]\n\u2014\u2013\"\u201c\u201d]")
_NOT_APPOSITION = frozenset({"who", "which", "that", "said", "says", "told", "added"})
_MAX_TITLE_WORDS = 6
_MAX_APPOSITION_WORDS = 14
_TITLE_LOWER = frozenset(w.lower() for w in ENGLISH.titles) | frozenset(
    w.lower() for w in ENGLISH.role_words
)
_NON_NAME = frozenset(w.lower() for w in ENGLISH.non_name_caps)
# Joins that make one "speaker" into several people: "Macron and Zelenskyy".
_SEVERAL_RE = re.compile(r"\s(?:and|&|\+|or|with|plus)\s|\s*[/;]\s*", re.IGNORECASE)


@dataclass(slots=True)
class Person:
    """One speaker as the extractor resolved them, with the article's words for them."""

    name: str
    anonymous: bool
    name_words: frozenset[str]
    words: set[str] = field(default_factory=set)  # name, titles, appositions, roles
    roles: list[str] = field(default_factory=list)
    # Set when the article names this person by one word only ("Vogel", "Mr. Trump") and
    # never puts a first name before it: every word of the article, so that a model's
    # first name found nowhere in it ("Frank Vogel") still names this person.
    surname_only: frozenset[str] | None = None

    @property
    def role(self) -> str | None:
        return self.roles[0] if self.roles else None

    def is_named_by(self, speaker: str) -> bool:
        """True when ``speaker`` (a model's words) refers to this person: every telling word
        of it is one the article uses for this person, and it holds a name word (for a
        named person) or a word of the description (for an anonymous source)."""
        said = set(significant(speaker))
        if said and said <= self.words:
            return bool(said & self.name_words)
        return self._first_names_added(speaker)

    def _first_names_added(self, speaker: str) -> bool:
        """ "Frank Vogel" for a "Vogel" the article gives no first name: one capitalised
        word right before this person's one name word, a word the article has nowhere (so
        it names nobody else in it); any other words are the article's for them."""
        if self.surname_only is None:
            return False
        tokens = [t for t in _TOKEN_RE.findall(speaker) if significant(t)]
        folded = [significant(t)[0] for t in tokens]
        if len(folded) < 2 or folded[-1] not in self.name_words:
            return False
        extra = [i for i, w in enumerate(folded) if w not in self.words]
        return (
            extra == [len(folded) - 2]
            and tokens[extra[0]][:1].isupper()
            and folded[extra[0]] not in self.surname_only
        )

    def role_ok(self, role: str) -> bool:
        """True when the article gives this person ``role`` (title, apposition, extractor)."""
        said = set(significant(role))
        return bool(said) and said <= self.words


def _key(name: str) -> str:
    return " ".join(fold_words(name))


class People:
    """The speakers of one article; build with `from_article` or `from_quotes`."""

    def __init__(self, persons: Iterable[Person]) -> None:
        self.persons: dict[str, Person] = {}
        for person in persons:
            self.persons.setdefault(_key(person.name), person)

    @classmethod
    def from_article(cls, text: str, quotes: Sequence[Quote]) -> People:
        """People from the extractor's quotes of ``text``, with the article's titles and
        appositions next to each mention of them."""
        people = cls(_person(q) for q in quotes if q.speaker)
        for q in quotes:
            if q.speaker:
                person = people.persons[_key(q.speaker)]
                if q.speaker_role and q.speaker_role not in person.roles:
                    person.roles.append(q.speaker_role)
                    person.words |= set(significant(q.speaker_role))
                if q.speaker_mention is not None:
                    mention = text[q.speaker_mention.start : q.speaker_mention.end]
                    if not set(significant(mention)) - person.words - _TITLE_LOWER:
                        person.words |= set(significant(mention))
        named = [p.name_words for p in people.persons.values() if not p.anonymous]
        for person in people.persons.values():
            if not person.anonymous:
                own = person.name_words
                # a fuller form of this name ("Luz Contreras Arroyo") is this person
                others = set().union(*(w for w in named if not own <= w))
                _add_article_titles(person, text, others - person.name_words)
        return people

    @classmethod
    def from_quotes(cls, quotes: Iterable[tuple[str, str | None]]) -> People:
        """People from stored (speaker, role) pairs: for answers over stored quotes."""
        people = cls(
            _person(Quote(text="", start=0, end=0, kind=QuoteKind.DIRECT, speaker=s))
            for s, _ in quotes
            if s
        )
        for speaker, role in quotes:
            if speaker and role:
                person = people.persons[_key(speaker)]
                if role not in person.roles:
                    person.roles.append(role)
                    person.words |= set(significant(role))
        return people

    def get(self, name: str | None) -> Person | None:
        return self.persons.get(_key(name)) if name else None

    def named_by(self, speaker: str) -> list[Person]:
        """Every person ``speaker`` may refer to; [] for several people in one name."""
        if self.several(speaker):
            return []
        return [p for p in self.persons.values() if p.is_named_by(speaker)]

    def several(self, speaker: str) -> bool:
        """True when ``speaker`` joins several people ("Macron and Zelenskyy"), unless it
        is word for word the name the extractor resolved for one speaker of the article
        ("Customs and Border Protection", "the Russian and Syrian defense ministries"
        speaking together): that name is the article's, a join inside it no second person."""
        if not several_people(speaker):
            return False
        said = significant(speaker)
        return not any(significant(p.name) == said for p in self.persons.values())


def several_people(speaker: str) -> bool:
    """True when ``speaker`` joins names ("Macron and Zelenskyy", "Blinken/Zelenskyy"):
    a part after a join starts with a capital letter and both parts hold a name-like word."""
    parts = [p.strip() for p in _SEVERAL_RE.split(speaker) if p and p.strip()]
    if len(parts) < 2:
        return False
    capitalised = [p for p in parts if p[:1].isupper() and p.split()[0].lower() not in _NON_NAME]
    return len(capitalised) >= 2


def _person(q: Quote) -> Person:
    name = q.speaker or ""
    words = set(significant(name))
    return Person(name=name, anonymous=q.anonymous, name_words=frozenset(words), words=words)


def _add_article_titles(person: Person, text: str, others: set[str]) -> None:
    """Titles right before each mention of ``person`` and the apposition right after it;
    ``others``: the words of other speakers' names, never a fuller name of this one."""
    names = [w for w in fold_words(person.name) if w in person.name_words]
    if not names:
        return
    surname = names[-1]
    folded = [(m.start(), m.end(), m.group()) for m in _TOKEN_RE.finditer(text)]
    first_name = False
    for i, (_, end, token) in enumerate(folded):
        if _fold_token(token) != surname:
            continue
        _add_fuller_name(person, text, folded, i, names, others)
        _add_bracketed_first_name(person, text, folded[i][0])
        if _other_first_name(person, text, folded, i) and not _adds_own_short_form(
            person, folded[i - 1][2], others
        ):
            first_name = True
            continue
        _add_titles_before(person, text, folded, i)
        _add_apposition_after(person, text, end)
    if len(person.name_words) == 1 and not first_name and person.name[:1].isupper():
        person.surname_only = frozenset(fold_words(text))


def _add_fuller_name(
    person: Person,
    text: str,
    tokens: list[tuple[int, int, str]],
    i: int,
    names: list[str],
    others: set[str],
) -> None:
    """A fuller form of the extractor's name at ``tokens[i]`` (its surname): "Luz Contreras
    Arroyo" where the extractor resolved "Contreras Arroyo". Only when every word of the
    extractor's name precedes the surname in order, so "Hunter Biden" is not Joe Biden,
    and never a word of another speaker's name (a headline's "Christie Slams Hillary
    Clinton")."""
    j = i
    for word in reversed(names[:-1]):
        if j == 0 or text[tokens[j - 1][1] : tokens[j][0]].strip():
            return
        if _fold_token(tokens[j - 1][2]) != word:
            return
        j -= 1
    extra: list[str] = []
    while j > 0 and len(extra) < 2 and not text[tokens[j - 1][1] : tokens[j][0]].strip():
        token = tokens[j - 1][2]
        word = _fold_token(token)
        if not token[:1].isupper() or word in _TITLE_LOWER or word in _NON_NAME:
            break
        if word in others:
            return
        extra.append(word)
        j -= 1
    if extra:
        person.name_words = person.name_words | frozenset(extra)
        person.words |= set(extra)


_BRACKETED_RE = re.compile(r"\(([A-Z][\w'\u2019-]+)\)\s*$")


def _add_bracketed_first_name(person: Person, text: str, start: int) -> None:
    """A first name an editor put in brackets before the surname at ``start``: "Coach
    (Frank) Vogel" names "Frank Vogel"."""
    found = _BRACKETED_RE.search(text, max(0, start - 40), start)
    if found is None:
        return
    word = _fold_token(found.group(1))
    if word and word not in _TITLE_LOWER and word not in _NON_NAME:
        person.name_words = person.name_words | {word}
        person.words.add(word)


def _other_first_name(
    person: Person, text: str, tokens: list[tuple[int, int, str]], i: int
) -> bool:
    """True when the surname at ``tokens[i]`` belongs to someone else ("Hunter Biden" for
    Joe Biden): a capitalised word right before it that is neither a title nor a name of
    this person."""
    if i == 0 or text[tokens[i - 1][1] : tokens[i][0]].strip():
        return False
    token = tokens[i - 1][2]
    word = _fold_token(token)
    if word in person.name_words or word in _TITLE_LOWER or word in _NON_NAME:
        return False
    return token[:1].isupper()


_MIN_SHORT_FORM = 3


def _adds_own_short_form(person: Person, token: str, others: set[str]) -> bool:
    """True when ``token``, a first name right before this person's surname, is the long
    or short form of this person's own first name ("Patrick Carlineo" for "Pat
    Carlineo"): one starts with the other, three letters or more, and it is no word of
    another speaker's name ("Dan" and "Daniel" stay two people when both speak). The
    article's form is then one of this person's names."""
    word = _fold_token(token)
    for own in person.name_words:
        short, long = sorted((own, word), key=len)
        if own != word and len(short) >= _MIN_SHORT_FORM and long.startswith(short):
            if word in others:
                return False
            person.name_words = person.name_words | {word}
            person.words.add(word)
            return True
    return False


def _fold_token(token: str) -> str:
    words = fold_words(token)
    return words[0] if words else ""


def _add_titles_before(
    person: Person, text: str, tokens: list[tuple[int, int, str]], i: int
) -> None:
    taken = 0
    j = i - 1
    while j >= 0 and taken < _MAX_TITLE_WORDS:
        _, end, token = tokens[j]
        gap = text[end : tokens[j + 1][0]]
        if gap.strip(" \u2019'-"):  # punctuation between: the title run ends
            break
        word = _fold_token(token)
        if word in person.name_words:
            pass
        elif word in _TITLE_LOWER:
            person.words.add(word)
        else:
            break
        taken += 1
        j -= 1


def _add_apposition_after(person: Person, text: str, end: int) -> None:
    rest = text[end : end + 200]
    if not rest.startswith(", "):
        return
    body = rest[2:]
    stop = _APPOSITION_END_RE.search(body)
    phrase = body[: stop.start()] if stop else body
    words = fold_words(phrase)
    if not words or len(words) > _MAX_APPOSITION_WORDS or words[0] in _NOT_APPOSITION:
        return
    if not (words[0] in {"a", "an", "the"} or words[0] in _TITLE_LOWER):
        return
    if any(w in _NOT_APPOSITION for w in words):
        return
    person.words |= set(significant(phrase))
    person.roles.append(" ".join(phrase.split()))
