"""``tracking.redact``: a tracking URI's password never shows in a message."""

from __future__ import annotations

import pytest

from pipeline.tracking import redact

URI = "postgresql://mlflow:s3cret-pw@db.example:5432/mlflow"


def test_the_password_in_the_uri_is_masked() -> None:
    assert redact(f"MLflow tracking at {URI} failed", URI) == (
        "MLflow tracking at postgresql://mlflow:***@db.example:5432/mlflow failed")


def test_the_password_is_masked_wherever_it_shows() -> None:
    text = f"{URI}: authentication failed (password s3cret-pw rejected; retried with s3cret-pw)"
    assert redact(text, URI) == ("postgresql://mlflow:***@db.example:5432/mlflow: authentication failed "
                                 "(password *** rejected; retried with ***)")


def test_overlapping_occurrences_leave_no_part_of_the_password() -> None:
    uri = "postgresql://u:x:x@db/mlflow"  # the password is "x:x"
    assert redact("x:x:x@db", uri) == "***@db"


def test_a_password_made_of_stars_is_masked_once() -> None:
    uri = "postgresql://u:**@db/mlflow"
    assert redact(uri, uri) == "postgresql://u:***@db/mlflow"


@pytest.mark.parametrize("uri", ["sqlite:///mlflow.db", "http://127.0.0.1:5000", "postgresql://u@db/mlflow"])
def test_a_uri_without_a_password_leaves_the_text_alone(uri: str) -> None:
    assert redact(f"tracking at {uri} failed", uri) == f"tracking at {uri} failed"


def test_the_default_uri_is_the_tracking_uri(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLFLOW_TRACKING_URI", URI)
    assert redact(f"MLflow tracking at {URI}") == "MLflow tracking at postgresql://mlflow:***@db.example:5432/mlflow"
