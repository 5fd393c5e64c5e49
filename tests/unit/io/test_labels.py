"""Every code of the domain's vocabularies has a Chinese label, and back."""

import pytest

from api.io import labels
from domain.sheet import DEFAULT_SHEET
from domain.vocab import BASIC_SERVICES, Category, Channel, Mode, PayerLevel, ProviderKind


@pytest.mark.parametrize("mapping, codes", [
    (labels.CATEGORY, {c.value for c in Category}), (labels.MODE, {m.value for m in Mode}),
    (labels.CHANNEL, {c.value for c in Channel}), (labels.PAYER, {p.value for p in PayerLevel}),
    (labels.PROVIDER_KIND, {k.value for k in ProviderKind}), (labels.ITEM, set(BASIC_SERVICES)),
    (labels.SECTION, set(DEFAULT_SHEET.sections)), (labels.VETO, set(DEFAULT_SHEET.veto_items)),
])
def test_labels_cover_the_vocabulary_and_read_back(mapping, codes):
    assert set(mapping.canonical) == codes
    for code, label in mapping.canonical.items():
        assert mapping.code_of(label) == code and mapping.code_of(code) == code


def test_labels_are_distinct_so_a_label_names_one_code():
    for mapping in (labels.CATEGORY, labels.MODE, labels.CHANNEL, labels.PAYER, labels.ITEM, labels.SECTION):
        assert len(set(mapping.canonical.values())) == len(mapping.canonical)
