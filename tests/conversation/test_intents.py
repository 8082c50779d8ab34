"""Reading questions into intents, and people's names: pure functions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.conversation.intents import (
    HowManySources,
    Intent,
    StoryAbout,
    TopicSearch,
    WhatSaid,
    WhatsNew,
    WhoIs,
    WhoSaid,
    WhoStance,
    read_question,
)
from bot.conversation.people import role_alternatives, same_person, spelling_key, without_titles


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("who is Maria Chen?", WhoIs(("maria", "chen"))),
        ("Who's the CEO of Lumora?", WhoIs(("ceo", "lumora"))),
        ("what did the CEO say?", WhatSaid(("ceo",))),
        ("what did the analyst say about Lumora?", WhatSaid(("analyst",), ("lumora",))),
        ("what else did she say?", WhatSaid((), pronoun=True, more=True)),
        ("and what did he say about the depot?", WhatSaid((), ("depot",), pronoun=True)),
        ('who said "a promise without an address"?', WhoSaid("a promise without an address")),
        ("who criticised Trump?", WhoStance("criticise", ("trump",))),
        ("who has warned about the heat", WhoStance("warn", ("heat",))),
        ("did anyone praise the mayor?", WhoStance("praise", ("mayor",))),
        ("who denied the meeting?", WhoStance("deny", ("meeting",))),
        ("what is story 4 about?", StoryAbout(4)),
        ("story 2?", StoryAbout(2)),
        (
            "what's new on Lumora since yesterday?",
            WhatsNew(("lumora",), timedelta(days=1), "since yesterday"),
        ),
        ("how many sources reported the depot vote?", HowManySources(("depot", "vote"))),
        ("who talked about the heat?", TopicSearch(("heat",), asks_who=True)),
        ("what's Lavrov saying about the talks?", WhatSaid(("lavrov",), ("talks",))),
        ("who's criticizing the council?", WhoStance("criticise", ("council",))),
        ("which officials warned about the heat?", WhoStance("warn", ("heat",))),
        ("who is quoted in story 2?", StoryAbout(2)),
        ("what's the gist of story 3?", StoryAbout(3)),
        ("what's new?", WhatsNew((), timedelta(days=1), "since yesterday")),
        ("who said the fruit is setting right now", WhoSaid("the fruit is setting right now")),
        ("what did Esper accuse China of?", WhatSaid(("esper",), ("china",))),
        ("what about the bus depot?", TopicSearch(("bus", "depot"))),
    ],
)
def test_read_question(question: str, intent: Intent) -> None:
    assert read_question(question) == intent


def test_names_titles_roles_and_spellings() -> None:
    assert without_titles(("president", "zelenskyy")) == ("zelenskyy",)
    assert without_titles(("mayor",)) == ("mayor",)
    assert ("chief", "executive") in role_alternatives(("ceo",))
    assert spelling_key("Zelensky") == spelling_key("Zelenskyy") == spelling_key("Zelenskiy")
    assert same_person("Lavrov", "Sergey Lavrov")
    assert same_person("Zelensky", "Volodymyr Zelenskyy")
    assert not same_person("Maria Chen", "Maria Ruiz")
