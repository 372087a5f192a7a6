"""A stand-in for tracing.TraceExporter that keeps finished traces in memory."""

from __future__ import annotations

from slidegen import tracing


class CollectingExporter:
    """Keeps finished traces instead of sending them to MLflow."""

    def __init__(self) -> None:
        self.traces: list[tracing.RequestTrace] = []
        self.feedback: list[tracing.FeedbackRecord] = []

    def submit(self, trace: tracing.RequestTrace) -> None:
        self.traces.append(trace)

    def submit_feedback(self, feedback: tracing.FeedbackRecord) -> None:
        self.feedback.append(feedback)

    def wait(self, timeout: float) -> bool:
        return True
