"""A stand-in for tracing.TraceExporter that keeps finished traces in memory."""

from __future__ import annotations

from slidegen import tracing


class CollectingExporter:
    """Keeps finished traces instead of sending them to MLflow."""

    def __init__(self) -> None:
        self.traces: list[tracing.RequestTrace] = []

    def submit(self, trace: tracing.RequestTrace) -> None:
        self.traces.append(trace)

    def wait(self, timeout: float) -> bool:
        return True
