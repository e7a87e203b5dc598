"""Motivation cues: phrases with which customers give a reason or a goal ("because", "I chose", "what sold me").

A cue is evidence, not a verdict: complaints say "because" too. `motivation_cues` returns one flag per text
and the caller weighs it together with sentiment when it types a topic as a motivation. The patterns are
spaCy `Matcher` token patterns on lower-cased tokens, all in `MOTIVATION_PATTERNS`; where it is cheap they
leave out the complaint readings of a phrase ("I picked up the phone", "I didn't choose", "the reason I'm
calling", "I stayed on hold because", "decided to cancel", "my plan was switched to").

Italian cues (same names) are in voc.text.cues_it; a text is matched with the cues of its language, given
per text (English when no languages are given; no cues for a language without patterns).

Only spaCy's tokenizer of the language runs (no model, no pipeline components); it is built on first use and
cached per process, so importing this module does not import spaCy. A text only goes to the matchers of the cues
whose anchor words it has (see `_load`). Throughput of `motivation_cues`, one CPU core, 20,000 synthetic
sentences of 6-14 tokens, 57% with a cue: about 35,000 texts/s (`cue_names`, which looks for every cue:
about 28,000/s); 5-6-token complaints with no cue word: about 150,000 texts/s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from voc.text.redact import PLACEHOLDERS

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.matcher import Matcher
    from spacy.tokens import Doc

__all__ = ["CUE_LANGUAGES", "MOTIVATION_PATTERNS", "cue_names", "motivation_cues"]


def _any(*words: str) -> dict:
    """A token whose lower-cased text is one of `words` (a plain value for one word: spaCy checks it faster)."""
    return {"LOWER": words[0]} if len(words) == 1 else {"LOWER": {"IN": list(words)}}


def _none_of(*words: str) -> dict:
    """A token that is none of `words` (it must exist: the pattern does not match at the end of a text)."""
    return {"LOWER": {"NOT_IN": list(words)}}


# Word lists shared by several cues. Straight and curly apostrophes are both spelled out.
_SUBJECT = _any("i", "we")
# Between the subject and the verb: auxiliaries and adverbs, never a negation ("I didn't choose" is no cue).
_AUX = {
    "LOWER": {
        "IN": [
            "have", "'ve", "’ve", "had", "'d", "’d", "did", "do", "am", "'m", "’m", "was", "were", "are", "'re",
            "’re", "been", "be", "just", "finally", "eventually", "originally", "ultimately", "initially", "first",
            "actually", "really", "also", "then", "recently", "always", "personally", "honestly", "only", "mainly",
            "specifically", "deliberately", "happily", "still", "both", "all", "ended", "up",
        ]
    },
    "OP": "*",
}
_CHOOSE = ("choose", "chose", "chosen", "choosing", "chooses")
_PICK = ("pick", "picked", "picking", "picks")
_MOTIVE_VERB = _any(
    *_CHOOSE, *_PICK, "stay", "stayed", "staying", "stick", "stuck", "sticking", "join", "joined", "joining",
    "sign", "signed", "signing", "switch", "switched", "switching", "use", "used", "using", "buy", "bought",
    "buying", "come", "came", "coming", "move", "moved", "moving", "go", "went", "renew", "renewed", "renewing",
    "subscribe", "subscribed", "keep", "kept", "open", "opened", "trust", "trusted", "became", "become", "decided",
    "opted", "recommend", "recommended",
)
_MOTIVE_GERUND = _any(
    "choosing", "picking", "joining", "switching", "staying", "sticking", "signing", "buying", "using", "moving",
    "renewing", "subscribing", "opening", "going", "coming",
)
_BECAUSE = ("because", "'cause", "’cause", "cuz", "coz")
_STAY = (
    "stay", "stayed", "staying", "stays", "remain", "remained", "remaining", "stick", "stuck", "sticking", "renew", "renewed",
    "renewing",
)
_SWITCH = ("switch", "switched", "switching", "switches")
_PEOPLE = (
    "friend", "friends", "colleague", "colleagues", "coworker", "coworkers", "co-worker", "neighbour", "neighbor",
    "family", "sister", "brother", "mum", "mom", "dad", "father", "mother", "wife", "husband", "partner", "son",
    "daughter", "boss", "someone", "everyone", "everybody", "people",
)

MOTIVATION_PATTERNS: dict[str, list[list[dict]]] = {
    # "because", "because of", "'cause", "cuz"
    "because": [[_any(*_BECAUSE)]],
    # a goal: "so that", "in order to", "so I can" (not "so I can't": `ca` is not a modal here, `n't` is refused)
    "so_that": [
        [_any("so"), _any("that"), _none_of("'s", "’s", "is", "was")],
        [_any("in"), _any("order"), _any("to")],
        [_any("so"), _SUBJECT, _any("can", "could", "would", "will", "'ll", "’ll", "'d", "’d"),
         _none_of("n't", "’t", "not", "never")],
    ],
    # "I chose", "we have chosen", "I ended up choosing", "I opted for"
    "chose": [
        [_SUBJECT, _AUX, _any(*_CHOOSE)],
        [_SUBJECT, _AUX, _any("opt", "opted", "opting"), _any("for", "to")],
    ],
    # "I picked you" but not "I picked up the phone"
    "picked": [[_SUBJECT, _AUX, _any(*_PICK), _none_of("up")]],
    # "we went with you" but not "I went with my wife"
    "went_with": [
        [_SUBJECT, _AUX, _any("go", "went", "gone", "going"), _any("with"),
         _none_of("my", "his", "her", "our", "their", "him", "me", "us", "friends", "family")],
    ],
    # "I was looking for", "we'd been searching for", "I was shopping around for"
    "looking_for": [
        [_SUBJECT, _AUX, _any("look", "looking", "looked", "search", "searching", "searched", "shop", "shopping", "shopped"),
         {"LOWER": "around", "OP": "?"}, _any("for")],
    ],
    # "the reason (why) I chose / stay / joined", "main reason is …", "the reason for choosing";
    # not "the reason I'm calling" nor "the main reason for my complaint"
    "reason": [
        [_any("reason", "reasons"), {"LOWER": "why", "OP": "?"}, _SUBJECT, _AUX, _MOTIVE_VERB],
        [_any("main", "biggest", "primary", "key", "major", "top", "deciding"), _any("reason", "reasons", "factor"),
         _none_of("for", "i", "we", "why")],
        [_any("reason", "reasons", "factor"), _any("for"), _MOTIVE_GERUND],
        [_any("reason", "reasons"), _any("for"), _any("my", "our"), _any("choice", "decision", "loyalty")],
    ],
    # "that's why", "which is why", "this is the reason"
    "thats_why": [
        [_any("that", "this", "which"), _any("'s", "’s", "is", "was"), _any("why")],
        [_any("that", "this"), _any("'s", "’s", "is", "was"), _any("the"), _any("reason")],
    ],
    # "I decided to go with you", "we decided on", "made the decision to"; not "decided to cancel / complain"
    "decided": [
        [_SUBJECT, _AUX, _any("decide", "decided", "deciding"), _any("to", "on", "upon"),
         _none_of("cancel", "leave", "close", "complain", "quit", "stop", "end", "terminate", "report", "escalate",
                  "unsubscribe", "return", "dispute", "write", "call", "contact", "email", "phone", "ring")],
        [_any("made", "make", "making"), _any("the", "a", "my", "our"), _any("decision"), _any("to", "because")],
    ],
    # "switched from X", "switching to you", "made the switch", "came over from";
    # not "my plan was switched to", "can you switch to", "I want to switch to"
    "switched": [
        [{"IS_SENT_START": True, "LOWER": {"IN": list(_SWITCH)}}, _any("to", "from", "over")],
        [_none_of("was", "were", "been", "be", "being", "is", "are", "got", "get", "gets", "'s", "’s", "you", "to",
                  "n't", "’t", "not", "cannot", "can", "could", "please", "automatically", "silently"),
         _any(*_SWITCH), _any("to", "from", "over")],
        [_any("made", "make", "making"), _any("the"), _any("switch", "move", "jump")],
        [_any("came", "come", "coming", "moved", "moving"), _any("over", "across"), _any("from")],
    ],
    # "I wanted something that just works", "we needed a bank with …"; not "I need someone to call me back"
    "wanted_something": [
        [_any("want", "wanted", "wanting", "wants", "need", "needed", "needing", "needs"),
         _any("something", "someone", "somebody", "somewhere", "a", "an"),
         {"IS_PUNCT": False, "OP": "{0,3}"}, _any("that", "which", "who", "with", "where")],
    ],
    # "what sold me", "sold me on", "what drew me", "what made me choose", "won me over", "the selling point"
    "sold_me": [
        [_any("what"), _any("sold", "drew", "attracted", "convinced", "won", "brought"), _any("me", "us")],
        [_any("sold"), _any("me", "us"), _any("on")],
        [_any("what"), _any("made", "makes"), _any("me", "us"), _MOTIVE_VERB],
        [_any("won", "win", "wins"), _any("me", "us"), _any("over")],
        [_any("selling"), _any("point", "points")],
    ],
    "thanks_to": [[_any("thanks"), _any("to")]],
    # "I signed up for", "we signed-up", "I joined because", "I subscribed to get …"; not "I joined the queue"
    "signed_up": [
        [_SUBJECT, _AUX, _any("sign", "signed", "signing"), {"ORTH": "-", "OP": "?"}, _any("up")],
        [_SUBJECT, _AUX, _any("join", "joined", "subscribe", "subscribed", "register", "registered", "enrol", "enroll",
                              "enrolled"), _any(*_BECAUSE, "for", "to", "so", "since")],
    ],
    # "I stay because", "we've stuck with you for years because"; not "I stayed on hold because"
    "stay_because": [
        [_SUBJECT, _AUX, _any(*_STAY),
         {"IS_PUNCT": False, "LOWER": {"NOT_IN": ["hold", "line", "waiting", "in"]}, "OP": "{0,5}"}, _any(*_BECAUSE)],
    ],
    # "recommended by a friend", "my sister recommended you", "[NAME] told me", "on a friend's recommendation",
    # "word of mouth", "referred by"
    "recommended": [
        [_any("recommended", "referred", "recommendation", "recommendations", "referral"), _any("by", "from")],
        [_any("recommended", "referred"), _any("to"), _any("me", "us")],
        [{"LOWER": {"IN": list(_PEOPLE)}}, _any("recommended", "referred", "suggested", "recommends")],
        [{"ORTH": PLACEHOLDERS["person"]}, _any("recommended", "referred", "suggested", "recommends")],
        [_any(*_PEOPLE), _any("'s", "’s", "'"), _any("recommendation", "referral", "suggestion", "advice")],
        [_any("on"), _any("the", "a", "my", "our", "their", "his", "her"), _any("recommendation", "recommendations", "advice")],
        [_any("word"), {"ORTH": "-", "OP": "?"}, _any("of"), {"ORTH": "-", "OP": "?"}, _any("mouth")],
    ],
}


CUE_LANGUAGES = ("en", "it")  # languages with motivation patterns


def _patterns(language: str) -> dict[str, list[list[dict]]]:
    if language == "it":
        from voc.text.cues_it import ITALIAN_MOTIVATION_PATTERNS  # noqa: PLC0415

        return ITALIAN_MOTIVATION_PATTERNS
    return MOTIVATION_PATTERNS


@dataclass(frozen=True)
class _Cues:
    """The tokenizer, one Matcher per cue, and the words that let a cue's matcher be skipped when absent."""

    nlp: Language
    matchers: dict[str, Matcher]
    anchors: dict[int, tuple[str, ...]]  # LOWER hash of a word -> the cues with a pattern that needs it
    always: tuple[str, ...]  # cues with a pattern that needs no particular word: run on every text


@lru_cache(maxsize=len(CUE_LANGUAGES))
def _load(language: str = "en") -> _Cues:
    """spaCy's blank tokenizer of `language` and its cue matchers; built once per process and language.

    Running spaCy's Matcher costs about (patterns x tokens), so each text only goes to the matchers of the
    cues whose anchor words it contains: one required word list per pattern, the one with the fewest stop
    words ("chose" rather than "I"). The result is the same as one Matcher with every pattern.
    """
    import spacy
    from spacy.matcher import Matcher
    from spacy.symbols import ORTH

    nlp = spacy.blank(language)
    stop_words = nlp.Defaults.stop_words
    for placeholder in PLACEHOLDERS.values():  # "[NAME] recommended you": the placeholder is one token
        nlp.tokenizer.add_special_case(placeholder, [{ORTH: placeholder}])
    matchers: dict[str, Matcher] = {}
    anchors: dict[int, set[str]] = {}
    always: set[str] = set()
    for name, patterns in _patterns(language).items():
        matchers[name] = Matcher(nlp.vocab, validate=True)
        matchers[name].add(name, patterns)
        for pattern in patterns:
            words = _anchor(pattern, stop_words)
            if words is None:
                always.add(name)
            for word in words or ():
                anchors.setdefault(nlp.vocab.strings.add(word), set()).add(name)
    return _Cues(nlp, matchers, {h: tuple(sorted(names)) for h, names in anchors.items()}, tuple(sorted(always)))


def _anchor(pattern: list[dict], stop_words: set[str]) -> list[str] | None:
    """Words one of which every match of `pattern` contains: the required LOWER token with the rarest words.

    None when no token is both required and a positive LOWER test (the cue then runs on every text).
    """
    required = []
    for token in pattern:
        lower = token.get("LOWER")
        if token.get("OP", "1") not in ("1", "+"):
            continue
        if isinstance(lower, str):
            required.append([lower])
        elif isinstance(lower, dict) and set(lower) == {"IN"}:
            required.append(list(lower["IN"]))

    def commonness(words: list[str]) -> tuple[float, int, int]:
        return sum(w in stop_words for w in words) / len(words), len(words), -min(map(len, words))

    return min(required, key=commonness) if required else None


def _cues_in(doc: Doc, cues: _Cues, first_only: bool) -> list[str]:
    candidates = set(cues.always)
    for token in doc:
        candidates.update(cues.anchors.get(token.lower, ()))
    found = []
    for name in sorted(candidates):
        if cues.matchers[name](doc):
            found.append(name)
            if first_only:
                break
    return found


def _check(texts: list[str], languages: Sequence[str | None] | None, batch_size: int) -> list[str]:
    bad = next((i for i, text in enumerate(texts) if not isinstance(text, str)), None)
    if bad is not None:
        raise TypeError(
            f"motivation cues expect a list of str; item {bad} is {type(texts[bad]).__name__}: "
            "pass texts with nulls dropped or filled with an empty string"
        )
    if batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size}")
    if languages is None:
        return ["en"] * len(texts)
    if isinstance(languages, str) or len(languages) != len(texts):
        raise ValueError(f"languages must be a list with one language per text ({len(texts)} texts), got {languages!r}")
    return [language or "en" for language in languages]


def _each(texts: list[str], languages: Sequence[str | None] | None, batch_size: int, first_only: bool) -> list[list[str]]:
    """The cues found in each text, in the order of `texts`; each language's texts in one tokenizer pass."""
    per_text = _check(texts, languages, batch_size)
    found: list[list[str]] = [[] for _ in texts]
    for language in dict.fromkeys(per_text):
        if language not in CUE_LANGUAGES:
            continue
        cues = _load(language)
        positions = [i for i, lang in enumerate(per_text) if lang == language]
        docs = cues.nlp.tokenizer.pipe([texts[i] for i in positions], batch_size=batch_size)
        for i, doc in zip(positions, docs, strict=True):
            found[i] = _cues_in(doc, cues, first_only)
    return found


def motivation_cues(texts: list[str], languages: Sequence[str | None] | None = None, batch_size: int = 1000) -> np.ndarray:
    """One bool per text: True when it has at least one motivation cue of its language (`languages`: one ISO
    639-1 code per text, e.g. units' `language`; None: all English). Empty texts, and texts in a language
    without cue patterns, have none."""
    flags = (bool(names) for names in _each(texts, languages, batch_size, first_only=True))
    return np.fromiter(flags, dtype=bool, count=len(texts))


def cue_names(texts: list[str], languages: Sequence[str | None] | None = None, batch_size: int = 1000) -> list[list[str]]:
    """For each text, the names of the cues (keys of `MOTIVATION_PATTERNS`) it matched: sorted, unique."""
    return _each(texts, languages, batch_size, first_only=False)
