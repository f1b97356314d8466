"""Registered model names are the learner's own on a shared server."""

from __future__ import annotations

from mlcourse.tracking import learner_slug, model_name


def test_model_name_carries_the_learner_slug():
    assert model_name("wine", "ada.lovelace") == "wine-ada-lovelace"
    assert model_name("wine", "grace+hopper@x") == "wine-grace-hopper-x"


def test_model_name_without_a_learner_is_local(monkeypatch, tmp_path):
    monkeypatch.delenv("MLCOURSE_LEARNER", raising=False)
    monkeypatch.setattr("mlcourse.tracking._identity.course_root", lambda: tmp_path)
    assert model_name("wine") == "wine-local"
    monkeypatch.setenv("MLCOURSE_LEARNER", "bo")
    assert model_name("wine") == "wine-bo"
