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
    assert "stand-in" in backend.model and "not an instruction-following LLM" in backend.label
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
    loose = _chat(llm, backend, text="Answer in JSON.", response_format={"type": "json_object"})
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


def _status(llm, backend, **kwargs):
    with pytest.raises(openai.APIStatusError) as info:
        llm.chat.completions.create(model=backend.model, **kwargs)
    return info.value


def test_errors_have_the_openai_shape():  # S1
    llm, backend = client()
    error = _status(llm, backend, messages=[{"role": "user", "content": "hi"}], temperature=3.0)
    assert isinstance(error, openai.BadRequestError) and error.status_code == 400
    assert error.body["type"] == "invalid_request_error" and "message" in error.body
    assert "param" in error.body and "code" in error.body
    with pytest.raises(openai.NotFoundError) as info:
        llm.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x"}])
    assert info.value.body["code"] == "model_not_found"


def test_content_parts_and_null_assistant_content_are_accepted():  # S2
    llm, backend = client()
    reply = llm.chat.completions.create(
        model=backend.model,
        messages=[
            {"role": "user", "content": [{"type": "text", "text": "hello"}]},
            {"role": "assistant", "content": None},
            {"role": "user", "content": [{"type": "text", "text": "What is a token?"}]},
        ],
        max_tokens=20,
    )
    assert reply.choices[0].message.content


def test_json_object_needs_json_in_the_messages():  # S3
    llm, backend = client()
    error = _status(
        llm,
        backend,
        messages=[{"role": "user", "content": "hello"}],
        response_format={"type": "json_object"},
    )
    assert isinstance(error, openai.BadRequestError)


def test_max_tokens_cuts_json_and_says_length():  # S4
    llm, backend = client()
    reply = _chat(
        llm, backend, text="JSON please", response_format={"type": "json_object"}, max_tokens=8
    )
    assert reply.choices[0].finish_reason == "length"
    assert len(reply.choices[0].message.content) <= 8
    with pytest.raises(ValueError):
        json.loads(reply.choices[0].message.content)
    whole = _chat(
        llm, backend, text="JSON please", response_format={"type": "json_object"}, max_tokens=300
    )
    assert whole.choices[0].finish_reason == "stop"
    json.loads(whole.choices[0].message.content)


def test_json_schema_with_refs_optional_and_const():  # S5
    from typing import Literal

    from pydantic import BaseModel

    class Inner(BaseModel):
        score: float

    class Outer(BaseModel):
        kind: Literal["review"]
        inner: Inner
        note: str | None
        items: list[Inner]

    llm, backend = client()
    schema = Outer.model_json_schema()
    assert "$defs" in schema
    reply = _chat(
        llm,
        backend,
        text="score 0.5",
        response_format={"type": "json_schema", "json_schema": {"name": "o", "schema": schema}},
        max_tokens=400,
    )
    value = Outer.model_validate_json(reply.choices[0].message.content)
    assert value.kind == "review" and value.note is not None and value.inner.score == 0.5


def test_a_remote_provider_needs_a_model(monkeypatch):  # lesson item 6
    monkeypatch.setenv("OPENAI_BASE_URL", "https://provider.invalid/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    llm, backend = client(timeout=0.5)
    assert backend.is_standin and "OPENAI_MODEL" in backend.reason
