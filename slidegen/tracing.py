"""MLflow traces of each request, recorded in memory and exported after it ends.

Spans are collected while the request runs (no MLflow call on the request's path) and sent
by a background thread afterwards, so an unreachable or slow MLflow never breaks or slows a
generation. Root span: the request with the user and session; children: each LLM call
(model, tokens) and each tool call (inputs, row count, duration).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger("slidegen.tracing")
# After a failed export, traces are dropped for this long instead of piling up behind retries.
PAUSE_AFTER_FAILURE_S = 60.0
MAX_QUEUED = 200


@dataclass
class SpanRecord:
    """One span as recorded; exported later with its real start and end times."""

    name: str
    span_type: str
    inputs: Any = None
    outputs: Any = None
    attributes: dict[str, Any] = field(default_factory=dict)
    start_ns: int = field(default_factory=time.time_ns)
    end_ns: int | None = None
    status: str = "OK"
    children: list[SpanRecord] = field(default_factory=list)

    def end(self, *, outputs: Any = None, status: str = "OK", **attributes: Any) -> None:
        """Close the span with its outputs and extra attributes."""
        self.outputs = outputs if outputs is not None else self.outputs
        self.attributes.update(attributes)
        self.status = status
        self.end_ns = time.time_ns()


@dataclass
class RequestTrace:
    """The spans of one request, plus where they should go."""

    experiment_name: str
    tracking_uri: str
    root: SpanRecord
    tags: dict[str, str]
    experiment_id: str | None = None  # the app's experiment resource wins over the name
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @contextmanager
    def span(
        self, name: str, span_type: str, inputs: Any = None, **attributes: Any
    ) -> Iterator[SpanRecord]:
        """Record a child span of the request; errors mark it failed and propagate."""
        record = SpanRecord(name=name, span_type=span_type, inputs=inputs, attributes=attributes)
        with self._lock:
            self.root.children.append(record)
        try:
            yield record
        except BaseException as exc:
            record.end(status="ERROR", error=type(exc).__name__)
            raise
        if record.end_ns is None:
            record.end()


def start_trace(
    *,
    experiment_name: str,
    tracking_uri: str,
    user: str,
    session_id: str,
    request_id: str,
    mode: str,
    prompt: str,
    experiment_id: str | None = None,
) -> RequestTrace:
    """Begin recording a request's trace."""
    root = SpanRecord(
        name=f"slidegen.{mode}",
        span_type="AGENT",
        inputs={"prompt": prompt[:2000]},
        attributes={"user": user, "session_id": session_id, "request_id": request_id},
    )
    tags = {
        "slidegen.user": user,
        "slidegen.session_id": session_id,
        "slidegen.request_id": request_id,
    }
    return RequestTrace(
        experiment_name=experiment_name,
        tracking_uri=tracking_uri,
        root=root,
        tags=tags,
        experiment_id=experiment_id,
    )


@dataclass(frozen=True)
class FeedbackRecord:
    """A reader's rating to log on a request's trace (found by its request id tag)."""

    tracking_uri: str
    experiment_name: str
    request_id: str
    name: str
    value: bool
    rationale: str
    user: str
    metadata: dict[str, str] = field(default_factory=dict)
    experiment_id: str | None = None


class TraceExporter:
    """A background thread that sends finished traces to MLflow; failures are logged only."""

    def __init__(self) -> None:
        self._queue: queue.Queue[RequestTrace | FeedbackRecord] = queue.Queue()
        self._experiments: dict[tuple[str, str], str] = {}
        self._pending = 0
        self._exported = False
        self._down_until = 0.0
        self._condition = threading.Condition()
        self._thread = threading.Thread(target=self._work, name="slidegen-traces", daemon=True)
        self._thread.start()

    def submit(self, trace: RequestTrace | FeedbackRecord) -> None:
        """Queue a finished trace for export (dropped while MLflow is known to be down)."""
        with self._condition:
            if time.monotonic() < self._down_until or self._pending >= MAX_QUEUED:
                return
            self._pending += 1
        self._queue.put(trace)

    def submit_feedback(self, feedback: FeedbackRecord) -> None:
        """Queue feedback for a request's trace (after that trace, if it is still queued)."""
        self.submit(feedback)  # type: ignore[arg-type]

    def wait(self, timeout: float) -> bool:
        """Wait until queued traces are sent and flushed (the CLI does this before exiting)."""
        with self._condition:
            done = self._condition.wait_for(lambda: self._pending == 0, timeout)
        if done and self._exported:
            try:
                import mlflow

                mlflow.flush_trace_async_logging()
            except Exception as exc:
                log.warning("could not flush traces to MLflow: %s", exc)
        return done

    def _work(self) -> None:
        while True:
            trace = self._queue.get()
            try:
                if isinstance(trace, FeedbackRecord):
                    self._log_feedback(trace)
                else:
                    self._export(trace)
                self._exported = True
            except Exception as exc:  # MLflow down or misconfigured: the deck is unaffected
                self._down_until = time.monotonic() + PAUSE_AFTER_FAILURE_S
                log.warning(
                    "could not export the trace to MLflow (%s), pausing exports for %.0f s: %s",
                    trace.tracking_uri,
                    PAUSE_AFTER_FAILURE_S,
                    exc,
                )
            finally:
                with self._condition:
                    self._pending -= 1
                    self._condition.notify_all()

    def _export(self, trace: RequestTrace) -> None:
        import mlflow  # ~1.5 s to import: only here, off the request path
        from mlflow.environment_variables import (
            MLFLOW_HTTP_REQUEST_MAX_RETRIES,
            MLFLOW_HTTP_REQUEST_TIMEOUT,
        )

        logging.getLogger("mlflow").setLevel(logging.WARNING)  # its INFO chatter is not ours
        # MLflow's defaults (7 retries, 120 s timeout) would hold a dead server for minutes.
        MLFLOW_HTTP_REQUEST_MAX_RETRIES.set("2")
        MLFLOW_HTTP_REQUEST_TIMEOUT.set("10")

        mlflow.set_tracking_uri(trace.tracking_uri)
        experiment_id = self._experiment_id(mlflow, trace)
        root = trace.root
        live = mlflow.start_span_no_context(
            root.name,
            span_type=root.span_type,
            inputs=root.inputs,
            attributes=_strings(root.attributes),
            tags=trace.tags,
            metadata={
                "mlflow.trace.user": trace.tags["slidegen.user"],
                "mlflow.trace.session": trace.tags["slidegen.session_id"],
            },
            experiment_id=experiment_id,
            start_time_ns=root.start_ns,
        )
        for child in root.children:
            span = mlflow.start_span_no_context(
                child.name,
                span_type=child.span_type,
                parent_span=live,
                inputs=child.inputs,
                attributes=child.attributes,
                start_time_ns=child.start_ns,
            )
            span.end(
                outputs=child.outputs,
                status=child.status,
                end_time_ns=child.end_ns or time.time_ns(),
            )
        live.end(
            outputs=root.outputs,
            attributes=root.attributes,
            status=root.status,
            end_time_ns=root.end_ns or time.time_ns(),
        )

    def _log_feedback(self, feedback: FeedbackRecord) -> None:
        import mlflow
        from mlflow.entities import AssessmentSource

        mlflow.set_tracking_uri(feedback.tracking_uri)
        if self._exported:  # the request's trace may still sit in MLflow's async queue
            mlflow.flush_trace_async_logging()
        found = mlflow.search_traces(
            locations=[self._experiment_id(mlflow, feedback)],
            filter_string=f"tags.`slidegen.request_id` = '{_quoted(feedback.request_id)}'",
            max_results=1,
            return_type="list",
        )
        if not found:
            log.warning("no MLflow trace of request %s to log feedback on", feedback.request_id)
            return
        mlflow.log_feedback(
            trace_id=found[0].info.trace_id,
            name=feedback.name,
            value=feedback.value,
            rationale=feedback.rationale or None,
            source=AssessmentSource(source_type="HUMAN", source_id=feedback.user),
            metadata=feedback.metadata,
        )

    def _experiment_id(self, mlflow: Any, trace: RequestTrace | FeedbackRecord) -> str:
        if trace.experiment_id:
            return trace.experiment_id
        key = (trace.tracking_uri, trace.experiment_name)
        if key not in self._experiments:
            client = mlflow.MlflowClient()
            found = client.get_experiment_by_name(trace.experiment_name)
            self._experiments[key] = (
                found.experiment_id if found else client.create_experiment(trace.experiment_name)
            )
        return self._experiments[key]


def _quoted(text: str) -> str:
    return "".join(c for c in text if c.isalnum() or c in "-_")  # ids only: no quote escapes


def _strings(attributes: dict[str, Any]) -> dict[str, str]:
    return {key: str(value) for key, value in attributes.items()}


_exporter: TraceExporter | None = None
_exporter_lock = threading.Lock()


def exporter() -> TraceExporter:
    """Return the process's trace exporter, starting it on first use."""
    global _exporter
    with _exporter_lock:
        if _exporter is None:
            _exporter = TraceExporter()
        return _exporter
