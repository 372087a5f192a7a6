"""The LLM providers drive the real openai client and databricks-sdk auth over HTTP.

A fake chat-completions server on 127.0.0.1 plays the model; it also answers the requests a
Databricks workspace gets from the SDK (host metadata, OIDC discovery, OAuth tokens), so the
SDK logs no host-metadata warning. Retry tests send `retry-after-ms`, which the openai client
honours, to keep waits short.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Iterator
from pathlib import Path

import openai
import pytest

from slidegen.bootstrap import make_provider
from slidegen.config import Settings
from slidegen.errors import ConfigurationError
from slidegen.llm.base import (
    Finished,
    LLMEvent,
    LLMProvider,
    LLMSettings,
    Message,
    TextDelta,
    ToolCallEvent,
    ToolSpec,
    Usage,
)
from slidegen.llm.databricks import DatabricksProvider
from slidegen.llm.errors import (
    LLMAuthError,
    LLMContextTooLongError,
    LLMError,
    LLMNotFoundError,
    LLMRateLimitError,
    LLMResponseError,
    LLMTimeoutError,
    LLMUnavailableError,
)
from slidegen.llm.openai_compatible import OpenAICompatibleProvider
from tests.fakes.openai_server import FakeOpenAIServer, Reply, ToolCall

API_KEY = "sk-test-secret-key-123456"
DATABRICKS_TOKEN = "dapi-test-secret-token"
MODEL = "gpt-fake"
ENDPOINT = "databricks-claude-sonnet"
HELLO = [Message("system", "You write slides."), Message("user", "Make a deck about sales.")]
QUERY_TOOL = ToolSpec(
    "query_genie",
    "Ask a Genie space a question.",
    {"type": "object", "properties": {"question": {"type": "string"}}, "required": ["question"]},
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep the developer's OpenAI / Databricks environment and CLI profiles out of the tests."""
    for name in (
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "OPENAI_ORG_ID",
        "OPENAI_PROJECT_ID",
        "OPENAI_CUSTOM_HEADERS",
        "DATABRICKS_HOST",
        "DATABRICKS_TOKEN",
        "DATABRICKS_CLIENT_ID",
        "DATABRICKS_CLIENT_SECRET",
        "DATABRICKS_AUTH_TYPE",
        "DATABRICKS_CONFIG_PROFILE",
        "SLIDEGEN_LLM_PROVIDER",
        "SLIDEGEN_LLM_BASE_URL",
        "SLIDEGEN_LLM_API_KEY",
        "SLIDEGEN_LLM_MODEL",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABRICKS_CONFIG_FILE", str(tmp_path / "no-databrickscfg"))


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as fake:
        yield fake


def openai_provider(
    server: FakeOpenAIServer, *, timeout_s: float = 5.0, max_retries: int = 2
) -> OpenAICompatibleProvider:
    return OpenAICompatibleProvider(
        base_url=server.openai_base_url,
        api_key=API_KEY,
        model=MODEL,
        timeout_s=timeout_s,
        max_retries=max_retries,
    )


def run(provider: LLMProvider, tools: list[ToolSpec] | None = None) -> list[LLMEvent]:
    return list(provider.stream(HELLO, tools or [], temperature=0.2, max_tokens=500))


def text_of(events: list[LLMEvent]) -> str:
    return "".join(event.text for event in events if isinstance(event, TextDelta))


# Streaming text, tool calls, usage


def test_text_arrives_in_order_and_before_the_server_finishes(server: FakeOpenAIServer) -> None:
    text = "<section><h1>Sales 2026</h1><p>Revenue grew in every region.</p></section>"
    gate = threading.Event()
    server.enqueue(Reply.text(text, chunk_size=7, gate=gate))
    stream = openai_provider(server).stream(HELLO, [], temperature=0.2, max_tokens=500)

    first = next(stream)  # the server holds the rest of the answer until the gate opens
    assert first == TextDelta("<sectio")
    gate.set()
    rest = list(stream)

    assert text_of([first, *rest]) == text
    assert len([e for e in rest if isinstance(e, TextDelta)]) == len(text) // 7
    assert rest[-1] == Finished("stop")
    body = server.chat_requests[0].body
    assert body["model"] == MODEL and body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}
    assert body["max_tokens"] == 500 and body["temperature"] == 0.2
    assert body["messages"][0] == {"role": "system", "content": "You write slides."}


class _Gate(threading.Event):
    """The fake server's hold on a stream; remembers whether it gave up waiting."""

    timed_out = False

    def wait(self, timeout: float | None = None) -> bool:
        released = super().wait(timeout)
        self.timed_out = self.timed_out or not released
        return released


def test_chunks_are_yielded_as_they_arrive(server: FakeOpenAIServer) -> None:
    """The first chunk comes out while the server still holds the rest (no buffering)."""
    gate = _Gate()
    server.enqueue(Reply.text("a" * 50, chunk_size=10, gate=gate))
    stream = openai_provider(server).stream(HELLO, [], temperature=0, max_tokens=9)
    first = next(event for event in stream if isinstance(event, TextDelta))
    held = not gate.is_set() and not gate.timed_out
    gate.set()
    rest = [event for event in stream if isinstance(event, TextDelta)]
    assert first == TextDelta("a" * 10)
    assert held and not gate.timed_out, "the first chunk came only after the whole answer"
    assert text_of([first, *rest]) == "a" * 50


def test_parallel_fragmented_tool_calls_are_assembled_by_index(server: FakeOpenAIServer) -> None:
    calls = [
        ToolCall("query_genie", {"question": "Revenue by region in 2026?"}, id="call_a"),
        ToolCall("query_genie", {"question": "Top 5 products by margin?"}, id="call_b"),
    ]
    server.enqueue(
        Reply.tool_calls(calls, content="Let me look.", fragment_size=4, interleave=True)
    )

    events = run(openai_provider(server), [QUERY_TOOL])

    assert text_of(events) == "Let me look."
    tool_events = [e for e in events if isinstance(e, ToolCallEvent)]
    assert [(e.id, e.name, e.arguments, e.error) for e in tool_events] == [
        ("call_a", "query_genie", {"question": "Revenue by region in 2026?"}, None),
        ("call_b", "query_genie", {"question": "Top 5 products by margin?"}, None),
    ]
    assert events[-1] == Finished("tool_calls")
    assert server.chat_requests[0].body["tools"] == [
        {
            "type": "function",
            "function": {
                "name": "query_genie",
                "description": "Ask a Genie space a question.",
                "parameters": QUERY_TOOL.parameters,
            },
        }
    ]


def test_tool_calls_and_results_are_sent_back_in_wire_format(server: FakeOpenAIServer) -> None:
    server.enqueue(Reply.tool_calls([ToolCall("query_genie", {"question": "Q?"}, id="call_1")]))
    server.enqueue(Reply.text("Done."))
    provider = openai_provider(server)
    (call,) = [e for e in run(provider, [QUERY_TOOL]) if isinstance(e, ToolCallEvent)]

    history = [
        *HELLO,
        Message("assistant", None, tool_calls=(call,)),
        Message("tool", '{"rows": [[1]]}', tool_call_id=call.id, name="query_genie"),
    ]
    list(provider.stream(history, [QUERY_TOOL], temperature=0, max_tokens=9))

    sent = server.chat_requests[1].body["messages"]
    assert sent[2] == {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": "call_1",
                "type": "function",
                "function": {"name": "query_genie", "arguments": '{"question": "Q?"}'},
            }
        ],
    }
    assert sent[3] == {"role": "tool", "content": '{"rows": [[1]]}', "tool_call_id": "call_1"}


def test_malformed_tool_arguments_are_reported_not_raised(server: FakeOpenAIServer) -> None:
    calls = [
        ("query_genie", '{"question": "Revenue?'),
        ("query_genie", "[1, 2]"),
        ("list_spaces", ""),
    ]
    server.enqueue(Reply.tool_calls(calls, fragment_size=3))

    tool_events = [e for e in run(openai_provider(server)) if isinstance(e, ToolCallEvent)]

    broken, not_an_object, empty = tool_events
    assert broken.arguments == {} and broken.raw_arguments == '{"question": "Revenue?'
    assert broken.error is not None and "not valid JSON" in broken.error
    assert not_an_object.error == "arguments must be a JSON object, not list"
    assert (empty.name, empty.arguments, empty.error) == ("list_spaces", {}, None)


def test_usage_is_reported(server: FakeOpenAIServer) -> None:
    server.enqueue(Reply.text("Hi", usage=(120, 7)))
    events = run(openai_provider(server))
    assert events[-2:] == [Usage(prompt_tokens=120, completion_tokens=7), Finished("stop")]


def test_server_without_stream_options_is_asked_again_without_them(
    server: FakeOpenAIServer,
) -> None:
    server.enqueue(Reply.error(400, "Unrecognized request argument supplied: stream_options"))
    server.enqueue(Reply.text("Hi"), times=2)
    provider = openai_provider(server)

    first, second = run(provider), run(provider)

    assert first == second == [TextDelta("Hi"), Finished("stop")]  # no usage, none guessed
    assert ["stream_options" in r.body for r in server.chat_requests] == [True, False, False]


def test_fake_server_answers_non_streaming_requests(server: FakeOpenAIServer) -> None:
    server.enqueue(Reply.tool_calls([ToolCall("query_genie", {"question": "Q?"})]))
    client = openai.OpenAI(base_url=server.openai_base_url, api_key=API_KEY)
    completion = client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": "x"}]
    )
    (call,) = completion.choices[0].message.tool_calls or []
    assert call.function.arguments == '{"question": "Q?"}'
    assert completion.usage is not None and completion.usage.completion_tokens > 0


# Databricks model serving


def test_databricks_uses_the_sdk_token_from_the_environment(
    server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("DATABRICKS_HOST", server.url)
    monkeypatch.setenv("DATABRICKS_TOKEN", DATABRICKS_TOKEN)
    server.enqueue(Reply.text("Hello from serving"))

    with caplog.at_level(logging.WARNING):
        events = run(DatabricksProvider(ENDPOINT))

    assert text_of(events) == "Hello from serving"
    (request,) = server.chat_requests
    assert request.path == "/serving-endpoints/chat/completions"
    assert request.authorization == f"Bearer {DATABRICKS_TOKEN}"
    assert request.body["model"] == ENDPOINT
    assert not [r for r in caplog.records if r.name.startswith("databricks")]


def test_make_provider_builds_databricks_from_settings(server: FakeOpenAIServer) -> None:
    settings = Settings(DATABRICKS_HOST=server.url, DATABRICKS_TOKEN=DATABRICKS_TOKEN)
    provider = make_provider(LLMSettings(provider="databricks", endpoint=ENDPOINT), settings)
    server.enqueue(Reply.text("ok"))

    assert provider.name == "databricks" and text_of(run(provider)) == "ok"
    assert server.chat_requests[0].authorization == f"Bearer {DATABRICKS_TOKEN}"


def test_databricks_on_behalf_of_user_sends_the_user_token(
    server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A Databricks App also has its service principal in the environment: it must not clash.
    monkeypatch.setenv("DATABRICKS_CLIENT_ID", "app-sp")
    monkeypatch.setenv("DATABRICKS_CLIENT_SECRET", "app-sp-secret")
    server.enqueue(Reply.text("ok"))

    run(DatabricksProvider(ENDPOINT, host=server.url, user_token="user-token-abc"))

    assert server.chat_requests[0].authorization == "Bearer user-token-abc"


def test_databricks_oauth_tokens_are_fetched_fresh_for_each_attempt(
    server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABRICKS_HOST", server.url)
    monkeypatch.setenv("DATABRICKS_CLIENT_ID", "app-sp")
    monkeypatch.setenv("DATABRICKS_CLIENT_SECRET", "app-sp-secret")
    server.oauth_token_ttl_s = 1  # the SDK refreshes tokens within 40 s of expiry: every call
    server.enqueue(Reply.error(429, retry_after_ms=10), Reply.text("one"), Reply.text("two"))
    provider = DatabricksProvider(ENDPOINT, max_retries=1)

    assert text_of(run(provider)) == "one" and text_of(run(provider)) == "two"

    tokens = [r.authorization for r in server.chat_requests]
    assert len(tokens) == 3 and len(set(tokens)) == 3
    assert all(token and token.startswith("Bearer oauth-token-") for token in tokens)


def test_databricks_credentials_that_fail_give_auth_error(
    server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABRICKS_HOST", server.url)
    monkeypatch.setenv("DATABRICKS_CLIENT_ID", "app-sp")
    monkeypatch.setenv("DATABRICKS_CLIENT_SECRET", "app-sp-secret")
    server.oauth_token_status = 401
    with pytest.raises(LLMAuthError, match="Databricks credentials") as caught:
        run(DatabricksProvider(ENDPOINT))
    assert "app-sp-secret" not in str(caught.value)
    assert server.chat_requests == []


def test_databricks_without_a_workspace_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="DATABRICKS_HOST"):
        DatabricksProvider(ENDPOINT)


# Retries


@pytest.mark.parametrize("status", [429, 500])
def test_transient_failure_then_success_is_retried(server: FakeOpenAIServer, status: int) -> None:
    server.enqueue(Reply.error(status, retry_after_ms=10), Reply.text("recovered"))

    assert text_of(run(openai_provider(server, max_retries=2))) == "recovered"
    retry_counts = [r.headers["x-stainless-retry-count"] for r in server.chat_requests]
    assert retry_counts == ["0", "1"]


def test_retry_without_retry_after_uses_the_client_backoff(server: FakeOpenAIServer) -> None:
    server.enqueue(Reply.error(500), Reply.text("recovered"))
    assert text_of(run(openai_provider(server, max_retries=1))) == "recovered"
    first, second = server.chat_requests
    assert second.received_at - first.received_at >= 0.3  # 0.5 s minus at most 25 % jitter


def test_persistent_503_gives_unavailable_after_retries(server: FakeOpenAIServer) -> None:
    server.default_reply = Reply.error(503, retry_after_ms=10)
    with pytest.raises(LLMUnavailableError, match=MODEL) as caught:
        run(openai_provider(server, max_retries=2))
    assert len(server.chat_requests) == 3
    assert caught.value.status_code == 503 and caught.value.transient


def test_persistent_429_gives_rate_limit_after_retries(server: FakeOpenAIServer) -> None:
    server.default_reply = Reply.error(429, retry_after_s=0.01)
    with pytest.raises(LLMRateLimitError):
        run(openai_provider(server, max_retries=1))
    assert len(server.chat_requests) == 2


# Errors a user can act on


@pytest.mark.parametrize("status", [401, 403])
def test_bad_credentials_give_auth_error_without_the_key(
    server: FakeOpenAIServer, status: int, caplog: pytest.LogCaptureFixture
) -> None:
    server.enqueue(Reply.error(status, f"Incorrect API key provided: {API_KEY}."))
    with caplog.at_level(logging.DEBUG), pytest.raises(LLMAuthError) as caught:
        run(openai_provider(server))
    assert len(server.chat_requests) == 1  # not retried
    shown = "".join(traceback.format_exception(caught.value)) + caplog.text
    assert API_KEY not in shown


def test_unknown_model_gives_not_found_naming_it(server: FakeOpenAIServer) -> None:
    server.enqueue(Reply.error(404))
    with pytest.raises(LLMNotFoundError, match=f"'{MODEL}'") as caught:
        run(openai_provider(server))
    assert f"The model `{MODEL}` does not exist" in str(caught.value.__cause__)


def test_unknown_databricks_endpoint_gives_not_found_naming_it(server: FakeOpenAIServer) -> None:
    server.enqueue(
        Reply.error(404, body={"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "Not found"})
    )
    provider = DatabricksProvider(ENDPOINT, host=server.url, token=DATABRICKS_TOKEN)
    with pytest.raises(LLMNotFoundError, match=f"'{ENDPOINT}'"):
        run(provider)


@pytest.mark.parametrize(
    "reply",
    [
        Reply.context_length_exceeded(),
        Reply.error(400, body={"error_code": "BAD_REQUEST", "message": "Input is too long."}),
    ],
    ids=["openai", "databricks"],
)
def test_context_too_long_is_recognised(server: FakeOpenAIServer, reply: Reply) -> None:
    server.enqueue(reply)
    with pytest.raises(LLMContextTooLongError, match="too long"):
        run(openai_provider(server))


def test_other_bad_request_keeps_the_server_reason(server: FakeOpenAIServer) -> None:
    server.enqueue(Reply.error(400, "temperature must be at most 1"))
    with pytest.raises(LLMError, match="temperature must be at most 1") as caught:
        run(openai_provider(server))
    assert type(caught.value) is LLMError


def test_slow_server_times_out_within_the_configured_timeout(server: FakeOpenAIServer) -> None:
    server.enqueue(Reply.slow(10))
    with pytest.raises(LLMTimeoutError):
        run(openai_provider(server, timeout_s=0.5, max_retries=0))
    # The client gave up and closed the connection while the server still held its answer.
    assert server.client_hung_up.wait(timeout=5)
    assert len(server.chat_requests) == 1


def test_stream_that_stalls_mid_answer_times_out(server: FakeOpenAIServer) -> None:
    server.enqueue(Reply.text("abcdefghij", chunk_size=5, delay_s=3))
    stream = openai_provider(server, timeout_s=0.5).stream(HELLO, [], temperature=0, max_tokens=9)
    with pytest.raises(LLMTimeoutError):
        list(stream)
    assert len(server.chat_requests) == 1


def test_truncated_stream_raises_response_error_without_retrying(
    server: FakeOpenAIServer,
) -> None:
    server.enqueue(Reply.truncated("<section>cut off here</section>", after_chunks=2, chunk_size=5))
    received: list[LLMEvent] = []
    with pytest.raises(LLMResponseError, match="broke off"):
        for event in openai_provider(server).stream(HELLO, [], temperature=0, max_tokens=9):
            received.append(event)
    assert text_of(received) == "<sect" + "ion>c"
    assert len(server.chat_requests) == 1


def test_stream_without_finish_reason_is_treated_as_cut_off(server: FakeOpenAIServer) -> None:
    server.enqueue(Reply.text("partial", finish_reason=None))
    with pytest.raises(LLMResponseError, match="cut off"):
        run(openai_provider(server))


def test_unreachable_server_gives_unavailable(server: FakeOpenAIServer) -> None:
    url = server.openai_base_url
    server.stop()
    provider = OpenAICompatibleProvider(url, API_KEY, MODEL, timeout_s=1, max_retries=0)
    with pytest.raises(LLMUnavailableError, match="Could not reach"):
        run(provider)


def test_environment_overrides_the_profile_and_supplies_the_key(server: FakeOpenAIServer) -> None:
    settings = Settings(
        SLIDEGEN_LLM_PROVIDER="openai",
        SLIDEGEN_LLM_BASE_URL=server.openai_base_url,
        SLIDEGEN_LLM_API_KEY=API_KEY,
        SLIDEGEN_LLM_MODEL="local-model",
    )
    provider = make_provider(LLMSettings(provider="databricks", endpoint=ENDPOINT), settings)
    server.enqueue(Reply.text("ok"))

    assert provider.name == "openai" and text_of(run(provider)) == "ok"
    (request,) = server.chat_requests
    assert request.authorization == f"Bearer {API_KEY}" and request.body["model"] == "local-model"


def test_make_provider_leaves_offline_to_the_generation_service() -> None:
    with pytest.raises(ConfigurationError, match="generation service"):
        make_provider(LLMSettings(provider="offline"), Settings())
