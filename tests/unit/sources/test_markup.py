"""Message bodies to plain text: HTML stripped, quoted earlier replies removed, whitespace tidied."""

import pytest

from voc.sources.markup import to_plain_text


@pytest.mark.parametrize(
    ("body", "text"),
    [
        pytest.param("<p>My order <b>48211</b> is late.</p><p>Please help.</p>", "My order 48211 is late.\nPlease help.",
                     id="paragraphs"),
        pytest.param("Line one<br>Line two<br/>Line three", "Line one\nLine two\nLine three", id="br"),
        pytest.param("<div>Fish &amp; chips&nbsp;&pound;9</div>", "Fish & chips \u00a39", id="entities"),
        pytest.param("<p>Hi</p><script>alert(1)</script><style>p {color: red}</style><p>there</p>", "Hi\nthere",
                     id="script-style"),
        pytest.param("<html><head><title>Re: order</title></head><body><ul><li>a</li><li>b</li></ul></body></html>", "a\nb",
                     id="document-and-lists"),
        pytest.param("<p>Still broken.</p><blockquote><p>Agent: have you tried <blockquote>nested</blockquote> restarting?</p>"
                     "</blockquote><p>Any news?</p>", "Still broken.\nAny news?", id="nested-blockquote"),
        pytest.param('<div>Still broken.</div><div class="gmail_quote">On Mon, Support wrote: try again</div>', "Still broken.",
                     id="gmail-quote"),
        pytest.param("Fish &amp; chips", "Fish & chips", id="plain-text-entities"),
        pytest.param("I <3 this, and 2 < 3 > 1", "I <3 this, and 2 < 3 > 1", id="angle-brackets-are-not-html"),
        pytest.param("  a   b\t\tc\u00a0d\n\n \n\ne  ", "a b c d\ne", id="whitespace"),
    ],
)
def test_bodies_become_plain_text(body, text):
    assert to_plain_text(body) == text


@pytest.mark.parametrize(
    "quoted",
    [
        "On Mon, 14 Sep 2026 at 09:00, Support <help@shop.example> wrote:\n> We will send a new one.\n> Kind regards",
        "-----Original Message-----\nFrom: help@shop.example\nSent: 14 September 2026\nWe will send a new one.",
        "From: Support Team <help@shop.example>\nSent: Monday, 14 September 2026 09:00\nSubject: Re: router\nWe will send one.",
        "> We will send a new one.\n> Kind regards",
    ],
    ids=["on-wrote", "original-message", "outlook-header", "quoted-lines"],
)
def test_a_quoted_earlier_reply_is_removed(quoted):
    assert to_plain_text(f"Still waiting for the router.\n\n{quoted}") == "Still waiting for the router."


def test_quoted_lines_in_the_middle_are_dropped_and_the_reply_around_them_kept():
    body = "You said:\n> it ships Monday\nIt did not ship.\n>> older quote\nPlease refund."
    assert to_plain_text(body) == "You said:\nIt did not ship.\nPlease refund."


def test_a_sentence_mentioning_wrote_is_not_a_reply_header():
    body = "On Monday I wrote: please cancel my order.\nNobody answered."
    assert to_plain_text(body) == body


def test_text_after_a_closed_gmail_quote_is_kept():
    body = ('<div>Answers inline below.</div><div class="gmail_quote"><p>Will it ship Monday?</p></div>'
            "<p>No, it never shipped.</p>")
    assert to_plain_text(body) == "Answers inline below.\nNo, it never shipped."
