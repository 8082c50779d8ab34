"""What a question in a channel asks, read offline: pure functions, no I/O.

`read_question` turns one line ("who is Maria Chen?", "what did the analyst
say about Lumora?", "who criticised the vote?", "what else did she say?")
into one `Intent`. The shapes are the ones people use about news in a chat;
anything else becomes a plain `TopicSearch` of its content words, so nothing
is refused for its wording. The answers come from
`bot.conversation.answers`, which does the store lookups.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from bot.conversation.questions import content_words

Stance = Literal["criticise", "praise", "warn", "deny"]


@dataclass(frozen=True, slots=True)
class WhoIs:
    """ "who is X?": the person (or role) X, their roles and the stories quoting them."""

    person: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WhatSaid:
    """ "what did X say (about Y)?". ``pronoun`` ("what else did she say?") means X is
    the last person answered about in the thread; ``more`` asks for what was not
    shown yet."""

    speaker: tuple[str, ...]
    topic: tuple[str, ...] = ()
    pronoun: bool = False
    more: bool = False


@dataclass(frozen=True, slots=True)
class WhoSaid:
    """'who said "<phrase>"?': the quote with those words, and its speaker."""

    phrase: str


@dataclass(frozen=True, slots=True)
class WhoStance:
    """ "who criticised / praised / warned / denied (X)?"."""

    stance: Stance
    target: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StoryAbout:
    """ "what is story N about?": item N of the thread's (or channel's last) briefing."""

    number: int


@dataclass(frozen=True, slots=True)
class WhatsNew:
    """ "what's new on Y (since yesterday)?": stories on Y within ``window``."""

    topic: tuple[str, ...]
    window: timedelta
    window_words: str


@dataclass(frozen=True, slots=True)
class HowManySources:
    """ "how many sources reported Y?"."""

    topic: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TopicSearch:
    """Anything else: quotes on these words. ``asks_who`` for "who ... Y?" shapes
    whose verb says nothing about stance ("who talked about the heat?")."""

    topic: tuple[str, ...]
    asks_who: bool = False


Intent = (
    WhoIs | WhatSaid | WhoSaid | WhoStance | StoryAbout | WhatsNew | HowManySources | TopicSearch
)

_MENTION = re.compile(r"^\s*(?:<@[^>]+>|@\w+)[,:]?\s*")
_OPENER = re.compile(
    r"^(?:(?:and|so|but|ok|okay|hey|hi|also|then|well|now|please|pls)\b[\s,]*)+", re.IGNORECASE
)
_POLITE = re.compile(
    r"^(?:(?:can|could|would)\s+you\s+(?:please\s+)?(?:tell|show)\s+me\s+|"
    r"(?:please\s+)?(?:tell|show)\s+me\s+|do\s+you\s+know\s+|i\s+wonder\s+)",
    re.IGNORECASE,
)
_PRONOUNS = frozenset({"he", "she", "they", "him", "her", "them", "his", "hers", "their"})

_SPEECH = (
    r"say|said|saying|says|think|thinks|thought|tell|told|claim|claimed|mean|meant|argue|"
    r"argued|reply|replied|respond|responded|comment|commented|state|stated|announce|"
    r"announced|add|added|suggest|suggested|predict|predicted|promise|promised|write|wrote|"
    r"tweet|tweeted|post|posted|feel|feels|felt|believe|believes|believed|reckon|reckons|"
    r"talk|talked|speak|spoke|have\s+to\s+say|had\s+to\s+say|make\s+of"
)
_TOPIC_TAIL = (
    r"(?:\s+(?:about|on|regarding|concerning|of|over|re|with\s+regard\s+to|in\s+response\s+to|"
    r"to)\s+(?P<topic>.+))?"
)
_AUX = r"(?:did|does|do|has|have|had|was|is|were|are|will|would|could|can)"
_WHAT_DID = re.compile(
    rf"^(?:what|anything|something)(?:['’]s\s+|\s+)(?P<else>else\s+)?(?:{_AUX}\s+)?(?P<who>.+?)\s+"
    rf"(?:{_SPEECH})\b(?:\s+(?:anything|something))?(?P<else2>\s+else)?{_TOPIC_TAIL}$",
    re.IGNORECASE,
)
_DID_SAY = re.compile(
    rf"^{_AUX}\s+(?P<who>.+?)\s+(?:{_SPEECH})\b(?:\s+(?:anything|something))?"
    rf"(?P<else>\s+else)?(?:\s+(?:publicly|at\s+all))?{_TOPIC_TAIL}$",
    re.IGNORECASE,
)
_WHAT_DID_VERB = re.compile(
    rf"^what\s+{_AUX}\s+(?P<who>.+?)\s+(?:accuse|accused|blame|blamed|call|called|urge|urged|"
    r"ask|asked|demand|demanded|want|wanted|criticise|criticize|criticised|criticized|praise|"
    r"praised|warn|warned|deny|denied|reveal|revealed|admit|admitted|propose|proposed|"
    r"recommend|recommended)\b\s*(?P<topic>.*?)(?:\s+(?:of|for|to|about|over|with))?$",
    re.IGNORECASE,
)
_HOW_REACT = re.compile(
    rf"^how\s+{_AUX}\s+(?P<who>.+?)\s+(?:react|reacted|respond|responded|feel|see|view)\w*"
    r"(?:\s+(?:to|about|on))?\s*(?P<topic>.*)$",
    re.IGNORECASE,
)
_VIEW_OF = re.compile(
    r"^what(?:'s|’s|\s+is|\s+was|\s+are|\s+were)\s+(?P<who>.+?)['’]s?\s+"
    r"(?:view|views|take|position|stance|line|reaction|response|comment|comments|"
    r"opinion|message|point)(?:\s+(?:on|about|of|to)\s+(?P<topic>.+))?$",
    re.IGNORECASE,
)
_QUOTES_FROM = re.compile(
    r"^(?:any\s+|more\s+|other\s+)?(?:quotes?|statements?|comments?|remarks?|words)\s+"
    rf"(?:from|by)\s+(?P<who>.+?){_TOPIC_TAIL}$",
    re.IGNORECASE,
)
_MORE_FROM = re.compile(
    r"^(?:anything\s+else|(?:any|some)thing\s+more|more|what\s+else)\s+(?:from|by)\s+(?P<who>.+)$",
    re.IGNORECASE,
)
_WHAT_ELSE = re.compile(
    r"^(?:what\s+else|anything\s+else|more)(?:\s+(?:was\s+there|is\s+there))?$", re.IGNORECASE
)
_WHO_IS = re.compile(
    r"^(?:who(?:'s|’s|\s+is|\s+was|\s+are|\s+were)|who\s+exactly\s+is|"
    r"what\s+(?:is|was)\s+(?:the\s+)?(?:role|job|title|position)\s+of|"
    r"what\s+does\s+(?P<does>.+?)\s+do$)\s*(?P<who>.*)$",
    re.IGNORECASE,
)
_STORY_ABOUT = re.compile(
    r"^(?:(?:what(?:'s|’s|\s+is|\s+was)(?:\s+the\s+(?:gist|summary|point)\s+of)?|"
    r"tell\s+me\s+about|summari[sz]e|explain|more\s+on|more\s+about|gist\s+of|about|"
    r"who(?:['’]s|\s+is|\s+was|\s+are)?\s+(?:quoted|speaking|talking)\s+in|who\s+said\s+what\s+in|"
    r"what\s+happened\s+in|what\s+about)\s+)?(?:the\s+)?(?:story|item|article|number|no\.?|#)\s*"
    r"#?(?P<n>\d{1,3})(?:\s+about)?$",
    re.IGNORECASE,
)
_STORY_ABOUT_SHORT = re.compile(
    r"^(?:what(?:'s|’s|\s+is|\s+was)\s+)(?:#)?(?P<n>\d{1,3})\s+about$", re.IGNORECASE
)
_WHO_SAID_PHRASE = re.compile(
    r"^who\s+(?:said|says|wrote|called\s+\w+|called\s+it|used\s+the\s+words?|tweeted|"
    r"is\s+quoted\s+(?:as\s+)?saying|was\s+quoted\s+(?:as\s+)?saying)\s*,?\s*"
    r"[\"“”‘'«](?P<phrase>.+?)[\"”“’'»]?$",
    re.IGNORECASE,
)
_WHO_SAID_THAT = re.compile(
    r"^who\s+(?:said|says|wrote|claimed|was\s+quoted\s+saying)\s+(?:that\s+)(?P<phrase>.+)$",
    re.IGNORECASE,
)
# "who said the fruit is setting right now": words said, not a topic ("who said anything
# about…", "who said on Monday…" are the topic shapes below).
_WHO_SAID_WORDS = re.compile(
    r"^who\s+(?:said|wrote|tweeted)\s+(?!(?:anything|something|about|on|that|this|it|so|"
    r"what|in|at|to|during|after|before)\b)(?P<phrase>\S+(?:\s+\S+){3,})$",
    re.IGNORECASE,
)
_WHO_SAID_ABOUT = re.compile(
    r"^(?:who\s+(?:has\s+|have\s+)?(?:said|says|spoke|spoken|talked|commented|is\s+talking|"
    r"is\s+quoted|was\s+quoted|were\s+quoted|weighed\s+in|reacted|responded|"
    r"had\s+something\s+to\s+say)|who\s+(?:else\s+)?said\s+(?:anything|something))\b"
    r"(?:\s+(?:anything|something))?(?:\s+(?:about|on|regarding|over|to))?\s*(?P<topic>.*)$",
    re.IGNORECASE,
)
_STANCE_WORDS: dict[Stance, str] = {
    "criticise": (
        r"critici[sz]\w*|critical\s+of|slam\w*|blast\w*|attack\w*|condemn\w*|denounc\w*|"
        r"decr(?:y|ied|ies)|lambast\w*|rebuk\w*|accus\w*|blam\w*|fault\w*|knock\w*|"
        r"hit\s+out\s+at|took\s+aim\s+at|take\s+aim\s+at|spoke\s+out\s+against|"
        r"speak\s+out\s+against|(?:is|was|were|are)\s+against|oppos\w*|object\w*\s+to|"
        r"complain\w*\s+about|disagree\w*\s+with|push\w*\s+back\s+on|went\s+after|"
        r"ha(?:s|d|ve)\s+(?:a\s+)?problems?\s+with|(?:was|were|is|are)\s+unhappy\s+with"
    ),
    "praise": (
        r"prais\w*|laud\w*|hail\w*|commend\w*|applaud\w*|welcom\w*|congratulat\w*|"
        r"thank\w*|back(?:s|ed)?|support\w*|endors\w*|defend\w*|cheer\w*|"
        r"(?:is|was|were|are)\s+(?:happy|pleased)\s+with|liked?|(?:is|was|were|are)\s+for"
    ),
    "warn": (
        r"warn\w*|caution\w*|alert\w*|raised?\s+(?:concerns?|alarm|fears?)|"
        r"(?:is|was|were|are)\s+(?:worried|concerned)\s+about|worr(?:y|ied|ies)\s+about|"
        r"fear\w*|sounded\s+the\s+alarm"
    ),
    "deny": (
        r"den(?:y|ied|ies|ying)|reject\w*|dismiss\w*|refut\w*|rebut\w*|disput\w*|"
        r"push\w*\s+back\s+on|rul\w+\s+out|shot\s+down|brush\w*\s+off|brushed\s+aside"
    ),
}
_STANCE = [
    (
        stance,
        re.compile(
            rf"^(?:who(?:['’]s)?|(?:which|what)\s+(?!{_AUX}\b)\w+(?:\s+(?!{_AUX}\b)\w+)?)"
            r"(?:\s+(?:has|have|had|is|was|were|are|did|else|also|actually|publicly))*"
            rf"\s+(?:{words})\b(?:\s+(?:about|of|on|over|against|that|the\s+idea\s+of))?"
            r"\s*(?P<target>.*)$",
            re.IGNORECASE,
        ),
    )
    for stance, words in _STANCE_WORDS.items()
]
_ANYONE_STANCE = [
    (
        stance,
        re.compile(
            r"^(?:did|has|have|was|is)\s+(?:anyone|anybody|someone|somebody|any\s+\w+)\s+"
            rf"(?:{words})\b(?:\s+(?:about|of|on|over|against))?\s*(?P<target>.*)$",
            re.IGNORECASE,
        ),
    )
    for stance, words in _STANCE_WORDS.items()
]
_STANCE_NOUNS: dict[Stance, str] = {
    "criticise": r"criticism|critics|complaints?|objections?|opposition|backlash",
    "praise": r"praise|support|backing|supporters",
    "warn": r"warnings?|concerns?|fears?",
    "deny": r"denials?|rejections?",
}
_STANCE_NOUN = [
    (
        stance,
        re.compile(
            rf"^(?:(?:is|was|were|are)\s+there\s+)?(?:any\s+)?(?:{nouns})\s+"
            r"(?:of|about|on|over|against|for|from)\s+(?P<target>.+)$",
            re.IGNORECASE,
        ),
    )
    for stance, nouns in _STANCE_NOUNS.items()
]
_WINDOWS = (
    (r"since\s+yesterday|in\s+the\s+last\s+day|in\s+the\s+past\s+day|today", timedelta(days=1)),
    (r"overnight|since\s+last\s+night|this\s+morning", timedelta(hours=16)),
    (
        r"this\s+week|in\s+the\s+last\s+week|in\s+the\s+past\s+week|since\s+last\s+week",
        timedelta(days=7),
    ),
)
_WHATS_NEW = re.compile(
    r"^(?:what(?:'s|’s|\s+is|\s+are)\s+(?:new|the\s+latest|happening|up|the\s+news)|"
    r"anything\s+new|any\s+(?:news|updates?)|(?:the\s+)?latest|news|updates?|"
    r"what\s+(?:has\s+)?happened|what\s+changed|what\s+has\s+changed)"
    r"(?:(?:\s+(?:on|about|with|in|regarding|for|to))?\s+(?P<rest>.+))?$",
    re.IGNORECASE,
)
_HOW_MANY = re.compile(
    r"^(?:how\s+many\s+(?:different\s+)?(?:sources|outlets|feeds|stories|articles|papers|"
    r"publications|sites|reports|news\s+sources)|how\s+widely\s+(?:was|is|were|has))"
    r"(?:\s+(?:have|has|had|did|are|were))?"
    r"(?:\s+(?:reported|report|covered|cover|mentioned|mention|ran|run|wrote|written|carried|"
    r"carry|picked\s+up|talk(?:ed)?|are|there\s+are|been\s+reported|been|reporting|covering))?"
    r"(?:\s+(?:about|on|of|for|the\s+story\s+(?:about|on|of)))?\s*(?P<topic>.*?)"
    r"(?:\s+(?:been\s+)?(?:reported|covered|mentioned))?$",
    re.IGNORECASE,
)
_WHO_REPORTED = re.compile(
    r"^(?:which|what)\s+(?:sources|outlets|feeds|papers|publications|sites)\s+"
    r"(?:reported|covered|mentioned|ran|carried|have|wrote)\w*(?:\s+(?:about|on))?\s+(?P<topic>.+)$",
    re.IGNORECASE,
)


def clean_question(text: str) -> str:
    """``text`` without a leading @mention, opener words and trailing punctuation."""
    question = _MENTION.sub("", text).strip()
    question = question.rstrip("?!. ").strip()
    question = _OPENER.sub("", question).strip()
    return _POLITE.sub("", question).strip()


def read_question(text: str) -> Intent:
    """The `Intent` of one line; unrecognised shapes become a `TopicSearch`."""
    question = clean_question(text)
    return (
        _story_about(question)
        or _whats_new(question)
        or _how_many(question)
        or _who_said_phrase(question)
        or _stance(question)
        or _what_said(question)
        or _who_is(question)
        or _who_about(question)
        or TopicSearch(content_words(question))
    )


def _story_about(question: str) -> Intent | None:
    found = _STORY_ABOUT.match(question) or _STORY_ABOUT_SHORT.match(question)
    return StoryAbout(int(found["n"])) if found else None


def _whats_new(question: str) -> Intent | None:
    rest = None
    found = _WHATS_NEW.match(question)
    if found:
        rest = found["rest"] or ""
    window, window_words = timedelta(days=1), "since yesterday"
    for pattern, span in _WINDOWS:
        tail = re.search(rf"\s*\b(?:{pattern})$", rest or question, re.IGNORECASE)
        if tail:
            window, window_words = span, tail[0].strip()
            if rest is None:
                rest = question[: tail.start()]
                rest = re.sub(r"^(?:anything|news|updates?)\s+(?:on|about)\s+", "", rest)
            else:
                rest = rest[: tail.start()]
            break
    else:
        if rest is None:
            return None
    topic = content_words(rest)
    if not topic and not re.match(
        r"^(?:what(?:'s|’s|\s+is)\s+new|any(?:thing)?\s+new|any\s+news)", question, re.IGNORECASE
    ):
        return None
    return WhatsNew(topic, window, window_words.casefold())


def _how_many(question: str) -> Intent | None:
    found = _HOW_MANY.match(question) or _WHO_REPORTED.match(question)
    if not found:
        return None
    topic = content_words(found["topic"])
    return HowManySources(topic) if topic else None


def _who_said_phrase(question: str) -> Intent | None:
    found = _WHO_SAID_PHRASE.match(question)
    if found and found["phrase"].strip(" \"“”‘’'«»"):
        return WhoSaid(found["phrase"].strip(" \"“”‘’'«»,."))
    found = _WHO_SAID_THAT.match(question) or _WHO_SAID_WORDS.match(question)
    if found and len(found["phrase"].split()) >= 3:
        return WhoSaid(found["phrase"])
    return None


def _stance(question: str) -> Intent | None:
    for stance, pattern in (*_STANCE, *_ANYONE_STANCE, *_STANCE_NOUN):
        found = pattern.match(question)
        if found:
            return WhoStance(stance, content_words(found["target"]))
    return None


def _what_said(question: str) -> Intent | None:
    if _WHAT_ELSE.match(question):
        return WhatSaid((), pronoun=True, more=True)
    patterns = (_WHAT_DID, _DID_SAY, _QUOTES_FROM, _MORE_FROM, _HOW_REACT, _VIEW_OF, _WHAT_DID_VERB)
    for pattern in patterns:
        found = pattern.match(question)
        if not found:
            continue
        groups = found.groupdict()
        more = bool(groups.get("else") or groups.get("else2")) or pattern is _MORE_FROM
        who_text = groups["who"]
        raw = who_text.casefold().split()
        pronoun = bool(raw) and raw[-1] in _PRONOUNS and len(raw) <= 2
        speaker = () if pronoun else content_words(who_text)
        if _generic_subject(raw) and not pronoun:
            # "what are people saying about the heat?" asks about the topic, not a speaker.
            return TopicSearch(content_words(groups.get("topic") or ""), asks_who=True)
        if not speaker and not pronoun:
            continue
        return WhatSaid(
            speaker, content_words(groups.get("topic") or ""), pronoun=pronoun, more=more
        )
    return None


def _generic_subject(words: list[str]) -> bool:
    generic = {"people", "everyone", "everybody", "anyone", "anybody", "others", "folks", "experts"}
    return bool(words) and words[-1] in generic


def _who_is(question: str) -> Intent | None:
    found = _WHO_IS.match(question)
    if not found:
        return None
    who = found["does"] or found["who"]
    lowered = who.casefold()
    if re.match(r"^(?:quoted|talking|saying|speaking|commenting|mentioned|in|behind)\b", lowered):
        return None
    person = content_words(who)
    return WhoIs(person) if person else None


def _who_about(question: str) -> Intent | None:
    found = _WHO_SAID_ABOUT.match(question)
    if found:
        return TopicSearch(content_words(found["topic"]), asks_who=True)
    if question.casefold().startswith("who"):
        verb_and_rest = question.split(maxsplit=2)
        rest = verb_and_rest[2] if len(verb_and_rest) > 2 else ""
        return TopicSearch(content_words(rest), asks_who=True)
    return None
