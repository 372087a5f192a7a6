"""A process-wide worker pool for generations (decision 4) and exports, with heartbeats."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from concurrent.futures import Future, ThreadPoolExecutor

from sqlalchemy import update

from slidegen.config import Settings
from slidegen.db.base import utcnow
from slidegen.db.database import Database
from slidegen.db.models import ChatRequest, ExportJob
from slidegen.services.exports.jobs import claim_export, reap_stale_exports, run_export
from slidegen.services.generation.chat_requests import reap_stale_requests
from slidegen.services.generation.engine import claim_request, run_request

log = logging.getLogger("slidegen.jobs")
MAX_WORKERS = 4
HEARTBEAT_SECONDS = 10.0
REAP_EVERY_BEATS = 6


class JobRunner:
    """Runs requests in background threads and keeps their heartbeats fresh."""

    def __init__(self, db: Database, settings: Settings, *, max_workers: int = MAX_WORKERS) -> None:
        self.db = db
        self.settings = settings
        self.worker_id = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="slidegen-job")
        self._running: set[int] = set()
        self._exports: set[int] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._heart = threading.Thread(target=self._beat, name="slidegen-heartbeat", daemon=True)
        self._heart.start()

    def submit(self, request_id: str, *, user_token: str | None = None) -> Future[None]:
        """Run a pending request in the background.

        `user_token` (the proxy's forwarded access token) travels in memory with this one
        request to its data tools; it is never written to the database or logged.
        """
        return self._pool.submit(self._run, request_id, user_token)

    def _run(self, request_id: str, user_token: str | None = None) -> None:
        ctx = claim_request(self.db, request_id, self.worker_id)
        if ctx is None:
            return  # another worker claimed it
        ctx.user_token = user_token
        with self._lock:
            self._running.add(ctx.request_pk)
        try:
            run_request(self.db, ctx, self.settings)
        finally:
            with self._lock:
                self._running.discard(ctx.request_pk)

    def submit_export(self, job_id: str) -> Future[None]:
        """Run a pending export job in the background."""
        return self._pool.submit(self._run_export, job_id)

    def _run_export(self, job_id: str) -> None:
        job_pk = claim_export(self.db, job_id, self.worker_id)
        if job_pk is None:
            return
        with self._lock:
            self._exports.add(job_pk)
        try:
            run_export(self.db, job_pk, self.settings)
        finally:
            with self._lock:
                self._exports.discard(job_pk)

    def _beat(self) -> None:
        beats = 0
        while not self._stop.wait(HEARTBEAT_SECONDS):
            beats += 1
            with self._lock:
                running, exports = list(self._running), list(self._exports)
            try:
                with self.db.scope() as session:
                    if running:
                        session.execute(
                            update(ChatRequest)
                            .where(ChatRequest.id.in_(running), ChatRequest.status == "running")
                            .values(heartbeat_at=utcnow())
                            .execution_options(synchronize_session=False)
                        )
                    if exports:
                        session.execute(
                            update(ExportJob)
                            .where(ExportJob.id.in_(exports), ExportJob.status == "running")
                            .values(heartbeat_at=utcnow())
                            .execution_options(synchronize_session=False)
                        )
                    if beats % REAP_EVERY_BEATS == 0:
                        reap_stale_requests(session)  # jobs of replicas that died
                        reap_stale_exports(session)
            except Exception:  # a missed beat is retried; the reaper tolerates a few
                log.warning("heartbeat failed", exc_info=True)

    def shutdown(self, *, wait: bool = True) -> None:
        """Stop taking work and, if asked, wait for running jobs."""
        self._stop.set()
        self._pool.shutdown(wait=wait)


_runners: dict[int, JobRunner] = {}
_runners_lock = threading.Lock()


def runner_for(db: Database, settings: Settings) -> JobRunner:
    """Return the process's runner for this database, starting it on first use."""
    with _runners_lock:
        runner = _runners.get(id(db))
        if runner is None:
            runner = _runners[id(db)] = JobRunner(db, settings)
        return runner
