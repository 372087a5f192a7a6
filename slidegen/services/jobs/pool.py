"""The process-wide job pool (decision 4): generations and exports, with heartbeats.

Generations wait on the model almost all the time, so many run at once in their own threads
(SLIDEGEN_MAX_GENERATIONS per process); exports use the CPU and have a pool sized by the
cores, so neither kind queues behind the other. A user runs at most
SLIDEGEN_MAX_GENERATIONS_PER_USER requests at a time, counted in the database across
replicas: their next request stays pending, heart-beaten by the replica holding it, and the
dispatcher starts it when one of theirs ends (here at once, elsewhere within a second).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from sqlalchemy import update

from slidegen.config import Settings
from slidegen.db.base import utcnow
from slidegen.db.database import Database
from slidegen.db.models import ChatRequest, ExportJob
from slidegen.services.exports.jobs import (
    claim_export,
    prune_export_files,
    reap_stale_exports,
    run_export,
)
from slidegen.services.generation.chat_requests import reap_stale_requests
from slidegen.services.generation.engine import RunContext, claim_request, run_request
from slidegen.services.generation.run_context import WAIT

log = logging.getLogger("slidegen.jobs")
HEARTBEAT_SECONDS = 10.0
REAP_EVERY_BEATS = 6
DISPATCH_EVERY_S = 1.0  # how soon room freed on another replica is noticed


@dataclass
class _Queued:
    """A request this replica was given and has not started yet."""

    future: Future[None] = field(default_factory=Future)
    # The forwarded user token rides along in memory only (see JobRunner.submit).
    user_token: str | None = field(default=None, repr=False)


class JobRunner:
    """Runs requests and exports in background threads and keeps their heartbeats fresh."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        max_generations: int | None = None,
        per_user: int | None = None,
        max_exports: int | None = None,
        max_workers: int | None = None,
    ) -> None:
        self.db = db
        self.settings = settings
        self.worker_id = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        cores = os.cpu_count() or 1
        # `max_workers` (one number for both pools) is what older callers pass.
        self.max_generations = max_generations or max_workers or settings.max_generations
        self.per_user = per_user or settings.max_generations_per_user
        exports = max_exports or min(max_workers or cores, cores)
        self._generations = ThreadPoolExecutor(self.max_generations, "slidegen-generation")
        self._exports_pool = ThreadPoolExecutor(exports, "slidegen-export")
        self._queued: dict[str, _Queued] = {}  # in submission order: first come, first served
        self._running: set[int] = set()
        self._exports: set[int] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._heart = threading.Thread(target=self._beat, name="slidegen-heartbeat", daemon=True)
        self._dispatcher = threading.Thread(
            target=self._dispatch_loop, name="slidegen-dispatch", daemon=True
        )
        self._heart.start()
        self._dispatcher.start()

    def submit(self, request_id: str, *, user_token: str | None = None) -> Future[None]:
        """Queue a pending request; the future resolves when it has ended (or was not ours).

        `user_token` (the proxy's forwarded access token) travels in memory with this one
        request to its data tools; it is never written to the database or logged.
        """
        queued = _Queued(user_token=user_token)
        with self._lock:
            self._queued[request_id] = queued
        self._wake.set()
        return queued.future

    def _dispatch_loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(DISPATCH_EVERY_S)
            self._wake.clear()
            try:
                self._dispatch()
            except Exception:  # the database may be briefly away; try again on the next tick
                log.warning("dispatching queued requests failed", exc_info=True)

    def _dispatch(self) -> None:
        """Start queued requests, oldest first, while this process and their users have room."""
        with self._lock:
            waiting = list(self._queued)
        for request_id in waiting:
            with self._lock:
                if len(self._running) >= self.max_generations or self._stop.is_set():
                    return
            ctx = claim_request(self.db, request_id, self.worker_id, per_user=self.per_user)
            if ctx == WAIT:
                continue  # its user runs their limit; later requests of others may start
            with self._lock:
                queued = self._queued.pop(request_id)
                if ctx is not None:
                    self._running.add(ctx.request_pk)
            if ctx is None:  # another worker took it, or it was reaped
                queued.future.set_result(None)
                continue
            ctx.user_token = queued.user_token
            self._generations.submit(self._run, ctx, queued.future)

    def _run(self, ctx: RunContext, future: Future[None]) -> None:
        try:
            run_request(self.db, ctx, self.settings)
        except BaseException as exc:  # run_request records failures itself; this is a bug
            log.exception("request %s crashed its worker", ctx.request_pk)
            future.set_exception(exc)
        else:
            future.set_result(None)
        finally:
            with self._lock:
                self._running.discard(ctx.request_pk)
            self._wake.set()  # a slot is free: start the next queued request now

    def submit_export(self, job_id: str) -> Future[None]:
        """Run a pending export job in the background."""
        return self._exports_pool.submit(self._run_export, job_id)

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
            try:
                self.beat(reap=beats % REAP_EVERY_BEATS == 0)
            except Exception:  # a missed beat is retried; the reaper tolerates a few
                log.warning("heartbeat failed", exc_info=True)

    def beat(self, *, reap: bool = False) -> None:
        """Refresh the heartbeat of this replica's running and queued jobs; reap dead ones."""
        with self._lock:
            running, queued, exports = list(self._running), list(self._queued), list(self._exports)
        with self.db.scope() as session:
            for column, ids, status in (
                (ChatRequest.id, running, "running"),
                (ChatRequest.request_id, queued, "pending"),
            ):
                if ids:
                    session.execute(
                        update(ChatRequest)
                        .where(column.in_(ids), ChatRequest.status == status)
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
            if reap:
                reap_stale_requests(session)  # jobs of replicas that died
                reap_stale_exports(session)
                prune_export_files(session, self.settings)

    def shutdown(self, *, wait: bool = True) -> None:
        """Stop taking work and, if asked, wait for running jobs; queued ones are dropped."""
        self._stop.set()
        self._wake.set()
        self._dispatcher.join()
        self._heart.join()  # no beat after this: the database may go next
        with self._lock:
            dropped, self._queued = list(self._queued.values()), {}
        for queued in dropped:  # still pending in the database: the reaper fails them
            queued.future.cancel()
        self._generations.shutdown(wait=wait)
        self._exports_pool.shutdown(wait=wait)


_runners: dict[int, JobRunner] = {}
_runners_lock = threading.Lock()


def runner_for(db: Database, settings: Settings) -> JobRunner:
    """Return the process's runner for this database, starting it on first use."""
    with _runners_lock:
        runner = _runners.get(id(db))
        if runner is None:
            runner = _runners[id(db)] = JobRunner(db, settings)
        return runner


def shutdown_runners(*, wait: bool = True) -> None:
    """Stop every runner of this process (a test run's end, before its databases go away)."""
    with _runners_lock:
        runners = list(_runners.values())
        _runners.clear()
    for runner in runners:
        runner.shutdown(wait=wait)
