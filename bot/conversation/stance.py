"""Does a quote criticise, praise, warn or deny? A small hand-written lexicon, no model.

Two kinds of evidence: the reporting verb the extractor stored as the quote's
``cue`` ("slammed", "warned", "denied": the writer's own reading, strong), and
evaluative words in the quote itself ("a betrayal", "reckless", "we welcome",
"could be dangerous": weaker). `stances` returns the stances with evidence,
strongest first. How well each part does is measured against PolNeAR's
reporting verbs by ``benchmarks/stance.py`` (numbers in benchmarks/RESULTS.md);
the words were written from general English, not mined from that data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.conversation.intents import Stance

_CUES: dict[Stance, str] = {
    "criticise": (
        r"critici[sz]\w*|slam\w*|blast\w*|attack\w*|condemn\w*|denounc\w*|decr(?:y|ied|ies)|"
        r"lambast\w*|rebuk\w*|accus\w*|blam\w*|fault\w*|castigat\w*|chid\w*|scold\w*|"
        r"assail\w*|berat\w*|decried|derid\w*|mock\w*|ridicul\w*|excoriat\w*|savag\w*|"
        r"hit\s+out|took\s+aim|lashed\s+out|complain\w*|object\w*|protest\w*|"
        r"disparag\w*|insult\w*|questioned"
    ),
    "praise": (
        r"prais\w*|laud\w*|hail\w*|commend\w*|applaud\w*|welcom\w*|congratulat\w*|thank\w*|"
        r"endors\w*|cheer\w*|celebrat\w*|extoll?\w*|touted?|compliment\w*|defend\w*|"
        r"back(?:ed|s)?|support\w*|champion\w*"
    ),
    "warn": r"warn\w*|caution\w*|alert\w*|fear\w*|worr\w*|predict\w*|forecast\w*",
    "deny": (
        r"den(?:y|ied|ies|ying)|reject\w*|dismiss\w*|refut\w*|rebut\w*|disput\w*|"
        r"contradict\w*|rul\w+\s+out|scoff\w*|brush\w*|downplay\w*|play\w*\s+down"
    ),
}
_WORDS: dict[Stance, str] = {
    "criticise": (
        r"betray\w*|disgrace\w*|shame\w*|shameful|outrag\w*|reckless\w*|irresponsib\w*|"
        r"incompeten\w*|disaster\w*|disastrous|failure\w*|failed|failing|fiasco|mess|"
        r"wrong|mistake\w*|unacceptable|ridiculous|absurd|nonsense|appalling|terrible|"
        r"awful|horrible|pathetic|hypocri\w*|corrupt\w*|lie|lies|lying|liar|fraud\w*|"
        r"scandal\w*|insult\w*|broken\s+promises?|too\s+(?:fast|slow|little|late|far|much)|"
        r"not\s+good\s+enough|no\s+plan|without\s+(?:a\s+)?plan|"
        r"nobody\s+has|no\s+one\s+has|blunder\w*|weak|naive|clueless|careless|"
        r"illegal|unfair|unjust|cruel|dishonest|deceiv\w*|misled|misleading|"
        r"doesn['’]t\s+understand|does\s+not\s+understand|won['’]t\s+work|will\s+not\s+work|"
        r"waste\w*|squander\w*"
    ),
    "praise": (
        r"great|excellent|outstanding|brilliant|wonderful|fantastic|terrific|remarkable|"
        r"impressive|historic|proud|grateful|thank\w*|welcome\w*|congratulat\w*|"
        r"applaud\w*|admir\w*|deserv\w*|success\w*|good\s+(?:thing|news|job|work|step|deal)|"
        r"right\s+(?:thing|decision|call|move)|absolutely\s+right|(?:is|was)\s+right|"
        r"the\s+best|strong\s+leader\w*|courage\w*|brave|wise|smart|"
        r"reasons\s+for\s+optimism|hope\w*|encourag\w*|promising|progress"
    ),
    "warn": (
        r"warn\w*|risk\w*|danger\w*|threat\w*|crisis|catastroph\w*|alarm\w*|"
        r"could\s+(?:cut|hurt|cost|lose|lead|cause|fail|collapse|worsen|spread|kill|flood|burn|"
        r"break|die|hit|slow|be\s+\w+)|"
        r"may\s+(?:cut|hurt|cost|lose|lead|cause|fail|collapse)|might\s+(?:cut|hurt|lose|fail)|"
        r"if\s+\w+\s+(?:does\s+not|doesn['’]t|don['’]t|fails?)|unless|beware|careful|"
        r"check\s+on|stay\s+(?:inside|indoors|safe|away)|avoid\w*|deadly|fatal|"
        r"concern\w*|worr\w*|fear\w*|vulnerab\w*|never\s+gets?\s+a\s+chance|"
        r"be\s+prepared|brace|warning"
    ),
    "deny": (
        r"not\s+true|untrue|false|fake|no\s+evidence|never\s+(?:said|did|happened|been)|"
        r"there\s+is\s+no|there\s+was\s+no|there\s+are\s+no|no\s+\w+\s+planned|"
        r"deny|denies|denied|reject\w*|baseless|groundless|unfounded|absurd|nonsense|"
        r"no\s+such|not\s+(?:the\s+)?case"
    ),
}
_CUE_PATTERNS = {s: re.compile(rf"\b(?:{w})\b", re.IGNORECASE) for s, w in _CUES.items()}
_WORD_PATTERNS = {s: re.compile(rf"\b(?:{w})\b", re.IGNORECASE) for s, w in _WORDS.items()}
CUE_WEIGHT = 2
WORD_WEIGHT = 1


@dataclass(frozen=True, slots=True)
class StanceEvidence:
    """Why a quote was read as ``stance``: its cue, and/or a word of its own."""

    stance: Stance
    weight: int
    cue: str | None
    word: str | None


def stance_of(stance: Stance, text: str, cue: str | None) -> StanceEvidence | None:
    """The evidence that a quote (``text``, reported with ``cue``) takes ``stance``."""
    cue_hit = _CUE_PATTERNS[stance].search(cue) if cue else None
    word_hit = _WORD_PATTERNS[stance].search(text)
    weight = (CUE_WEIGHT if cue_hit else 0) + (WORD_WEIGHT if word_hit else 0)
    if not weight:
        return None
    return StanceEvidence(
        stance,
        weight,
        cue_hit[0] if cue_hit else None,
        word_hit[0] if word_hit else None,
    )


def cue_stance(stance: Stance, cue: str) -> bool:
    """Whether the reporting verb alone says ``stance`` (the strong evidence)."""
    return bool(_CUE_PATTERNS[stance].search(cue))


def words_stance(stance: Stance, text: str) -> bool:
    """Whether the quote's own words say ``stance`` (the weak evidence)."""
    return bool(_WORD_PATTERNS[stance].search(text))
