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

from summarizer.quotes import lexicon as lx
from summarizer.quotes.language import words

# mined role and title words that are not themselves what someone is
_NOT_HEADS = words(
    """a an the of for with our her his its their the-white-house another other others one
    two three four five few many most several some half first second third top former
    senior longtime retired vice deputy federal national foreign defense security policy
    political presidential democratic republican progressive conservative liberal american
    british chinese european french german iranian israeli mexican russian ukrainian u.s
    u.s. us white house state senate majority minority prime familiar knowledge data poll
    polls survey surveys report study statement letter memo message messages tweet tweets
    post ad ads account website percent plurality press communications intelligence military
    administration administration's campaign campaign's party's pentagon's government"""
)
_HEADS = (lx.ROLE_WORDS | lx.TITLES | lx.ANON_HEADS) - _NOT_HEADS | words(
    """coach captain chef nurse victim witness guard head pilot star pupil student clerk
    priest rabbi imam bishop sheriff marshal patient deputy agent fm pm mp mep coo cto
    cmo cio md gm vp svp evp dg ag da mla mpp"""
)
# agent nouns outside the mined lists: "owner", "meteorologist", "deportee", "defenseman"
_AGENT_RE = re.compile(r"[a-z][a-z\-]{2,}(?:er|or|ist|ian|ee|man|woman|person|ess|ant|ent)s?\Z")
# words of those shapes that name no one
_NOT_AGENTS = words(
    """however whatever whenever wherever whoever moreover never ever other another either
    neither whether rather further together after under over later earlier recent current
    different present percent moment event content intent extent parent apparent
    silent urgent decent consistent independent important significant relevant recent
    statement agreement department government management development environment treatment
    investment announcement comment element payment document argument requirement
    settlement enforcement equipment employment unemployment achievement improvement
    movement assessment amendment appointment excitement instrument segment sentiment
    percent cent accident incident evident ancient efficient sufficient frequent
    prominent permanent dominant significant brilliant elegant vibrant distant instant
    constant pleasant relevant giant plant grant want meant sent spent went rent tent dent
    bent lent scent ascent event human woman's german roman italian asian christian
    canadian australian indian russian european american african brazilian mexican
    iranian syrian egyptian haitian jamaican nigerian kenyan ghanaian korean ukrainian
    hungarian norwegian belgian civilian guardian median suburban urban veteran
    water weather winter summer number member's matter letter order border corner
    center centre theater theatre paper power tower hour our your their other mother's
    father's brother's sister's daughter's error mirror color colour floor door
    honor honour labor labour favor favour behavior behaviour major minor motor
    factor sector interior exterior superior inferior junior senior prior"""
)
_CLAUSE_OPENERS = words("who whom whose which that when where while because as if")
_NOT_IN_ROLE = lx.SPEECH_VERBS | lx.AUX | lx.PRONOUNS | words("is was are were has had have")
_LINKS = words("to by for with of in on at from and or but as than into about after before")
_DETERMINERS = words("a an the this that these those his her their its our my your")
_EDGE = " \t\n,;:.()[]\u201c\u201d\"'‘’—–-"


def is_role(role: str | None) -> bool:
    """Does ``role`` say what someone is ("orchard owner", "the mayor of Port Elsby"),
    rather than being words that stood next to a name ("however", "a skeptical")?"""
    if not role:
        return False
    raw = role.split()
    toks = [t.strip(_EDGE) for t in raw]
    toks = [t for t in toks if t]
    if not toks or toks[0].lower() in _CLAUSE_OPENERS:
        return False  # "who led the research": a clause, not a title
    if any(t.lower() in _NOT_IN_ROLE for t in toks):
        return False  # "the sky went", "Trump, the senior official continued"
    if all(t.rstrip(",;:)") in lx.HONORIFICS or t.rstrip(",;:)").endswith(".") for t in raw):
        return False  # "Mr.", "Dr.", "Sen.": a form of address, not what someone does
    return any(_role_noun(t) for t in toks)


def _role_noun(word: str) -> bool:
    w = word.lower().removesuffix("’s").removesuffix("'s")
    if w in _HEADS:
        return True
    if w in _NOT_AGENTS or w in _NOT_HEADS:
        return False
    if word[:1].isupper() and (word.isupper() or w.endswith("s")):
        return False  # "CEO" is mined; any other acronym, or "Lakers", is a name
    return _AGENT_RE.match(w) is not None


def clean(role: str | None) -> str | None:
    """``role`` tidied for display ("(the) mayor," -> "mayor"); None when it is no role."""
    if not role:
        return None
    text = " ".join(role.split()).strip(_EDGE)
    return text if is_role(text) else None


# "orchard owner Lucia Ferreira": lower-case words ending in a role noun right before the
# name (a capital only at the sentence's start: "Orchard owner Lucia Ferreira said")
_TITLE_WORD_RE = re.compile(r"[A-Za-z][\w&.’'\-]*\Z")
_BEFORE_WINDOW = 80
_MAX_TITLE_WORDS = 5


def title_before(text: str, start: int) -> str | None:
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
        if tok.endswith(".") and "." not in tok[:-1] and tok.lower() not in lx.TITLES:
            break  # "late." ends the sentence before; "U.S." and "Dr." do not
        low = tok.lower()
        if low in _DETERMINERS or low in _NOT_IN_ROLE or low in _CLAUSE_OPENERS:
            break
        if low == "to" and len(taken) > 1:
            return None  # "threatened to kill Rep. Ilhan Omar": a verb's object
        if low in _LINKS or (
            tok.islower() and low.endswith(("ed", "ing", "ly")) and low not in lx.ROLE_WORDS
        ):
            break  # "threatened to kill Rep.", "led by Gov.": a clause, not a title
        if not taken and not _role_noun(tok):
            return None  # the title ends in its head noun ("owner"); "Kathleen" is a name
        taken.append(tok)  # "Jefferies analyst", "NASA Administrator": a body may lead
    if not taken:
        return None
    role = " ".join(reversed(taken))
    return role if is_role(role) else None


# "Tom Hale, a fisherman, said": the apposition after a name, to its clause's end
_APPOSITION_RE = re.compile(r",[ \t]+((?:an?|the)[ \t]+)?([^,;:.!?()\n\u201c\u201d\"]{2,120})")
_MAX_PLACES = 20


def role_in_text(name: str, text: str) -> str | None:
    """The role the story gives ``name`` where it names them in full: the title in front
    ("orchard owner Lucia Ferreira") or the apposition after (", a fisherman,"), the first
    that is a role. Looks at the first few places the name stands, so it stays linear."""
    if len(name.split()) < 2:
        return None  # "Manning" alone may be anyone's surname
    pos = text.find(name)
    for _ in range(_MAX_PLACES):
        if pos < 0:
            return None
        end = pos + len(name)
        if not text[end : end + 1].isalnum():
            role = title_before(text, pos)
            if role is None:
                m = _APPOSITION_RE.match(text, end)
                if m is not None:
                    role = clean((m.group(1) or "") + m.group(2))
            if role is not None:
                return role
        pos = text.find(name, end)
    return None
