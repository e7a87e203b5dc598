"""Italian motivation cues: "perché", "così da", "ho scelto", "cercavo", "per poter", "mi è stato consigliato".

The same cue names as the English `MOTIVATION_PATTERNS` (voc.text.cues), as spaCy `Matcher` token patterns
on lower-cased tokens of spaCy's Italian tokenizer ("l'ho scelto" is "l'", "ho", "scelto"). Where it is cheap
they leave out the complaint readings: "perché" opening a question ("Perché mi avete addebitato…?", "vorrei
capire perché"), "non ho scelto", "sono passati tre giorni", "ho deciso di disdire", "il motivo per cui vi
scrivo", "sono rimasto in attesa perché".
"""

from __future__ import annotations

__all__ = ["ITALIAN_MOTIVATION_PATTERNS"]


def _any(*words: str) -> dict:
    return {"LOWER": words[0]} if len(words) == 1 else {"LOWER": {"IN": list(words)}}


def _none_of(*words: str) -> dict:
    return {"LOWER": {"NOT_IN": list(words)}}


_BECAUSE = ("perché", "perchè", "perche", "poiché", "poichè", "poiche", "siccome")
_HAVE = ("ho", "abbiamo", "avevo", "avevamo")
# Between the auxiliary and the participle: adverbs, never a negation.
_ADVERBS = {
    "LOWER": {"IN": ["sempre", "subito", "finalmente", "quindi", "infine", "poi", "già", "gia", "proprio", "anche",
                     "volutamente", "personalmente", "allora", "alla", "fine", "da", "tempo", "così", "cosi"]},
    "OP": "*",
}
_CHOSEN = ("scelto", "scelta", "scelti", "scelte", "optato", "preferito", "preferita")
_NEGATIONS = ("non", "mai", "né", "ne")
# Words before "perché" that make it "why": asking, not explaining.
_ASKING = ("ma", "e", "chiedo", "chiedere", "chiesto", "capisco", "capire", "sapere", "spiegare", "spiegato",
           "spiegarmi", "domando", "domandare", "dite", "ditemi", "capito", "motivo")
_MOTIVE_VERBS = (
    "scelto", "scelta", "scelgo", "resto", "rimango", "rimasto", "rimasta", "restato", "restata", "preferisco",
    "preferito", "uso", "utilizzo", "usato", "passato", "passata", "aperto", "sottoscritto", "abbonato", "abbonata",
    "comprato", "acquistato", "rinnovato", "rinnovo", "consiglio", "fido", "iscritto", "iscritta",
)
_QUIT = ("disdire", "annullare", "recedere", "lasciare", "chiudere", "reclamare", "protestare", "segnalare",
         "scrivere", "chiamare", "telefonare", "contattare", "restituire", "rimandare", "cancellare", "interrompere")
_PEOPLE = ("amico", "amica", "amici", "amiche", "collega", "colleghi", "vicino", "vicina", "famiglia", "sorella",
           "fratello", "mamma", "papà", "padre", "madre", "moglie", "marito", "compagno", "compagna", "figlio",
           "figlia", "capo", "qualcuno", "tutti", "parenti", "cugino", "cugina")

ITALIAN_MOTIVATION_PATTERNS: dict[str, list[list[dict]]] = {
    # "perché costa poco", "poiché", "siccome"; not "Perché mi avete…?" nor "vorrei capire perché"
    # a unit opening with "Perché …" answers a survey's "why?" unless it asks: it must end with . or ! before any ?
    "because": [
        [_none_of(*_ASKING, "?", ".", "!"), _any(*_BECAUSE)],
        [{"IS_SENT_START": True, "LOWER": {"IN": list(_BECAUSE)}}, {"ORTH": {"NOT_IN": ["?"]}, "OP": "*"},
         {"ORTH": {"IN": [".", "!"]}}],
        [_any("dato", "visto"), _any("che")],
    ],
    # "così da", "in modo da", "per poter", "affinché", "così posso"
    "so_that": [
        [_any("così", "cosi"), _any("da", "che")],
        [_any("in"), _any("modo"), _any("da", "che")],
        [_any("per"), _any("poter", "potere")],
        [_any("affinché", "affinchè", "affinche")],
        [_any("così", "cosi"), _any("posso", "possiamo", "potevo", "potrò", "potro")],
    ],
    # "ho scelto", "vi abbiamo scelto", "l'ho scelto", "ho optato per"; not "non ho scelto"
    "chose": [
        [{"IS_SENT_START": True, "LOWER": {"IN": list(_HAVE)}}, _ADVERBS, _any(*_CHOSEN)],
        [_none_of(*_NEGATIONS), _any(*_HAVE), _ADVERBS, _any(*_CHOSEN)],
        [{"IS_SENT_START": True, "LOWER": {"IN": ["scelgo", "sceglierei", "scegliamo"]}}],
        [_none_of(*_NEGATIONS), _any("scelgo", "sceglierei", "scegliamo")],
    ],
    # "cercavo", "stavo cercando", "ero alla ricerca di"
    "looking_for": [
        [_any("cercavo", "cercavamo")],
        [_any("stavo", "stavamo"), _any("cercando")],
        [_any("ero", "eravamo"), _any("alla"), _any("ricerca")],
    ],
    # "il motivo per cui ho scelto / resto", "il motivo principale", "la ragione per cui vi uso";
    # not "il motivo per cui vi scrivo"
    "reason": [
        [_any("motivo", "motivi", "ragione", "ragioni"), _any("per"), _any("cui"),
         {"LOWER": {"IN": ["ho", "abbiamo", "sono", "siamo", "vi", "l'", "li", "mi", "ci", "ancora"]}, "OP": "*"},
         _any(*_MOTIVE_VERBS)],
        [_any("motivo", "motivi", "ragione", "ragioni"), _any("principale", "principali", "decisivo", "decisiva")],
    ],
    # "ecco perché", "è per questo che", "per questo motivo ho scelto"
    "thats_why": [
        [_any("ecco"), _any(*_BECAUSE)],
        [_any("per"), _any("questo"), _any("che")],
    ],
    # "ho deciso di passare a voi"; not "ho deciso di disdire"
    "decided": [
        [_none_of(*_NEGATIONS), _any("ho", "abbiamo"), _ADVERBS, _any("deciso"), _any("di"), _none_of(*_QUIT)],
        [{"IS_SENT_START": True, "LOWER": {"IN": ["ho", "abbiamo"]}}, _ADVERBS, _any("deciso"), _any("di"), _none_of(*_QUIT)],
    ],
    # "sono passato a voi", "siamo passati da X"; not "sono passati tre giorni"
    "switched": [
        [_any("sono", "siamo"), _any("passato", "passata", "passati", "passate"),
         _any("a", "da", "con", "al", "alla", "ai", "dal", "dalla", "dai")],
        [_any("ho", "abbiamo"), _any("cambiato"), _any("gestore", "banca", "operatore", "fornitore", "compagnia")],
    ],
    # "volevo un conto che…", "cercavo qualcosa con…", "avevo bisogno di una banca che…"
    "wanted_something": [
        [_any("volevo", "volevamo", "desideravo", "serviva", "bisogno"), {"LOWER": "di", "OP": "?"},
         _any("un", "una", "uno", "qualcosa", "qualcuno", "un'"), {"IS_PUNCT": False, "OP": "{0,3}"},
         _any("che", "con", "dove", "senza")],
    ],
    # "mi ha convinto", "ciò che mi ha conquistato", "il punto di forza"
    "sold_me": [
        [_any("mi", "ci"), _any("ha", "hanno"), _any("convinto", "convinta", "convinti", "conquistato", "conquistata")],
        [_any("punto", "punti"), _any("di"), _any("forza")],
    ],
    # "grazie al prezzo", "grazie alla app"; not "grazie a voi / a tutti"
    "thanks_to": [
        [_any("grazie"), _any("a", "al", "alla", "ai", "alle", "all'", "agli"),
         _none_of("voi", "tutti", "tutte", "lei", "te", "tutto", "[NAME]", "chi", "quanti", "dio")],
    ],
    # "mi sono iscritto", "ci siamo abbonati", "mi sono registrato per / perché"
    "signed_up": [
        [_any("mi", "ci"), _any("sono", "siamo"), _any("iscritto", "iscritta", "iscritti", "abbonato", "abbonata", "abbonati")],
        [_any("mi", "ci"), _any("sono", "siamo"), _any("registrato", "registrata", "registrati"), _any("per", *_BECAUSE)],
    ],
    # "resto con voi perché", "sono rimasta perché"; not "sono rimasto in attesa perché"
    "stay_because": [
        [_any("resto", "rimango", "restiamo", "rimaniamo", "rimasto", "rimasta", "rimasti", "restato", "restata"),
         {"IS_PUNCT": False, "LOWER": {"NOT_IN": ["in", "attesa", "linea", "al", "senza", "bloccato", "bloccata"]},
          "OP": "{0,5}"}, _any(*_BECAUSE)],
    ],
    # "consigliato da un amico", "mi è stato consigliato", "su consiglio di", "passaparola", "mia sorella mi ha consigliato"
    "recommended": [
        [_any("consigliato", "consigliata", "consigliati", "raccomandato", "raccomandata", "suggerito", "suggerita"),
         _any("da", "dal", "dalla", "dai", "dalle", "dallo")],
        [_any("stato", "stata", "stati"), _any("consigliato", "consigliata", "consigliati", "raccomandato", "suggerito")],
        [_any("su"), _any("consiglio", "suggerimento", "raccomandazione"), _any("di", "del", "della", "dei", "delle")],
        [_any("passaparola")],
        [_any(*_PEOPLE), _any("mi", "ci"), _any("ha", "hanno"), _any("consigliato", "consigliata", "suggerito", "parlato")],
        [{"ORTH": "[NAME]"}, _any("mi", "ci"), _any("ha"), _any("consigliato", "consigliata", "suggerito")],
    ],
}
