"""What the export service returns."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from slidegen.schemas.vocabulary import FINISHED, UNFINISHED, ExportFormat, JobStatus


class ExportJobOut(BaseModel):
    """One export job: its state, progress and, when done, the file's name and warnings."""

    job_id: str
    session_id: str
    format: ExportFormat
    status: JobStatus
    progress: int
    total_slides: int
    title: str | None
    file_name: str
    warnings: list[str]
    error_message: str | None
    result_url: str | None = None  # Google Slides: the presentation's link
    created_at: datetime
    completed_at: datetime | None

    @property
    def done(self) -> bool:
        """Whether the job has finished, well or not."""
        return self.status in FINISHED

    @property
    def is_running(self) -> bool:
        """Whether the job is queued or running."""
        return self.status in UNFINISHED

    @property
    def fraction(self) -> float:
        """Progress between 0 and 1 for a progress bar."""
        if self.status == "completed":
            return 1.0
        return min(self.progress / self.total_slides, 1.0) if self.total_slides else 0.0
