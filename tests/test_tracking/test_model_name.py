"""Registered model names are the learner's own on a shared server."""

from __future__ import annotations

from mlcourse.tracking import learner_slug, model_name


def test_model_name_carries_the_learner_slug():
    assert model_name("wine", "ada.lovelace") == "wine-ada_dlovelace"
    assert model_name("wine", "grace+hopper@x") == "wine-grace_phopper_ax"
    assert model_name("wine", "bo_b") == "wine-bo__b"


def test_model_name_without_a_learner_is_local(monkeypatch, tmp_path):
    monkeypatch.delenv("MLCOURSE_LEARNER", raising=False)
    monkeypatch.setattr("mlcourse.tracking._identity.course_root", lambda: tmp_path)
    assert model_name("wine") == "wine-local"
    monkeypatch.setenv("MLCOURSE_LEARNER", "bo")
    assert model_name("wine") == "wine-bo"


def test_names_that_differ_never_share_a_slug():
    names = [
        "ada.lovelace",
        "ada-lovelace",
        "ada+lovelace",
        "ada@lovelace",
        "ada_lovelace",
        "ada_dlovelace",
        "ada__lovelace",
        "ada_.lovelace",
        "ada._lovelace",
    ]
    slugs = [learner_slug(n) for n in names]
    assert len(set(slugs)) == len(names), slugs


def test_an_invalid_name_in_the_environment_is_refused(monkeypatch):
    import pytest

    from mlcourse.tracking import current_learner

    monkeypatch.setenv("MLCOURSE_LEARNER", "o'brien")
    with pytest.raises(ValueError, match="MLCOURSE_LEARNER"):
        current_learner()
