"""Language identification: lingua on the candidate languages, with a fallback for short or unsure texts."""

import subprocess
import sys

import pytest

from voc.text.language import DEFAULT_LANGUAGES, Detected, detect_languages, load_detector

from language_samples import SAMPLES, SHORT, UNSURE


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_sentences_of_each_candidate_language_are_recognised(language):
    found = detect_languages(SAMPLES[language], "en")
    right = [d.language == language for d in found]
    assert sum(right) >= len(right) - 1, [(t, d) for t, d in zip(SAMPLES[language], found, strict=True)]
    assert all(d.confidence is None or 0.5 <= d.confidence <= 1.0 for d in found)


def test_accuracy_over_the_whole_test_set_short_sentences_included():
    texts = [t for group in (SAMPLES, SHORT) for lang in group for t in group[lang]]
    gold = [lang for group in (SAMPLES, SHORT) for lang in group for _ in group[lang]]
    found = detect_languages(texts, "xx", min_confidence=0.0)
    assert sum(d.language == g for d, g in zip(found, gold, strict=True)) / len(gold) >= 0.97


def test_short_or_bare_texts_take_the_fallback_with_no_confidence():
    found = detect_languages([*UNSURE, "", None, "[NAME] [EMAIL] [PHONE]"], "it")
    assert found == [Detected("it", None)] * (len(UNSURE) + 3)
    assert detect_languages(["ok", "Mai più."], ["de", "fr"]) == [Detected("de", None), Detected("fr", None)]


def test_below_the_confidence_threshold_the_fallback_stands():
    text = "Il tecnico non si è mai presentato all'appuntamento."
    sure = detect_languages([text], "en")[0]
    assert sure.language == "it" and sure.confidence > 0.9
    assert detect_languages([text], "en", min_confidence=0.999) == [Detected("en", None)]


def test_placeholders_are_not_read_as_english():
    # "[NAME] [EMAIL]" would be English words; left out, the text is clearly Italian
    found = detect_languages(["Grazie [NAME], ho ricevuto la [EMAIL] con la fattura di marzo."], "en")[0]
    assert found.language == "it" and found.confidence is not None


def test_results_do_not_depend_on_the_batch_nor_on_repeats():
    texts = SAMPLES["it"][:5] + SAMPLES["en"][:5]
    alone = [detect_languages([t], "en")[0] for t in texts]
    assert detect_languages(texts + texts, "en") == alone + alone


def test_long_texts_are_detected_too_and_only_their_beginning_is_read():
    long_it = " ".join(SAMPLES["it"])
    found = detect_languages([long_it, long_it[:1000] + " " + " ".join(SAMPLES["en"]) * 3], "en")
    assert [d.language for d in found] == ["it", "it"]


def test_a_fallback_per_text_must_match_the_texts():
    with pytest.raises(ValueError, match="2 texts but 1 fallback"):
        detect_languages(["a", "b"], ["en"])


def test_the_detector_is_cached_per_candidates_and_mode_and_checks_its_languages():
    assert load_detector(DEFAULT_LANGUAGES) is load_detector(DEFAULT_LANGUAGES)
    assert load_detector(("en", "it"), "low") is not load_detector(("en", "it"), "high")
    with pytest.raises(ValueError, match="at least two"):
        load_detector(("en",))
    with pytest.raises(ValueError, match="does not detect language 'xx'"):
        load_detector(("en", "xx"))


def test_only_the_candidate_languages_are_answered():
    found = detect_languages(SAMPLES["de"], "en", languages=("en", "it"), min_confidence=0.0)
    assert {d.language for d in found} <= {"en", "it"}


def test_importing_voc_loads_no_language_models():
    code = "import sys, voc, voc.text.prepare; print('lingua' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
