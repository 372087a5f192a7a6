"""Check each dependency the app is configured for and say how to fix what is wrong."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select

from slidegen import bootstrap
from slidegen.config import Settings
from slidegen.databricks.workspace import check_reachable, workspace_client
from slidegen.db import migrate
from slidegen.db.database import Database
from slidegen.db.errors import database_label, translate_db_error
from slidegen.db.models import ConfigDataSource, ConfigGenieSpace, ConfigProfile
from slidegen.errors import SlidegenError
from slidegen.llm.base import Message
from slidegen.render.layout_check import available as layout_available
from slidegen.schemas.profile_config import WAREHOUSE_SCHEME, parse_warehouse_url
from slidegen.services.exports.google_client import describe_google_client
from slidegen.services.profiles.queries import profile_snapshot

PROBE_TIMEOUT_S = 10


class Check(BaseModel):
    """One dependency's health: what was checked, what was found, and the fix if broken."""

    name: str
    ok: bool
    detail: str
    fix: str = ""


class DoctorReport(BaseModel):
    """Every check, in the order they ran."""

    checks: list[Check]

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)


def run_doctor(db: Database, settings: Settings) -> DoctorReport:
    """Run every check that applies to this configuration; never raises."""
    checks = [_check_database(db, settings)]
    config: dict[str, Any] = {}
    spaces: list[tuple[str, str]] = []
    warehouses = {settings.sql_warehouse_id} if settings.sql_warehouse_id else set()
    if checks[0].ok:
        config, spaces = _configuration(db)
        warehouses |= _warehouses(db)
    # One quick probe: a workspace that does not answer fails its checks at once instead of
    # each waiting out the SDK's and MLflow's retries (minutes in all).
    down = _workspace_down(settings)
    llm_down = down if bootstrap.llm_settings(config, settings).provider == "databricks" else None
    checks.append(
        _unreachable(_llm_name(config, settings), llm_down) or _check_llm(config, settings)
    )
    checks += [_check_genie(space_id, name, settings, down) for space_id, name in spaces]
    checks += [_check_warehouse(wid, settings, down) for wid in sorted(warehouses)]
    mlflow_down = down if settings.effective_mlflow_tracking_uri.startswith("databricks") else None
    checks.append(
        _unreachable(_mlflow_name(config, settings), mlflow_down) or _check_mlflow(config, settings)
    )
    if checks[0].ok:
        checks.append(_check_google_client(db, settings))
    return DoctorReport(checks=[*checks, _check_layout(), _check_pdf_engine()])


def _check_google_client(db: Database, settings: Settings) -> Check:
    """Where Google Slides' OAuth client comes from: uploaded, env or none (and if it works)."""
    with db.scope() as session:
        status = describe_google_client(session, settings=settings)
    facts = [f"source: {status.source}"]
    if status.client_id:
        kind = f" ({status.client_type})" if status.client_type else ""
        facts.append(f"client {status.client_id}{kind}")
    if status.uploaded_by and status.uploaded_at:
        facts.append(f"uploaded by {status.uploaded_by} on {status.uploaded_at:%Y-%m-%d %H:%M} UTC")
    # Nothing configured at all is an optional feature left off, not a fault.
    unused = status.source == "none" and not settings.google_token_key
    ok = status.usable or unused
    detail = ", ".join(facts) + ("; Google Slides export is off" if unused else "")
    return Check(
        name="Google Slides client", ok=ok, detail=detail, fix="" if ok else status.message
    )


def _check_pdf_engine() -> Check:
    from slidegen.export.pdf import PANGO_FIX, pdf_engine_problem

    problem = pdf_engine_problem()
    detail, fix = (problem, PANGO_FIX) if problem else ("WeasyPrint loaded Pango", "")
    return Check(name="PDF export (WeasyPrint, Pango)", ok=not problem, detail=detail, fix=fix)


def _check_layout() -> Check:
    name = "Layout checks (WeasyPrint)"
    if layout_available():
        return Check(name=name, ok=True, detail="slides can be laid out and checked")
    return Check(
        name=name,
        ok=False,
        detail="unavailable: the Pango library is missing (number checks still run)",
        fix="Install Pango: apt-get install libpango-1.0-0 libpangoft2-1.0-0 (Debian/Ubuntu).",
    )


def _workspace_down(settings: Settings) -> str | None:
    """Why the configured workspace cannot be reached, or None (also without a workspace)."""
    if not settings.has_databricks_workspace:
        return None
    try:
        check_reachable(settings.databricks_host or "")
    except SlidegenError as exc:
        return exc.user_message
    return None


def _unreachable(name: str, down: str | None) -> Check | None:
    """The failed check of a dependency in a workspace that does not answer (None if it does)."""
    if down is None:
        return None
    return Check(
        name=name,
        ok=False,
        detail=down,
        fix="Set DATABRICKS_HOST to the workspace URL (https://...cloud.databricks.com) and "
        "check that this machine can reach it.",
    )


def _error_text(exc: Exception) -> str:
    if isinstance(exc, SlidegenError):
        return exc.user_message
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    # databricks-sdk appends its whole client configuration to auth errors: noise for a fix.
    text = text.split(" Config: ", 1)[0]
    return f"{type(exc).__name__}: {text}"[:300]


def _check_database(db: Database, settings: Settings) -> Check:
    name = f"Database ({database_label(settings)})"
    try:
        current = migrate.current_revision(db.engine)
    except Exception as exc:
        message = translate_db_error(exc, settings).user_message if _is_db(exc) else None
        return Check(
            name=name,
            ok=False,
            detail=message or _error_text(exc),
            fix="Check DATABASE_URL (or the Lakebase PG* variables) and that the server runs; "
            "in a Databricks App, grant the app's service principal CONNECT and CREATE on the "
            "database.",
        )
    head = migrate.head_revision()
    if current != head:
        return Check(
            name=name,
            ok=False,
            detail=f"schema at revision {current or 'none'}, the code needs {head}",
            fix="Run `python -m slidegen db upgrade` (the app.yaml command does it at start).",
        )
    return Check(name=name, ok=True, detail=f"reachable, schema at revision {head}")


def _is_db(exc: Exception) -> bool:
    from sqlalchemy.exc import SQLAlchemyError

    return isinstance(exc, SQLAlchemyError)


def _configuration(db: Database) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The default profile's snapshot and every Genie space any live profile uses."""
    with db.scope() as session:
        default = session.scalar(
            select(ConfigProfile).where(
                ConfigProfile.is_default.is_(True), ConfigProfile.is_deleted.is_(False)
            )
        )
        config = profile_snapshot(default) if default else {}
        rows = session.execute(
            select(ConfigGenieSpace.space_id, ConfigGenieSpace.space_name)
            .join(ConfigProfile)
            .where(ConfigProfile.is_deleted.is_(False))
            .order_by(ConfigGenieSpace.space_name)
        ).all()
    unique = dict((space_id, name) for space_id, name in rows)
    return config, sorted(unique.items(), key=lambda item: item[1])


def _warehouses(db: Database) -> set[str]:
    """The SQL warehouses of every live profile's databricks-sql:// data sources."""
    with db.scope() as session:
        urls = session.scalars(
            select(ConfigDataSource.url)
            .join(ConfigProfile)
            .where(
                ConfigProfile.is_deleted.is_(False),
                ConfigDataSource.url.startswith(WAREHOUSE_SCHEME, autoescape=True),
            )
        ).all()
    found = set()
    for url in urls:
        try:
            found.add(parse_warehouse_url(url).warehouse_id)
        except ValueError:  # saved before validation knew the form; its tool reports it
            continue
    return found


def _llm_name(config: dict[str, Any], settings: Settings) -> str:
    llm = bootstrap.llm_settings(config, settings)
    return f"Model endpoint ({llm.provider}: {llm.endpoint or 'none'})"


def _check_llm(config: dict[str, Any], settings: Settings) -> Check:
    llm = bootstrap.llm_settings(config, settings)
    name = _llm_name(config, settings)
    if llm.provider == "offline":
        return Check(name=name, ok=True, detail="offline engine, no endpoint needed")
    try:
        quick = llm.model_copy(update={"max_retries": 0, "timeout_s": float(PROBE_TIMEOUT_S)})
        provider = bootstrap.make_provider(quick, settings)
        events = provider.stream(
            [Message(role="user", content="Reply with OK.")], [], temperature=0.0, max_tokens=8
        )
        for _ in events:
            pass
    except Exception as exc:
        return Check(
            name=name,
            ok=False,
            detail=_error_text(exc),
            fix="Check the profile's endpoint name and that it serves a chat model; in a "
            "Databricks App, add the serving endpoint as an app resource with CAN QUERY.",
        )
    return Check(name=name, ok=True, detail="answered a chat completion")


def _check_genie(space_id: str, space_name: str, settings: Settings, down: str | None) -> Check:
    def look(client: Any) -> str:
        return client.genie.get_space(space_id).title or space_id

    return _workspace_check(
        f"Genie space {space_name} ({space_id})",
        settings,
        down,
        look,
        fix="Check the space id in the profile, and grant the app's service principal "
        "(and the users) CAN RUN on the space and SELECT on its tables.",
    )


def _check_warehouse(warehouse_id: str, settings: Settings, down: str | None) -> Check:
    def look(client: Any) -> str:
        warehouse = client.warehouses.get(warehouse_id)
        state = warehouse.state.value if warehouse.state else "state unknown"
        return f"{warehouse.name or warehouse_id} ({state})"

    return _workspace_check(
        f"SQL warehouse {warehouse_id}",
        settings,
        down,
        look,
        fix="Check the warehouse id in the profile's databricks-sql:// URL (or "
        "SLIDEGEN_SQL_WAREHOUSE_ID), add the warehouse as an app resource with CAN USE, "
        "and give the users CAN USE on it and SELECT on their tables: queries run as them.",
    )


def _workspace_check(
    name: str, settings: Settings, down: str | None, look: Callable[[Any], str], fix: str
) -> Check:
    """One lookup in the workspace, as the app: `look(client)` says what it found."""
    if not settings.has_databricks_workspace:
        return Check(
            name=name,
            ok=False,
            detail="no Databricks workspace configured",
            fix="Set DATABRICKS_HOST and credentials (DATABRICKS_TOKEN or a service principal).",
        )
    if (unreachable := _unreachable(name, down)) is not None:
        return unreachable
    try:
        client = workspace_client(
            settings, retry_timeout_seconds=PROBE_TIMEOUT_S, http_timeout_seconds=PROBE_TIMEOUT_S
        )
        found = look(client)
    except Exception as exc:
        return Check(name=name, ok=False, detail=_error_text(exc), fix=fix)
    return Check(name=name, ok=True, detail=f"reachable: {found}")


def _mlflow_experiment(config: dict[str, Any], settings: Settings) -> str:
    return settings.mlflow_experiment_id or (config.get("mlflow") or {}).get(
        "experiment_name", "slidegen"
    )


def _mlflow_name(config: dict[str, Any], settings: Settings) -> str:
    experiment = _mlflow_experiment(config, settings)
    return f"MLflow experiment {experiment} ({settings.effective_mlflow_tracking_uri})"


def _check_mlflow(config: dict[str, Any], settings: Settings) -> Check:
    uri = settings.effective_mlflow_tracking_uri
    experiment = _mlflow_experiment(config, settings)
    name = _mlflow_name(config, settings)
    try:
        _write_probe_run(uri, experiment, by_id=bool(settings.mlflow_experiment_id))
    except Exception as exc:
        return Check(
            name=name,
            ok=False,
            detail=_error_text(exc),
            fix="Set MLFLOW_TRACKING_URI and the experiment; in a Databricks App, add the "
            "experiment as an app resource with CAN EDIT (it sets MLFLOW_EXPERIMENT_ID).",
        )
    return Check(name=name, ok=True, detail="writable (a probe run was created and deleted)")


def _write_probe_run(uri: str, experiment: str, *, by_id: bool) -> None:
    from mlflow import MlflowClient  # ~1.5 s to import: only when the doctor runs

    client = MlflowClient(tracking_uri=uri)
    if by_id:
        experiment_id = client.get_experiment(experiment).experiment_id
    else:
        found = client.get_experiment_by_name(experiment)
        experiment_id = found.experiment_id if found else client.create_experiment(experiment)
    run = client.create_run(experiment_id, run_name="slidegen-doctor-probe")
    client.delete_run(run.info.run_id)
