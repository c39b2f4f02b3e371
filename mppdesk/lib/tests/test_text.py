import pytest
from hypothesis import given
from hypothesis import strategies as st

from mppdesk.lib.text import fold, name_tokens


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("José  Pérez", "jose perez"),
        ("JOSÉ PÉREZ", "jose perez"),
        ("Muñoz", "munoz"),
        ("Françoise", "francoise"),
        ("O'Brien-Smith", "o brien smith"),
        ("first_name", "first name"),
        ("  tabs\tand\nnewlines ", "tabs and newlines"),
        ("Straße", "strasse"),
        ("Łódź", "lodz"),
        ("Søren", "soren"),
        ("Œuvre", "oeuvre"),
        ("Kʼicheʼ", "k iche"),
        ("Nº 5", "no 5"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold(raw, folded):
    assert fold(raw) == folded


def test_name_tokens_are_folded_deduplicated_and_ordered():
    assert name_tokens("José María", "Pérez  López", "maria") == ["jose", "maria", "perez", "lopez"]
    assert name_tokens("", "  ") == []


@given(st.text())
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


def test_fold_lowers_scripts_whose_casefold_is_upper_case():
    # str.casefold maps Cherokee to its upper-case letters (Unicode's choice for
    # stability); folding must still give lower case.
    assert fold("Ꭰ") == fold("ꭰ") == "ꭰ"


@given(st.text())
def test_fold_output_is_lowercase_single_spaced(text):
    folded = fold(text)
    assert folded == folded.strip()
    assert "  " not in folded
    assert folded == folded.lower()
