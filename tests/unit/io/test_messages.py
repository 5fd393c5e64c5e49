"""An import error as the user reads it: a Chinese sentence (``zh``), and an English one (``en``,
the web page under ?lang=en) for every error the domain, the cells and the scope check raise."""

from __future__ import annotations

import re

import pytest

from api.errors import Forbidden
from api.io import cells
from api.io.cells import CellError
from api.io.messages import en, sentence, zh
from domain.errors import ConflictError, NotFoundError, RuleViolation, ValidationError


@pytest.mark.parametrize("error, english", [
    (NotFoundError("community_code", "exists", "no community with code 'C-404'"),
     "Community 'C-404' does not exist: check the code (or import the community first)."),
    (NotFoundError("cycle", "exists", "no rating cycle with code 'RC-9'"),
     "Rating cycle 'RC-9' does not exist: check the code (or import the rating cycle first)."),
    (RuleViolation("code", "unique", "a provider with code '9112' already exists"),
     "Provider '9112' is already registered and cannot be registered again."),
    (Forbidden("community_code", "own_street", "X-001 is on street 辛庄镇"),
     "You may only enter records for the communities of your own street (X-001 is on 辛庄镇)."),
    (Forbidden("community_code", "own_street", "street of 双港镇 may not act on community X-001 of street 辛庄镇"),
     "You may only enter records for the communities of your own street (X-001 is on 辛庄镇)."),
    (CellError("month", "required", "is required", "此项必填。"), "Required: this cell is empty."),
    (CellError("resolution", "required", "is required when 是否属实 (substantiated) is given", "…"),
     "Required when 是否属实 (substantiated) is given."),
    (ValidationError("households_paid", "within_billed", "cannot exceed households_billed"),
     "Cannot exceed households_billed."),
    (ConflictError("community C-001", -1, 3),
     "Someone else changed the same records at the same time: import the file again."),
    (RuleViolation("idempotency_key", "same_command", "this key was used for a, not b; use a new key"),
     "This row was imported before as another operation: check whether the file was changed."),
])
def test_english_sentences(error, english) -> None:
    assert en(error) == english


@pytest.mark.parametrize("parse, value", [
    (cells.integer, "abc"), (cells.number, "x"), (cells.money, "1.234"), (cells.money, "十元"), (cells.day, "昨天"),
    (cells.month, "2024-13"), (cells.quarter, "2024-Q5"), (cells.passed, "也许"), (cells.yes_no, "也许"),
])
def test_every_cell_error_has_an_english_sentence_without_chinese_but_the_value(parse, value) -> None:
    with pytest.raises(CellError) as caught:
        parse(value, "field")
    english = en(caught.value)
    assert english[0].isupper() or english[0] in "'0123456789", english
    assert english.endswith(".") and not re.search(r"[\u4e00-\u9fff]", english.replace(value, "")), english
    assert zh(caught.value) == caught.value.zh


def test_sentence_makes_a_message_a_sentence() -> None:
    assert sentence("must be ≥ 0") == "Must be ≥ 0." and sentence("Done.") == "Done." and sentence("") == ""

