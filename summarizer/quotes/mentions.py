"""Speaker mentions: the noun phrase an attribution hangs on, found without a parser.

A mention is scanned word by word from the cue outwards (leftwards for "Lavrov
said", rightwards for "said Jonathan Green" and "according to ..."), accepting
capitalized words, mined role words and short connectors, and splitting a
proper name from its title or appositive ("Foreign minister Sergey Lavrov"); the
split itself is `names.build`.
"""

from __future__ import annotations

import re

from summarizer.quotes.language import Language
from summarizer.quotes.names import Mention, build, is_cap, name_word, particle_at
from summarizer.quotes.words import Tok, tokens

WINDOW = 160  # characters read leftwards from a cue: "X, a spokesman for ..., said"
# rightwards a mention is the phrase right after the cue (its appositive role is read from
# the text, not the words): half as far is enough, and this scan runs once per sentence
RIGHT_WINDOW = 80


def _gap_ok(text: str, a: int, b: int) -> bool:
    """Only white space (or nothing) between ``a`` and ``b``; thousands of calls a story."""
    return text[a:b].isspace() if a < b else a == b


def _np_word(lang: Language, tok: Tok) -> bool:
    w = tok.word
    if w in lang.capital_prepositions:
        return False  # "With Democratic leaders worried ...": a clause opener, no subject's
    if w in lang.determiners or is_cap(lang, w) or w[:1].isdigit() or w in lang.number_words:
        return True  # "Thirty percent of voters": a number opens a phrase, names no one
    low = tok.bare.lower()
    return low in lang.role_words or (
        w.islower() and "-" in w and low.split("-")[0] in lang.role_words
    )


def _head_ok(lang: Language, tok: Tok) -> bool:
    w = tok.bare
    if w in lang.pronouns:
        return True
    if is_cap(lang, w) and w not in lang.determiners and w not in lang.days:
        return True
    return w.lower() in lang.role_words and w.lower() not in lang.phrase_openers


_SHARE_RE = re.compile(
    r"(?<![\w,])((?:(?:[Aa]bout|[Nn]early|[Aa]lmost|[Jj]ust|[Oo]nly|[Mm]ore than|[Ff]ewer than)"
    r"\s+)?"
    r"(?:\d+|[Oo]ne|[Tt]wo|[Tt]hree|[Ff]our|[Ff]ive|[Ss]ix|[Ss]even|[Ee]ight|[Nn]ine)\s+in\s+"
    r"(?:10|ten|\d+)(?:\s+[\w’'\-]+){0,4}?)\s+\Z"
)


# an unnamed source and the participle or adjective phrase that says how it knows: "a
# second person briefed on last weekend's call", "a source close to the talks"
_KNOWING_SOURCE_RE = re.compile(
    r"(?<![\w’'\-])((?:[Aa]n?|[Tt]he|[Oo]ne|[Aa]nother|[Tt]wo|[Tt]hree|[Ff]our|[Ss]everal|[Ss]ome)"
    r"\s+(?:[\w\-]+\s+){0,3}?(?:person|people|sources?|officials?|aides?|advisers?|"
    r"individuals?|insiders?)\s+(?:briefed|familiar|close|involved|knowledgeable|privy|with "
    r"(?:direct )?knowledge)\b[^,;:.!?\u201c\u201d\"()\n]{0,90}?)\s+\Z"
)

# what such a source's phrase must hold: a cheap test before the whole pattern
_KNOWING_WORD_RE = re.compile(r"briefed|familiar|close|involved|knowledge|privy")


def left_mention(lang: Language, text: str, lo: int, pos: int) -> Mention | None:
    """The subject noun phrase ending just before ``pos`` (skipping "also", "has"), a
    poll's share of respondents ("Six in 10 voters say"), or an unnamed source with what
    makes it one ("a person briefed on the call said")."""
    m = _left_mention(lang, text, lo, pos)
    if m is None and pos - lo > 6 and text[pos - 1 : pos].isspace():
        share = _SHARE_RE.search(text, max(lo, pos - 80), pos)
        if share is None and _KNOWING_WORD_RE.search(text, max(lo, pos - 120), pos):
            share = _KNOWING_SOURCE_RE.search(text, max(lo, pos - 140), pos)
        if share is not None:
            return Mention(share.start(1), share.end(1), share.group(1))
    return m


def _left_mention(lang: Language, text: str, lo: int, pos: int) -> Mention | None:
    toks = tokens(text, max(lo, pos - WINDOW), pos)
    i = len(toks) - 1
    edge = pos
    while i >= 0 and _gap_ok(text, toks[i].end, edge) and _is_aux(lang, toks[i].word):
        edge = toks[i].start
        i -= 1
    i, edge = _skip_adjunct(lang, text, toks, i, edge)
    if i >= 1 and text[toks[i].end : edge].strip() == "),":
        edge = text.rindex(",", toks[i].end, edge)  # "Sen. Jack Reed (D-R.I.), said"
    i, edge = _skip_parenthetical(text, toks, i, edge)
    if i < 0 or not _gap_ok(text, toks[i].end, edge):
        return _appositive_left(lang, text, lo, toks, i, edge)
    head = toks[i]
    if head.word in lang.pronouns or _contracted_pronoun(lang, head.word):
        end = head.start + len(head.bare)
        return Mention(head.start, end, text[head.start : end], pronoun=True)
    if head.word == "who" and i > 0 and text[toks[i - 1].end : head.start].strip() in _WHO_GAPS:
        # "Podesta, who said ...": the mention is "who", the speaker its antecedent
        ante = left_mention(lang, text, lo, toks[i - 1].end)
        if ante is None or ante.pronoun:
            return ante
        return Mention(head.start, head.end, "who", ante.name or ante.text, ante.role)
    if not _head_ok(lang, head):
        return _loose_left(lang, text, toks, i)
    j = i
    while j > 0 and _gap_ok(text, toks[j - 1].end, toks[j].start):
        prev = toks[j - 1]
        if (
            _np_word(lang, prev)
            or particle_at(lang, toks, j - 1)
            or (prev.word in lang.connectors and j - 1 > 0 and _np_word(lang, toks[j - 2]))
        ):
            j -= 1
        elif prev.word.islower() and (k := _adjectives(lang, text, toks, j)) < j:
            j = k
        else:
            break
    while j < i and toks[j].word in lang.connectors:
        j += 1
    return build(lang, text, toks[j : i + 1])


def _adverbial(lang: Language, ws: list[str]) -> bool:
    """ "once again", "however", "for his part": up to four lower-case words that do not
    open a noun phrase, set off by commas between a pronoun and its verb."""
    return (
        0 < len(ws) <= 4 and all(w.islower() for w in ws) and ws[0] not in lang.not_adverbial_starts
    )


_WHO_GAPS = frozenset({",", "-", "—", "–", "("})


def _contracted_pronoun(lang: Language, word: str) -> bool:
    """ "he's", "she’d", "they've": a pronoun with an auxiliary glued on."""
    for sep in ("'", "’"):
        if sep in word:
            return word.split(sep, 1)[0] in lang.pronouns
    return False


def _skip_parenthetical(text: str, toks: list[Tok], i: int, edge: int) -> tuple[int, int]:
    """Step over "(D-N.Y.)" between "Sen. Chuck Schumer" and "said"."""
    if i < 1 or text[toks[i].end : edge].strip(" .") != ")":
        return i, edge
    k = i
    while k >= 0 and i - k < 8:
        between = text[toks[k - 1].end : toks[k].start] if k > 0 else ""
        if "(" in between:
            if k < 1 or not _gap_ok(text, toks[k - 1].end, between.index("(") + toks[k - 1].end):
                return i, edge
            return k - 1, toks[k - 1].end
        k -= 1
    return i, edge


def _clause_initial(text: str, toks: list[Tok], k: int) -> bool:
    if k == 0:
        return True
    gap = text[toks[k - 1].end : toks[k].start]
    return bool(gap.strip(" \t\u00a0")) or toks[k - 1].word in {"and", "but", "But", "And"}


def _loose_left(lang: Language, text: str, toks: list[Tok], i: int) -> Mention | None:
    """ "The magazine said", "Some say", "But opponents say": a determiner and up to three
    lower-case words, or a bare plural or quantifier that opens its clause."""
    head = toks[i]
    if head.word in lang.quantifiers and _clause_initial(text, toks, i):
        return Mention(head.start, head.end, head.word)
    if (
        head.word.islower()
        and head.word.endswith("s")
        and len(head.word) > 4
        and head.word not in lang.aux
        and not head.word.endswith("ss")
    ):
        for k in range(i, max(-1, i - 3), -1):
            joined = _gap_ok(text, toks[k].end, toks[k + 1].start) if k < i else True
            if k < i and not (toks[k].word.islower() and joined):
                break
            if toks[k].word in lang.connectors or toks[k].word in lang.relatives:
                break
            if _clause_initial(text, toks, k):
                return Mention(toks[k].start, head.end, text[toks[k].start : head.end])
    if not head.word.islower() or head.word in lang.connectors or head.word in lang.aux:
        return None
    if head.word in lang.relatives:
        return None
    for k in range(i - 1, max(-1, i - 4), -1):
        if not _gap_ok(text, toks[k].end, toks[k + 1].start):
            return None
        w = toks[k].word
        if w in lang.determiners or w.lower() in {"his", "her", "their", "its"}:
            # only a clause-initial phrase is a subject: not "in the past", "slammed the"
            before = text[toks[k - 1].end : toks[k].start] if k > 0 else ""
            if k > 0 and not before.strip() and toks[k - 1].word not in {"and", "but"}:
                if toks[k - 1].word in lang.pp_heads and k > 1:
                    # "An earlier report in a New Hampshire paper said": the noun before
                    # the preposition heads the subject
                    front = _loose_left(lang, text, toks[: k - 1], k - 2)
                    if front is not None:
                        return Mention(front.start, head.end, text[front.start : head.end])
                return None
            return Mention(toks[k].start, head.end, text[toks[k].start : head.end])
        if w in lang.connectors or not (w.islower() or w[:1].isdigit() or name_word(lang, toks[k])):
            return None  # "The GOP front-runner": capitalized modifiers are fine
    return None


def _skip_adjunct(lang: Language, text: str, toks: list[Tok], i: int, edge: int) -> tuple[int, int]:
    """Step over "on Thursday", "in a statement" between a subject and its cue."""
    if i < 1 or toks[i].bare not in lang.adjunct_nouns or not _gap_ok(text, toks[i].end, edge):
        return i, edge
    k = i - 1
    if k >= 1 and toks[k].word in lang.determiners:
        k -= 1
    if toks[k].word not in lang.adjunct_preps:
        return i, edge
    return k - 1, toks[k].start


def _adjectives(lang: Language, text: str, toks: list[Tok], j: int) -> int:
    """Up to three unknown lower-case words, if a determiner or possessive comes before them."""
    for n in (1, 2, 3):
        k = j - n
        if k < 1 or not toks[k].word.islower() or not _gap_ok(text, toks[k].end, toks[k + 1].start):
            return j
        if toks[k].word in lang.relatives:
            return j  # "an explosion that Mayor Bill de Blasio described": two phrases
        if _not_adjective(lang, toks[k].word) and not _authored_by(lang, toks, k):
            return j  # "a lawsuit filed by a fired staffer": a verb or preposition parts two
        anchor = toks[k - 1]
        if _gap_ok(text, anchor.end, toks[k].start) and (
            anchor.word in lang.determiners
            or anchor.word.endswith(("’s", "'s"))
            or anchor.word in {"his", "her", "their", "its"}
        ):
            return k
    return j


def _not_adjective(lang: Language, word: str) -> bool:
    """A word that cannot sit between a determiner and its noun."""
    return (
        word in lang.connectors
        or word in lang.not_adjectives
        or word in lang.speech_verbs
        or word in lang.opinion_verbs
        or word in lang.pp_stops
    )


def _authored_by(lang: Language, toks: list[Tok], k: int) -> bool:
    """ "a study by the Council", "an email from Neera Tanden": the preposition names who
    made the thing that speaks."""
    return toks[k].word in {"by", "from", "of"} and toks[k - 1].bare.lower() in lang.authored_nouns


def _is_aux(lang: Language, word: str) -> bool:
    return (
        word in lang.aux
        or word in lang.verb_adverbs
        or (word.endswith("ly") and word.islower() and len(word) > 4)
    )


def _appositive_left(
    lang: Language, text: str, lo: int, toks: list[Tok], i: int, edge: int
) -> Mention | None:
    """ "Tom Graham, a fellow at the Council, said": the name before the appositive."""
    close = text[toks[i].end : edge].strip() if i >= 1 else ""
    if close not in (",", ".,") and close not in _DASHES:  # "Paul, R-Ky., said"
        return None
    sep = close if close in _DASHES else ","  # "Jason Sims — a teacher — says"
    k = i
    chunks = 0
    while True:
        while k > 0 and _appos_gap(text, toks[k - 1].end, toks[k].start) and i - k < 36:
            k -= 1
        if k == 0:
            return None
        gap = text[toks[k - 1].end : toks[k].start].strip()
        if gap == sep:
            front = left_mention(lang, text, lo, toks[k - 1].end)
        elif sep == "," and gap in ("),", ".),"):
            # "Rep. Zoe Lofgren (D-Calif.), who ...": the party tag stays with the name
            front = left_mention(lang, text, lo, text.index(",", toks[k - 1].end, toks[k].start))
        else:
            return None
        if front is not None and toks[k].word in lang.relatives and not front.pronoun:
            return front  # "The statement, which was obtained by Variety, claimed"
        if toks[k].word == "and" and k < i and toks[k + 1].word.islower() and chunks < 3:
            chunks, k = chunks + 1, k - 1  # "X, a fellow at Y, and co-author of Z, said"
            continue
        if any(t.word in lang.speech_verbs for t in toks[k : i + 1]):
            # "Trump, the senior official continued, believes ...": a speaker tag in
            # commas, not an appositive; the subject is what comes before it
            return front if front is not None and chunks == 0 else None
        if (
            front is not None
            and front.pronoun
            and chunks == 0
            and _adverbial(lang, [t.word for t in toks[k : i + 1]])
        ):
            return front  # "he, once again, pledged", "she, however, said": no appositive
        appos = build(lang, text, toks[k : i + 1])
        if front is not None and _PLACE_PREP_RE.search(text, max(lo, front.start - 6), front.start):
            front = None  # "Cory James, 22, of Flint, Mich., said": a place, not the subject
        if front is not None and not front.pronoun and (front.name or appos.name or chunks >= 2):
            at = next((j for j in range(k) if toks[j].start == front.start), 0)
            if (
                at
                and text[front.start - 2 : front.start] == ", "
                and front.text.startswith(("a ", "an "))
            ):
                chunks, k = chunks + 1, at  # "X, a fellow at Y in Munich, Germany, said"
                continue
            rel = _RELATIVE_BEFORE_RE.search(text, max(lo, front.start - 40), front.start)
            if (
                rel is not None
                and appos.name
                and (head := left_mention(lang, text, lo, rel.start()))
            ):
                # "The company that runs the AMAs, Dick Clark Productions,": the name in
                # the relative clause is its object; the apposition names the subject
                front = head if not head.name and not head.pronoun else front
            return combine(text, front, appos)
        # "Cory James, 22, of Flint, Mich., said": step over one more comma
        chunks += 1
        if chunks > 3 or i - k >= 36:
            return None
        k -= 1


_DASHES = frozenset({"—", "–", "--", "―"})
_RELATIVE_BEFORE_RE = re.compile(r"\s(?:that|which|who)\s+[a-z]+\s+(?:[a-z]+\s+){0,3}\Z")
_APPOS_GAP_RE = re.compile(r"\s*(?:\(\s*|\)\s*)?\Z")


def _appos_gap(text: str, a: int, b: int) -> bool:
    """Inside an appositive a parenthesis may part two words: "Sen. Lamar Alexander (R-Tenn.)"."""
    return a <= b and _APPOS_GAP_RE.match(text, a, b) is not None


_PLACE_PREP_RE = re.compile(r"\b(?:of|from|in|at)\s+\Z")


def combine(text: str, front: Mention, appos: Mention) -> Mention:
    """Join "X, Y" into one mention whose name is whichever part has one."""
    name = front.name or appos.name
    role_src = appos if front.name else front
    role = role_src.text if role_src.name is None else (front.role or appos.role)
    return Mention(front.start, appos.end, text[front.start : appos.end], name, role)


def right_mention(
    lang: Language, text: str, pos: int, hi: int, *, loose: bool = False
) -> Mention | None:
    """The noun phrase starting at ``pos``: "said Jonathan Green, a strategist ...".

    ``loose`` also takes an unknown description ("said the 46-year-old") when a
    determiner opens it and punctuation or a verb closes it.
    """
    return right_mention_in(
        lang, text, tokens(text, pos, min(hi, pos + RIGHT_WINDOW)), pos, hi, loose=loose
    )


def right_mention_in(
    lang: Language, text: str, toks: list[Tok], pos: int, hi: int, *, loose: bool = False
) -> Mention | None:
    """`right_mention` over words already scanned (``toks`` start at or after ``pos``)."""
    if not toks or not _gap_ok(text, pos, toks[0].start):
        return None
    found = _right_mention(lang, text, toks, pos, hi)
    if found is None and loose:
        return _loose_description(lang, text, toks)
    return found


def _bare_plural(lang: Language, text: str, toks: list[Tok]) -> Mention | None:
    """ "according to election officials.", "according to exit polls,": up to three
    lower-case words ending in a plural or a role noun, then punctuation."""
    for k in range(min(3, len(toks))):
        t = toks[k]
        if (
            not t.word.islower()
            or t.word in lang.connectors
            or t.word in lang.after_connector_stops
        ):
            return None
        if k > 0 and not _gap_ok(text, toks[k - 1].end, t.start):
            return None
        if text[t.end : t.end + 1] in {",", ".", ";", ":", ")"} or t.end == len(text):
            w = t.bare.lower()
            if (w.endswith("s") and len(w) > 3) or w in lang.role_words:
                return Mention(toks[0].start, t.end, text[toks[0].start : t.end])
            return None
    return None


def _loose_description(lang: Language, text: str, toks: list[Tok]) -> Mention | None:
    """ "said one unaligned Florida Republican strategist.": a determiner, up to six
    words, then punctuation; or a determiner and up to three lower-case words."""
    first = toks[0].word
    if first not in lang.determiners and first.lower() not in lang.loose_openers:
        return _bare_plural(lang, text, toks)
    j = 1
    while j < len(toks) and j <= 6 and _gap_ok(text, toks[j - 1].end, toks[j].start):
        w = toks[j].word
        if w in lang.after_connector_stops or w.lower() in lang.speech_verbs or w in lang.pronouns:
            break
        j += 1
    # shortest prefix that ends at punctuation, else a short lower-case run before a verb
    for k in range(2, j + 1):
        if text[toks[k - 1].end : toks[k - 1].end + 1] in {",", ".", ";", ":", "!", "?", ")"}:
            if toks[k - 1].word in lang.connectors:
                return None
            if k > 2 and toks[k - 1].word.endswith("ed") and toks[k - 1].word.islower():
                k -= 1  # "an angry Hollande retaliated."
            return build(lang, text, toks[:k])
    k = 1
    while k < min(j, 4) and (toks[k].word.islower() or toks[k].word[:1].isdigit()):
        if k > 1 and toks[k].word.endswith("ed"):
            break
        if toks[k].word in lang.connectors or toks[k].word in lang.pp_stops:
            break  # "The plan was billed": the verb is not part of the phrase
        k += 1
    if k == 1 or k >= len(toks):
        return None
    end = toks[k - 1].end
    return Mention(toks[0].start, end, text[toks[0].start : end])


def _right_mention(lang: Language, text: str, toks: list[Tok], pos: int, hi: int) -> Mention | None:
    if toks[0].word in lang.pronouns and not _surname_he(lang, text, toks):
        t = toks[0]
        return Mention(t.start, t.end, t.word, pronoun=True)
    if _participle_opener(lang, text, toks):
        return None
    j = _premodifiers(lang, text, toks, 0)
    while j < len(toks):
        if j > 0 and not _gap_ok(text, toks[j - 1].end, toks[j].start):
            break
        if j > 0 and toks[j].word in lang.verb_adverbs and is_cap(lang, toks[j - 1].word):
            break  # "Ashraf Ghani first announced": an adverb, not "the first official"
        if _np_word(lang, toks[j]) or particle_at(lang, toks, j):
            j += 1
        elif (k := _premodifiers(lang, text, toks, j)) > j:
            j = k  # "Radio talk show host Glenn Beck"
        else:
            break
    while j > 0 and (toks[j - 1].word in lang.connectors or toks[j - 1].word in lang.determiners):
        j -= 1
    if j == 0 or (not _head_ok(lang, toks[j - 1]) and not _head_ok(lang, toks[0])):
        return None
    j = _extend_pp(lang, text, toks, j)
    while j > 0 and (toks[j - 1].word in lang.connectors or toks[j - 1].word in lang.determiners):
        j -= 1
    mention = build(lang, text, toks[:j])
    return _appositive_right(lang, text, mention, toks[j:], hi)


def _surname_he(lang: Language, text: str, toks: list[Tok]) -> bool:
    """ "He Jianxiong, the former executive director": the Chinese surname He, not the
    pronoun: a capitalized word that is no verb follows it."""
    if toks[0].word != "He" or len(toks) < 2 or text[toks[0].end : toks[1].start] != " ":
        return False
    nxt = toks[1].word
    return (
        name_word(lang, toks[1])
        and nxt[1:].islower()
        and not nxt.endswith(("s", "ed"))
        and nxt.lower() not in lang.speech_verbs | lang.opinion_verbs
    )


def _premodifiers(lang: Language, text: str, toks: list[Tok], i: int) -> int:
    """Where lower-case modifiers from ``i`` end, in "election lawyer Joe Birkenstock" or
    "political science professor Brigid Harrison": up to three, when a role word and a name
    follow; ``i`` when there are none."""
    for k in range(i, min(i + 3, len(toks) - 2)):
        t = toks[k]
        if not t.word.islower() or t.word in lang.connectors or t.word in lang.pp_stops:
            return i
        if t.word in lang.speech_verbs or t.word in lang.after_connector_stops:
            return i
        if not _gap_ok(text, t.end, toks[k + 1].start):
            return i
        role, name = toks[k + 1], toks[k + 2]
        if role.bare in lang.role_nouns and role.word.islower() and name_word(lang, name):
            return k + 1 if _gap_ok(text, role.end, name.start) else i
    return i


def _extend_pp(lang: Language, text: str, toks: list[Tok], j: int) -> int:
    """Take a short prepositional tail: "one senior official from a European country"."""
    if j == 0 or j >= len(toks) or toks[j].word not in lang.connectors or toks[j].word == "and":
        return j
    if not _gap_ok(text, toks[j - 1].end, toks[j].start):
        return j
    if j + 1 < len(toks) and toks[j + 1].bare in lang.adjunct_nouns:
        return j  # "the Security Council on Friday made ...": when, not who
    k = j + 1
    while (
        k < len(toks)
        and k - j <= 6
        and _gap_ok(text, toks[k - 1].end, toks[k].start)
        and toks[k].word not in lang.after_connector_stops
        and toks[k].word.lower() not in lang.speech_verbs
        and toks[k].word not in lang.pp_stops
        and not _past_verb(lang, toks, k)
    ):
        k += 1
    # end the tail on a noun: "from a European country", not "... country said"
    while k > j + 1 and (toks[k - 1].word.endswith("ly") or toks[k - 1].word in lang.connectors):
        k -= 1
    return k if k > j + 1 else j


def _past_verb(lang: Language, toks: list[Tok], k: int) -> bool:
    """ "the Court of Appeals for the 3rd Circuit reversed": an -ed word right after a noun
    is the clause's verb; after a determiner it is an adjective ("a fired staffer")."""
    w = toks[k].word
    if (w in lang.opinion_verbs or w in lang.irregular_past) and w.islower():
        return True
    prev = toks[k - 1].word
    return w.islower() and w.endswith("ed") and prev not in lang.determiners and not prev.islower()


def _participle_opener(lang: Language, text: str, toks: list[Tok]) -> bool:
    """ "Marking the end of the primaries, Trump told ...": a capitalized participle that
    takes an object opens an adverbial clause; it names no one."""
    w = toks[0].word
    if len(toks) < 2 or len(w) < 6 or not w.endswith("ing") or not w[1:].islower():
        return False
    return toks[1].word in lang.object_openers and _gap_ok(text, toks[0].end, toks[1].start)


def _appositive_right(
    lang: Language, text: str, mention: Mention, rest: list[Tok], hi: int
) -> Mention:
    if mention.name is None or not rest:
        return mention
    gap = text[mention.end : rest[0].start]
    if gap.strip() != ",":
        return mention
    first = rest[0].word
    if not (first in lang.determiners or first.islower() or first.lower() in lang.titles):
        return mention
    stop = _clause_end(text, rest[0].start, hi)
    role = text[rest[0].start : stop].strip()
    if not role or len(role) > 150:
        return mention
    if any(w in lang.speech_verbs or w in lang.finite_words for w in role.split()):
        return mention  # "Trump, the senior official continued, ...": a tag, not a role
    return Mention(mention.start, mention.end, mention.text, mention.name, role)


# a clause ends at ;:!?, a quotation mark or a line end, at ,.() before a space, at a last
# dot; one character class first, so the engine skips other characters at C speed
_CLAUSE_END_RE = re.compile(
    r"[,;:.!?()\u201c\u201d\"\n](?:(?<=[;:!?\u201c\u201d\"\n])|(?=\s)|(?<=\.)\Z)"
)


def _clause_end(text: str, start: int, hi: int) -> int:
    m = _CLAUSE_END_RE.search(text, start, hi)
    end = m.start() if m else hi
    # "Sen. Jeanne Shaheen (D-N.H.)": an abbreviation dot does not end the role
    while m and text[m.start()] == "." and _dot_is_abbrev(text, m.start()):
        m = _CLAUSE_END_RE.search(text, m.start() + 1, hi)
        end = m.start() if m else hi
    return end


def _dot_is_abbrev(text: str, dot: int) -> bool:
    k = dot
    while k > 0 and (text[k - 1].isalpha() or text[k - 1] == "."):
        k -= 1
    word = text[k:dot].lower()
    return (
        word in {"sen", "rep", "gov", "gen", "dr", "mr", "mrs", "ms", "st", "lt", "col"}
        or (len(word.replace(".", "")) <= 3 and "." in word)
        or len(word) == 1
    )
