"""Italian motivation cues, applied to the texts whose language is Italian."""

import pytest

from voc.text.cues import cue_names, motivation_cues

POSITIVES = [
    ("Vi ho scelto perché le commissioni sono basse.", {"chose", "because"}),
    ("Perché il servizio è ottimo e veloce.", {"because"}),
    ("Ho pagato con la app così da non fare la fila.", {"so_that"}),
    ("Ho attivato l'opzione per poter chiamare all'estero.", {"so_that"}),
    ("Alla fine l'ho scelto io.", {"chose"}),
    ("Ho scelto voi dopo aver confrontato tre banche.", {"chose"}),
    ("Cercavo una banca senza canone.", {"looking_for"}),
    ("Volevo un conto che costasse poco.", {"wanted_something"}),
    ("Stavo cercando un'offerta per la fibra.", {"looking_for"}),
    ("Il motivo per cui resto è l'assistenza.", {"reason"}),
    ("Ecco perché vi consiglio a tutti.", {"thats_why"}),
    ("Sono passato a voi da un altro gestore.", {"switched"}),
    ("Ho deciso di aprire il conto online.", {"decided"}),
    ("Quello che mi ha convinto è il prezzo.", {"sold_me"}),
    ("Grazie alla app gestisco tutto dal telefono.", {"thanks_to"}),
    ("Mi sono abbonato per le partite.", {"signed_up"}),
    ("Rimango con voi perché non ho mai avuto problemi.", {"stay_because"}),
    ("Mi è stato consigliato da un collega.", {"recommended"}),
    ("Mia sorella mi ha consigliato questo conto.", {"recommended"}),
    ("Vi ho conosciuto con il passaparola.", {"recommended"}),
]

NEGATIVES = [
    "Perché mi avete addebitato due volte?",
    "Vorrei capire perché il rimborso non arriva.",
    "Non ho scelto io questa tariffa.",
    "Sono passati tre giorni e nessuno risponde.",
    "Ho deciso di disdire il contratto.",
    "Il motivo per cui vi scrivo è una fattura sbagliata.",
    "Grazie a tutti per niente.",
    "La consegna è arrivata in ritardo.",
    "Perché nessuno risponde al telefono? Assurdo.",
]


@pytest.mark.parametrize(("text", "cues"), POSITIVES)
def test_italian_motivation_cues_are_found_in_italian_texts(text, cues):
    assert motivation_cues([text], ["it"]).tolist() == [True]
    assert cues <= set(cue_names([text], ["it"])[0]), cue_names([text], ["it"])


@pytest.mark.parametrize("text", NEGATIVES)
def test_italian_complaint_readings_are_no_cues(text):
    assert motivation_cues([text], ["it"]).tolist() == [False], cue_names([text], ["it"])


def test_waiting_because_is_only_the_generic_because_cue():
    # like "I stayed on hold because" in English: "because" is evidence, weighed with sentiment by the caller
    assert cue_names(["Sono rimasto in attesa perché nessuno rispondeva."], ["it"]) == [["because"]]


def test_each_text_is_matched_with_the_cues_of_its_own_language():
    texts = ["Vi ho scelto perché costa poco.", "I chose you because it is cheap.", "Ich habe euch gewählt, weil es billig ist."]
    assert motivation_cues(texts, ["it", "en", "de"]).tolist() == [True, True, False]  # no German patterns
    assert motivation_cues(texts[:2], ["en", "it"]).tolist() == [False, False]  # the other language's words
    assert motivation_cues(texts[1:2]).tolist() == [True]  # without languages: English, as before
    assert motivation_cues(texts, [None, "en", "de"]).tolist() == [False, True, False]  # None: English


def test_languages_must_be_one_per_text():
    with pytest.raises(ValueError, match="one language per text"):
        motivation_cues(["Vi ho scelto.", "Cercavo voi."], ["it"])
    with pytest.raises(ValueError, match="one language per text"):
        motivation_cues(["Vi ho scelto."], "it")
