"""Topic documents: lemmas without stop words, punctuation, numbers or placeholders, per language."""

import pytest

from voc.text.lemmas import dictionary_lemmas, lemmatize, load_lemmatizer, stop_words

ITALIAN = [
    "Le consegne arrivano sempre in ritardo e i pacchi erano bagnati.",
    "Gli operatori sono gentili ma i tempi di attesa sono lunghissimi.",
    "Ho ricevuto due bollette addebitate in ritardo, scrivete a [EMAIL] o a [NAME].",
    "La consegna è arrivata in ritardo.",
]


def test_italian_documents_are_dictionary_lemmas_without_italian_stop_words():
    lemmas = lemmatize(ITALIAN, load_lemmatizer("it"))
    assert lemmas.document(ITALIAN[0]) == "consegna arrivare ritardo pacco bagnato"
    assert lemmas.document(ITALIAN[3]) == "consegna arrivare ritardo"  # singular and plural meet
    second = lemmas.document(ITALIAN[1]).split()
    assert "operatore" in second and "tempo" in second  # "tempi di attesa": kept though spaCy lists "tempo"
    assert not {"gli", "sono", "ma", "di", "essere"} & set(second)


def test_placeholders_never_become_topic_words():
    for language, text in (("it", ITALIAN[2]), ("de", "Bitte an [EMAIL] oder [PHONE] schreiben, [NAME].")):
        words = lemmatize([text], load_lemmatizer(language)).document(text).split()
        assert not {"email", "name", "phone"} & set(words), words


def test_the_surface_of_a_lemma_is_the_most_frequent_wording():
    lemmas = lemmatize(ITALIAN, load_lemmatizer("it"))
    assert lemmas.surface("consegna arrivare", ITALIAN) in {"consegne arrivano", "consegna arrivata"}
    assert lemmas.surface("pacco", ITALIAN) == "pacchi"


def test_german_words_get_lemmas_too_and_unknown_words_stay_as_written():
    text = "Die Lieferungen kamen zu spät und der Kundendienst antwortete nie, zxqwv."
    words = lemmatize([text], load_lemmatizer("de")).document(text).split()
    assert "lieferung" in words and "zxqwv" in words and "die" not in words


def test_a_language_without_a_dictionary_keeps_lower_case_words():
    assert dictionary_lemmas("eu") is None and dictionary_lemmas("it") is not None
    text = "Bidalketa Berandu Iritsi zen"
    nlp = load_lemmatizer("eu")
    expected = [w.lower() for w in text.split() if w.lower() not in stop_words(nlp)]
    assert lemmatize([text], nlp).document(text).split() == expected and "berandu" in expected


@pytest.mark.slow
def test_english_keeps_its_model_lemmas_and_drops_placeholders():
    text = "I spoke to [NAME] about the bills, call me on [PHONE]."
    assert lemmatize([text], load_lemmatizer("en")).document(text) == "speak bill"
