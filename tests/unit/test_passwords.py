"""The password policy."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from accounts.passwords import (
    LIKE_ACCOUNT,
    MAX_LENGTH,
    MIN_LENGTH,
    TOO_COMMON,
    TOO_LONG,
    TOO_SHORT,
    hash_password,
    password_problems,
    verify_password,
)


def test_a_good_passphrase_passes():
    assert password_problems("tea with lychee at noon", email="li@x.example") == []


def test_each_rule():
    assert password_problems("Abc12!") == [TOO_SHORT]
    assert password_problems("x" * (MAX_LENGTH + 1)) == [TOO_LONG]
    assert password_problems("PassWord123") == [TOO_COMMON]
    assert password_problems("woaini1314") == [TOO_COMMON]
    assert password_problems("li.ming.pmo", email="li.ming.pmo@x.example") == [LIKE_ACCOUNT]
    assert password_problems("Zhang Xiaoming", display_name="zhang xiaoming") == [LIKE_ACCOUNT]


@given(st.text(max_size=MIN_LENGTH - 1))
def test_anything_shorter_than_the_minimum_is_too_short(password):
    assert TOO_SHORT in password_problems(password)


@given(st.text(min_size=MIN_LENGTH, max_size=64).filter(lambda p: p.strip() == p))
def test_length_alone_never_refuses_a_password_in_range(password):
    problems = password_problems(password)
    assert TOO_SHORT not in problems
    assert TOO_LONG not in problems


def test_hashes_are_salted_and_verify():
    first = hash_password("same passphrase", "pbkdf2:sha256:1000")
    second = hash_password("same passphrase", "pbkdf2:sha256:1000")
    assert first != second
    assert verify_password(first, "same passphrase")
    assert not verify_password(first, "other passphrase")
    assert hash_password("x" * 20).startswith("scrypt:")
