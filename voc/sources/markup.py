"""Message bodies to plain text: HTML to text, and quoted earlier replies removed.

Ticket systems export bodies as HTML and e-mails quote the thread they answer. Quoted text is someone
else's words (often the agent's), so it must not be scored as the customer's voice.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

__all__ = ["to_plain_text"]

_VOID = {"br", "img", "hr", "meta", "input", "wbr", "col", "area", "base", "link", "source"}
_BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "hr", "pre"}
_SKIP = {"script", "style", "head", "title", "blockquote"}
_HTML_HINT = re.compile(r"<\s*/?\s*(p|div|br|span|a|b|i|em|strong|ul|ol|li|table|blockquote|html|body|font)[\s>/]", re.I)
_REPLY_HEADER = re.compile(r"^\s*(on .{3,200} wrote:|-{2,}\s*original message\s*-{2,}|from: .*@.*\n\s*(sent|date): .*)$", re.I | re.M)
_QUOTED_LINE = re.compile(r"^\s*>.*$\n?", re.M)
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANKS = re.compile(r"\n\s*\n+")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = dict(attrs).get("class") or ""
        if self._skip_depth:
            self._skip_depth += tag not in _VOID  # nested elements inside a skipped one
        elif tag in _SKIP or "gmail_quote" in classes:
            self._skip_depth = 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self._skip_depth:
            self._skip_depth -= tag not in _VOID
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.parts.append(data)


def to_plain_text(body: str) -> str:
    """Plain text of a message body (HTML or not), without quoted replies, whitespace tidied."""
    if _HTML_HINT.search(body):
        parser = _TextExtractor()
        parser.feed(body)
        parser.close()
        text = "".join(parser.parts)
    else:
        text = unescape(body)
    header = _REPLY_HEADER.search(text)
    if header:
        text = text[: header.start()]
    text = _QUOTED_LINE.sub("", text)
    text = _SPACES.sub(" ", text)
    return _BLANKS.sub("\n", text).strip()
