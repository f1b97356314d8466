"""``mlcourse.llm``: the client against the offline stand-in, and the environment's server."""

from __future__ import annotations

import json
import socket

import openai
import pytest

from mlcourse.llm import STANDIN_MODEL, client, create_app
from mlcourse.llm._standin import StandinServer


@pytest.fixture(autouse=True)
def _no_server_in_env(monkeypatch):
    for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "OPENAI_MODEL"):
        monkeypatch.delenv(name, raising=False)


def _chat(llm, backend, text="What does a tokenizer do?", **kwargs):
    return llm.chat.completions.create(
        model=backend.model, messages=[{"role": "user", "content": text}], **kwargs
    )


def test_without_environment_the_stand_in_answers_and_says_so():
    llm, backend = client()
    assert backend.is_standin and backend.model == STANDIN_MODEL
    assert "stand-in" in backend.model and "not a language model" in backend.label
    assert backend.base_url.startswith("http://127.0.0.1:")
    reply = _chat(llm, backend, max_tokens=60)
    assert reply.model == STANDIN_MODEL
    assert isinstance(reply.choices[0].message.content, str) and reply.choices[0].message.content
    assert reply.usage.completion_tokens <= 60


def test_temperature_zero_is_deterministic_and_max_tokens_is_a_limit():
    llm, backend = client()
    first = _chat(llm, backend, temperature=0, max_tokens=80).choices[0].message.content
    again = _chat(llm, backend, temperature=0, max_tokens=80).choices[0].message.content
    assert first == again
    short = _chat(llm, backend, temperature=0, max_tokens=5)
    assert len(short.choices[0].message.content) <= 5
    assert short.choices[0].finish_reason == "length"


def test_temperature_and_seed_change_the_text():
    llm, backend = client()
    texts = {
        _chat(llm, backend, temperature=1.5, max_tokens=60, seed=s).choices[0].message.content
        for s in range(5)
    }
    assert len(texts) > 1
    same = [
        _chat(llm, backend, temperature=1.0, max_tokens=60, seed=7).choices[0].message.content
        for _ in range(2)
    ]
    assert same[0] == same[1]


def test_json_object_mode_gives_json_and_json_schema_fills_the_schema():
    llm, backend = client()
    loose = _chat(llm, backend, response_format={"type": "json_object"})
    assert isinstance(json.loads(loose.choices[0].message.content), dict)
    schema = {
        "type": "object",
        "properties": {
            "label": {"type": "string", "enum": ["positive", "negative", "neutral"]},
            "confidence": {"type": "number", "minimum": 0, "maximum": 1},
            "evidence": {"type": "string"},
        },
        "required": ["label", "confidence", "evidence"],
    }
    reply = _chat(
        llm,
        backend,
        text="Label this review as negative, positive or neutral: the course was negative 5",
        response_format={"type": "json_schema", "json_schema": {"name": "s", "schema": schema}},
    )
    data = json.loads(reply.choices[0].message.content)
    assert set(data) == {"label", "confidence", "evidence"}
    assert data["label"] in {"positive", "negative", "neutral"}
    assert 0 <= data["confidence"] <= 1 and isinstance(data["evidence"], str)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"temperature": 3.0},
        {"temperature": -0.1},
        {"max_tokens": 0},
        {"top_p": 0.0},
        {"n": 2},
        {"response_format": {"type": "xml"}},
        {"response_format": {"type": "json_schema", "json_schema": {"name": "x"}}},
    ],
)
def test_bad_requests_get_4xx(kwargs):
    llm, backend = client()
    with pytest.raises(openai.APIStatusError) as info:
        _chat(llm, backend, **kwargs)
    assert 400 <= info.value.status_code < 500


def test_bad_messages_and_unknown_models_get_4xx():
    llm, backend = client()
    for messages in (
        [],
        [{"role": "wizard", "content": "hi"}],
        [{"role": "system", "content": "x"}],
    ):
        with pytest.raises(openai.APIStatusError) as info:
            llm.chat.completions.create(model=backend.model, messages=messages)
        assert 400 <= info.value.status_code < 500
    with pytest.raises(openai.NotFoundError):
        llm.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])


def test_the_environment_names_a_server_that_answers(monkeypatch):
    fake = StandinServer().start()  # any OpenAI-compatible server will do
    try:
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        llm, backend = client(timeout=2.0)
        assert backend.kind == "server" and not backend.is_standin
        assert backend.base_url == fake.base_url and backend.model == STANDIN_MODEL
        assert str(llm.base_url).rstrip("/") == fake.base_url
        assert llm.api_key == "sk-test"
        assert _chat(llm, backend, max_tokens=10).choices[0].message.content
        monkeypatch.setenv("OPENAI_MODEL", "my-model")
        assert client()[1].model == "my-model"
        assert client(offline=True)[1].is_standin
    finally:
        fake.stop()


def test_a_server_that_does_not_answer_falls_back_to_the_stand_in(monkeypatch):
    with socket.socket() as sock:  # a port with nothing listening on it
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{port}/v1")
    llm, backend = client(timeout=0.5)
    assert backend.is_standin and "did not answer" in backend.reason
    assert str(llm.base_url).startswith("http://127.0.0.1:")
    assert f":{port}/" not in str(llm.base_url)


def test_the_app_lists_its_one_model():
    from fastapi.testclient import TestClient

    with TestClient(create_app()) as http:
        listed = http.get("/v1/models").json()["data"]
    assert [m["id"] for m in listed] == [STANDIN_MODEL]
