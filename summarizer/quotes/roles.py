"""The role a story gives a speaker, read from its text and judged.

A role says what someone is: the title in front of a name ("orchard owner Lucia
Ferreira", "Minister in the Ministry of Finance Brian Manning") or the apposition after it
("Tom Hale, a fisherman, said"). Words that happen to stand there are no role: "the sky
went", "however", "a skeptical", "(the)". The judgment is one mechanism, not a list of bad
roles: a role must hold a role noun (the role and title words mined from PolNeAR train
source spans in `lexicon`, or an agent noun such as "owner", "meteorologist",
"deportee"), and no verb, pronoun or clause opener.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from summarizer.quotes.language import Language

# agent nouns outside the mined lists: "owner", "meteorologist", "deportee", "defenseman"
_AGENT_RE = re.compile(r"[a-z][a-z\-]{2,}(?:er|or|ist|ian|ee|man|woman|person|ess|ant|ent)s?\Z")
_EDGE = " \t\n,;:.()[]\u201c\u201d\"'‘’—–-"


def is_role(lang: Language, role: str | None) -> bool:
    """Does ``role`` say what someone is ("orchard owner", "the mayor of Port Elsby"),
    rather than being words that stood next to a name ("however", "a skeptical")?"""
    if not role:
        return False
    raw = role.split()
    toks = [t.strip(_EDGE) for t in raw]
    toks = [t for t in toks if t]
    if not toks or toks[0].lower() in lang.role_clause_openers:
        return False  # "who led the research": a clause, not a title
    if any(t.lower() in lang.not_in_role for t in toks):
        return False  # "the sky went", "Trump, the senior official continued"
    if all(t.rstrip(",;:)") in lang.honorifics or t.rstrip(",;:)").endswith(".") for t in raw):
        return False  # "Mr.", "Dr.", "Sen.": a form of address, not what someone does
    return any(_role_noun(lang, t) for t in toks)


def _role_noun(lang: Language, word: str) -> bool:
    w = word.lower().removesuffix("’s").removesuffix("'s")
    if w in lang.role_heads:
        return True
    if w in lang.not_agents or w in lang.role_not_heads:
        return False
    if word[:1].isupper() and (word.isupper() or w.endswith("s")):
        return False  # "CEO" is mined; any other acronym, or "Lakers", is a name
    return _AGENT_RE.match(w) is not None


def clean(lang: Language, role: str | None) -> str | None:
    """``role`` tidied for display ("(the) mayor," -> "mayor"); None when it is no role."""
    if not role:
        return None
    text = " ".join(role.split()).strip(_EDGE)
    return text if is_role(lang, text) else None


# "orchard owner Lucia Ferreira": lower-case words ending in a role noun right before the
# name (a capital only at the sentence's start: "Orchard owner Lucia Ferreira said")
_TITLE_WORD_RE = re.compile(r"[A-Za-z][\w&.’'\-]*\Z")
_BEFORE_WINDOW = 80
_MAX_TITLE_WORDS = 5


def title_before(lang: Language, text: str, start: int) -> str | None:
    """The lower-case title right in front of the name at ``start``, if it is a role."""
    lo = max(0, start - _BEFORE_WINDOW)
    head = text[lo:start]
    if not head.endswith((" ", "\u00a0")):
        return None
    toks = head.split()
    taken: list[str] = []
    for tok in reversed(toks):
        if _TITLE_WORD_RE.match(tok) is None or len(taken) >= _MAX_TITLE_WORDS:
            break
        if tok.endswith(".") and "." not in tok[:-1] and tok.lower() not in lang.titles:
            break  # "late." ends the sentence before; "U.S." and "Dr." do not
        low = tok.lower()
        if (
            low in lang.determiners_and_possessives
            or low in lang.not_in_role
            or low in lang.role_clause_openers
        ):
            break
        if low == "to" and len(taken) > 1:
            return None  # "threatened to kill Rep. Ilhan Omar": a verb's object
        if low in lang.role_links or (
            tok.islower() and low.endswith(("ed", "ing", "ly")) and low not in lang.role_words
        ):
            break  # "threatened to kill Rep.", "led by Gov.": a clause, not a title
        if not taken and not _role_noun(lang, tok):
            return None  # the title ends in its head noun ("owner"); "Kathleen" is a name
        taken.append(tok)  # "Jefferies analyst", "NASA Administrator": a body may lead
    if not taken:
        return None
    role = " ".join(reversed(taken))
    return role if is_role(lang, role) else None


# "Tom Hale, a fisherman, said": the apposition after a name, to its clause's end
_APPOSITION_RE = re.compile(r",[ \t]+((?:an?|the)[ \t]+)?([^,;:.!?()\n\u201c\u201d\"]{2,120})")
_MAX_PLACES = 20


def role_in_text(lang: Language, name: str, text: str) -> str | None:
    """The role the story gives ``name`` where it names them in full: the title in front
    ("orchard owner Lucia Ferreira") or the apposition after (", a fisherman,"), the first
    that is a role. Looks at the first few places the name stands, so it stays linear."""
    if len(name.split()) < 2:
        return None  # "Manning" alone may be anyone's surname
    return next(roles_at(lang, name, text, _MAX_PLACES), None)


def roles_at(lang: Language, name: str, text: str, places: int) -> Iterator[str]:
    """Each role the story gives ``name`` at the first ``places`` places it writes it:
    the title in front, else the apposition after."""
    pos = text.find(name)
    for _ in range(places):
        if pos < 0:
            return
        end = pos + len(name)
        if not text[end : end + 1].isalnum() and not text[pos - 1 : pos].isalnum():
            role = title_before(lang, text, pos)
            if role is None:
                m = _APPOSITION_RE.match(text, end)
                if m is not None:
                    role = clean(lang, (m.group(1) or "") + m.group(2))
            if role is not None:
                yield role
        pos = text.find(name, end)
