import pytest

from renderowl.api.auth import bearer_token
from renderowl.errors import UnauthorizedError
from renderowl.ids import new_id
from renderowl.store.owners import generate_token, hash_token


def test_tokens_are_prefixed_random_and_hashed_deterministically() -> None:
    first, second = generate_token(), generate_token()
    assert first.startswith("ro_") and second.startswith("ro_")
    assert first != second
    assert len(first) >= 40
    assert hash_token(first) == hash_token(first)
    assert hash_token(first) != hash_token(second)
    assert first.encode() not in hash_token(first)


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({}, "AUTH_MISSING"),
        ({"Authorization": ""}, "AUTH_MISSING"),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, "AUTH_MALFORMED"),
        ({"Authorization": "Bearer "}, "AUTH_MALFORMED"),
    ],
)
def test_bearer_token_refuses_missing_or_malformed_headers(headers: dict[str, str], code: str) -> None:
    with pytest.raises(UnauthorizedError) as excinfo:
        bearer_token(headers)
    assert excinfo.value.code == code


def test_bearer_token_reads_header_case_insensitively() -> None:
    assert bearer_token({"authorization": "bearer ro_abc"}) == "ro_abc"


def test_ids_sort_by_creation_time() -> None:
    older = new_id("render", now_ms=1_700_000_000_000)
    newer = new_id("render", now_ms=1_700_000_000_001)
    assert older.startswith("rnd_") and len(older) == 30
    assert older < newer
