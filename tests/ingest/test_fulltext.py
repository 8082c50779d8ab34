"""Full-text extraction keeps the story and drops the page chrome around it (real trafilatura)."""

from __future__ import annotations

from bot.ingest.fulltext import article_text

BODY = [
    "The harbour board of Port Elsby voted on Tuesday to close the old grain pier for two years "
    "while engineers rebuild its foundations, a decision that surprised several shipping firms.",
    "“We cannot keep patching a structure that was built for sailing ships,” said Mara Quist, "
    "who chairs the board, adding that the repairs would cost about 40 million dollars.",
    "Dock workers said they feared for their jobs during the closure, and their union asked the "
    "board to move the grain trade to the north quay until the work is finished next spring.",
    "The city council will discuss the plan at its next meeting, where residents can speak "
    "for three minutes each before the councillors vote on the money for the new foundations.",
]


def page(*middle: str, head: str = "", body_top: str = "") -> bytes:
    paragraphs = "".join(f"<p>{p}</p>" for p in BODY[:2]) + "".join(middle)
    paragraphs += "".join(f"<p>{p}</p>" for p in BODY[2:])
    return (
        "<html><head><title>Port Elsby closes its grain pier | The Elsby Courier</title>"
        '<meta name="description" content="Repairs will take two years, the board says.">'
        f'<meta name="author" content="Jo Winter">{head}</head><body>'
        '<nav><a href="/">Home</a> <a href="/news">News</a></nav>'
        f"<article>{body_top}{paragraphs}</article>"
        "<footer>© 2026 The Elsby Courier</footer></body></html>"
    ).encode()


def lines(html: bytes) -> list[str]:
    text = article_text(html, url="https://courier.example/pier")
    assert text is not None
    return text.split("\n")


def test_the_story_survives_whole() -> None:
    got = lines(page())
    assert got == BODY


def test_headline_standfirst_and_byline_are_not_story_text() -> None:
    top = (
        "<h1>Port Elsby closes its grain pier</h1>"
        "<h3>Repairs will take two years, the board says.</h3>"
        '<p class="author">Jo Winter</p>'
    )
    assert lines(page(body_top=top)) == BODY


def test_related_links_and_their_labels_go_but_linked_names_in_sentences_stay() -> None:
    related = (
        '<p>READ MORE: <a href="/a">Storm damages the north quay</a></p>'
        '<p>DON\'T MISS<br><a href="/b">Ferry fares to rise</a> [VIDEO]<br>'
        '<a href="/c">New mayor sworn in</a> [INSIGHT]</p>'
        '<p><a href="/people/quist">Mara Quist</a> said the board had no choice.</p>'
    )
    got = lines(page(related))
    assert got == [*BODY[:2], "Mara Quist said the board had no choice.", *BODY[2:]]


def test_newsletter_syndication_and_credit_lines_go() -> None:
    chrome = (
        "<p>Sign up for our morning newsletter to get the headlines in your inbox.</p>"
        "<p>This article originally appeared on The Coast Gazette.</p>"
        "<p>Reporter Ann Lee contributed to this report.</p>"
        "<p>Follow the Courier on Twitter and Facebook.</p>"
        "<p>Updated at 1:23 p.m.</p>"
    )
    assert lines(page(chrome)) == BODY


def test_captions_hidden_text_and_popup_cards_go() -> None:
    chrome = (
        '<figure><img src="pier.jpg"><figcaption>The old grain pier at dawn. '
        "(Photo: Courier)</figcaption></figure>"
        '<div style="display:none"><p>Subscribe now for unlimited access.</p></div>'
        '<p>The vote was 5-2, said board member <span class="card"><a href="/p/ode">Lena Ode</a>'
        '<span class="pop"><img src="ode.jpg"><a href="/p/ode">Lena Ode</a> '
        '<a href="/s/1">Ode wins re-election to harbour board</a></span></span>.</p>'
    )
    got = lines(page(chrome))
    assert got == [*BODY[:2], "The vote was 5-2, said board member Lena Ode.", *BODY[2:]]


def test_a_drop_cap_stays_with_its_word() -> None:
    first = '<p><span class="dropcap">T</span>he pier opened in 1911 and never closed.</p>'
    got = lines(page(body_top=first))
    assert got[0] == "The pier opened in 1911 and never closed."


def test_broken_or_empty_pages_give_none_and_never_raise() -> None:
    assert article_text(b"", url="https://x.example") is None
    assert article_text(b"   ", url="https://x.example") is None
    assert article_text(b"\x00\xff<<<>>>" * 1000, url="https://x.example") is None
    assert article_text("<p>short</p>", url=None) is None


def test_reading_the_same_page_again_gives_the_same_text() -> None:
    html = page()
    first = article_text(html, url="https://courier.example/pier")
    assert first is not None
    for _ in range(4):  # trafilatura's process-wide dedup cache once ate repeated paragraphs
        assert article_text(html, url="https://courier.example/pier") == first


def test_a_line_repeated_within_the_page_is_kept_once() -> None:
    twin = f"<p>{BODY[1]}</p>"
    assert lines(page(twin)) == BODY
