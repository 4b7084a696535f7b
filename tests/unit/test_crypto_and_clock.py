"""Encrypted fields, key wrapping and the hybrid logical clock."""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from sync.clock import HybridClock, Stamp
from webapp.crypto import CryptoError, FieldCipher, NodeKey, new_data_key


def test_a_field_decrypts_only_for_its_own_record():
    cipher = FieldCipher(new_data_key())
    blob = cipher.encrypt("record-1", {"name": "Noor"})
    assert cipher.decrypt("record-1", blob) == {"name": "Noor"}
    with pytest.raises(CryptoError):
        cipher.decrypt("record-2", blob)  # a ciphertext moved to another row is refused


def test_another_familys_key_cannot_read_a_field():
    blob = FieldCipher(new_data_key()).encrypt("r", "Sam")
    with pytest.raises(CryptoError):
        FieldCipher(new_data_key()).decrypt("r", blob)


def test_a_wrapped_family_key_unwraps_only_for_that_family_and_node():
    node, other = NodeKey(b"k" * 32), NodeKey(b"o" * 32)
    data_key = new_data_key()
    wrapped = node.wrap("family-a", data_key)
    assert node.unwrap("family-a", wrapped) == data_key
    with pytest.raises(CryptoError):
        node.unwrap("family-b", wrapped)
    with pytest.raises(CryptoError):
        other.unwrap("family-a", wrapped)


def test_lookup_hashes_depend_on_purpose_and_node():
    node = NodeKey(b"k" * 32)
    assert node.lookup_hash("login", "fatima") == node.lookup_hash("login", "fatima")
    assert node.lookup_hash("login", "fatima") != node.lookup_hash("professional", "fatima")
    assert node.lookup_hash("login", "fatima") != NodeKey(b"o" * 32).lookup_hash("login", "fatima")


def test_clock_never_goes_back_when_the_wall_clock_does():
    wall = iter([1000, 900, 900, 1100])
    clock = HybridClock("n1", wall_ms=lambda: next(wall))
    stamps = [clock.now() for _ in range(4)]
    assert stamps == sorted(stamps) and len(set(stamps)) == 4


def test_clock_orders_after_a_stamp_it_observed():
    clock = HybridClock("n1", wall_ms=lambda: 1000)
    clock.observe(Stamp(5000, 3, "n2"))
    assert (clock.now().physical_ms, clock.now().counter) > (5000, 3)


@given(st.integers(0, 10**13 - 1), st.integers(0, 999_999), st.integers(0, 10**13 - 1), st.integers(0, 999_999))
def test_comparing_stamp_text_compares_the_clocks(p1, c1, p2, c2):
    a, b = Stamp(p1, c1, "x"), Stamp(p2, c2, "x")
    assert (str(a) < str(b)) == ((p1, c1) < (p2, c2))
    assert Stamp.parse(str(a)) == a


@pytest.mark.parametrize("text", ["", "12-1-x", "0000000001000-000001-", "abc"])
def test_a_malformed_clock_value_is_refused(text):
    with pytest.raises(ValueError):
        Stamp.parse(text)
