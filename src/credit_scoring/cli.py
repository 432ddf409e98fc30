"""The one command-line entry point: ``credit-scoring``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from enum import Enum
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, Optional

import typer

from credit_scoring.logging_setup import configure_logging
from credit_scoring import profiles
from credit_scoring.profiles import DEFAULT_PROFILE, PROFILE_NAMES
from credit_scoring.service.audit.streams import Stream

if TYPE_CHECKING:  # imported where used: the CLI starts without the training libraries
    from credit_scoring.dev.environment import LocalSetup
    from credit_scoring.dev.seaweed import LocalSeaweed
    from credit_scoring.ml.training import TrainConfig
    from credit_scoring.profiles import Profile
    from credit_scoring.service.settings import Settings

app = typer.Typer(
    help="Credit decision service: data, training, batch scoring, serving.",
    no_args_is_help=True,
    add_completion=False,
)


def _known_profile(name: str) -> str:
    """A profile name the CLI accepts, or a usage error naming the known ones."""
    if name not in PROFILE_NAMES:
        raise typer.BadParameter(f"unknown profile {name!r}; known: {', '.join(PROFILE_NAMES)}")
    return name


ProfileOption = Annotated[
    str, typer.Option(help=f"Dataset profile: {', '.join(PROFILE_NAMES)}.", callback=_known_profile)
]


class Engine(str, Enum):
    """Where ``score`` runs."""

    PANDAS = "pandas"
    SPARK = "spark"


def _fail(message: str) -> NoReturn:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code=2)


@app.callback()
def main(verbose: Annotated[bool, typer.Option(help="Debug logging.")] = False) -> None:
    """Configure logging once for every command."""
    configure_logging("DEBUG" if verbose else "INFO")


def _verbose() -> bool:
    """Whether --verbose was given (debug logging on)."""
    import logging

    return logging.getLogger().isEnabledFor(logging.DEBUG)


@app.command()
def data(
    profile: ProfileOption = DEFAULT_PROFILE,
    rows: Annotated[int, typer.Option(min=8, help="Rows to generate (8 per customer).")] = 100_000,
    seed: Annotated[int, typer.Option(help="Random seed; same seed, same file.")] = 42,
    output: Annotated[Optional[Path], typer.Option(help="Output CSV path.")] = None,
) -> None:
    """Generate a synthetic raw file in the exact Kaggle train.csv format."""
    from credit_scoring.profiles import credit_score_synthetic as synthetic

    hint = profiles.get_profile(profile).data_hint
    if hint:
        _fail(f"{profile} has no synthetic generator; it trains on real data only: {hint}")
    target = output or Path("data/raw") / profile / "synthetic_train.csv"
    side = synthetic.write(synthetic.generate(rows, seed), str(target))
    typer.echo(f"wrote {target} ({rows // 8 * 8} rows) and true probabilities {side}")


CompileTreesOption = Annotated[
    Optional[bool],
    typer.Option(
        "--compile-trees/--no-compile-trees",
        help="Compile LightGBM's trees into the artifact for batch scoring (10-60 s more; "
        "default: the full preset does, the others do not).",
    ),
]


@app.command()
def train(
    profile: ProfileOption = DEFAULT_PROFILE,
    data_path: Annotated[
        Optional[Path],
        typer.Option("--data", help="Raw training CSV (default: real, else synthetic)."),
    ] = None,
    preset: Annotated[str, typer.Option(help="full | quick | tiny")] = "full",
    models_root: Annotated[Path, typer.Option(help="Where artifacts go.")] = Path("src/models"),
    seed: Annotated[int, typer.Option()] = 42,
    target_recall: Annotated[float, typer.Option(help="Target recall of the risk class.")] = 0.85,
    recall_margin: Annotated[float, typer.Option(help="Safety margin added to it.")] = 0.01,
    compile_trees: CompileTreesOption = None,
    tracking_uri: Annotated[
        Optional[str],
        typer.Option(
            help="MLflow tracking server (default: CREDIT_MLFLOW_TRACKING_URI; none: "
            "no tracking)."
        ),
    ] = None,
) -> None:
    """Train, evaluate and save a versioned artifact (and point LATEST at it); tracked in
    MLflow when a tracking URI is set."""
    from credit_scoring.ml.raw_data import RawFormatError
    from credit_scoring.ml.training import PRESETS, TrainConfig

    if preset not in PRESETS:
        _fail(f"unknown preset {preset!r}; choose one of {', '.join(PRESETS)}")
    chosen = profiles.get_profile(profile)
    try:
        path = data_path or _training_file(chosen)
    except RawFormatError as error:
        _fail(str(error))
    config = TrainConfig(
        data_path=path,
        profile=chosen,
        models_root=models_root,
        preset=preset,
        seed=seed,
        target_recall=target_recall,
        recall_margin=recall_margin,
        compile_trees=compile_trees,
    )
    _train_and_sign(config, tracking_uri or _settings().mlflow_tracking_uri)


def _train_and_sign(config: TrainConfig, tracking_uri: str | None = None) -> Path:
    """Train, report where the artifact went, sign it when the key is set, and log it all
    to MLflow with a tracking URI."""
    from dataclasses import replace

    from credit_scoring.ml.artifact import read_metadata
    from credit_scoring.ml.raw_data import RawFormatError
    from credit_scoring.ml.tracking import log_training, tracked_training
    from credit_scoring.ml.training_run import train as run_training

    try:
        with tracked_training(tracking_uri, config.profile.name) as run:
            directory = run_training(replace(config, tracking=run))
            _sign_if_keyed(directory)
            if run is not None:
                log_training(directory, read_metadata(directory))
                typer.echo(f"tracked:  {run.url}")
    except (RawFormatError, ValueError) as error:
        _fail(str(error))
    except ImportError:
        _fail("tracking needs mlflow: pip install -r requirements-dev.txt (group mlflow)")
    typer.echo(f"artifact: {directory}\nreport:   {directory / 'report.md'}")
    return directory


def _sign_if_keyed(directory: Path) -> None:
    """Sign a new artifact when CREDIT_MODEL_SIGNING_KEY is set; say so either way."""
    from credit_scoring.ml.artifact import sign_artifact

    key = _signing_key()
    if key:
        sign_artifact(directory, key)
        typer.echo("signed with CREDIT_MODEL_SIGNING_KEY")
    else:
        typer.echo("not signed (no CREDIT_MODEL_SIGNING_KEY): `credit-scoring model sign` it")


@app.command("ensure-models")
def ensure_models(
    preset: Annotated[str, typer.Option(help="full | quick | tiny")] = "quick",
    models_root: Annotated[Path, typer.Option(help="Where artifacts go.")] = Path("src/models"),
    compile_trees: CompileTreesOption = None,
) -> None:
    """Train a model for each profile that has none yet and whose data is at hand; say where
    to get the data of the others (`make run` calls this)."""
    from credit_scoring.ml.raw_data import RawFormatError
    from credit_scoring.ml.training import TrainConfig

    for profile in profiles.PROFILES.values():
        if _usable_model(models_root / profile.name):
            typer.echo(f"{profile.name}: model present")
            continue
        try:
            path = _training_file(profile)
        except RawFormatError as error:
            typer.echo(f"{profile.name}: not served ({error})")
            continue
        typer.echo(f"{profile.name}: training a model with the {preset} preset on {path}")
        config = TrainConfig(
            path, profile, models_root=models_root, preset=preset, compile_trees=compile_trees
        )
        _train_and_sign(config)


def _usable_model(folder: Path) -> bool:
    """Whether the profile folder has a LATEST model this version can load and score with;
    says why not when it has one that it cannot (one of an older version, say)."""
    from credit_scoring.ml.artifact import ArtifactError, load_artifact
    from credit_scoring.ml.scorer import Scorer, ScorerError, check_examples

    if not (folder / "LATEST").is_file():
        return False
    try:
        check_examples(Scorer(load_artifact(folder)))
    except (ArtifactError, ScorerError, ImportError, AttributeError) as error:
        typer.echo(f"{folder.name}: the current model is not usable ({error})")
        return False
    return True


def _training_file(profile: Profile) -> Path:
    """The profile's training file, from CREDIT_TRAINING_DATA or its usual places."""
    from credit_scoring.ml.raw_data import default_training_file
    from credit_scoring.service.settings import Settings

    return default_training_file(profile, configured=Settings().training_data.get(profile.name))


def _score_on_spark(
    model: Path, source: str, output: str, per_customer: bool, master: str, explain: bool
) -> None:
    """``score --engine spark``: Parquet out; a user's mistake said in one line."""
    if explain:
        _fail("--explain is for the pandas engine (Spark's output keeps the pandas CSV's columns)")
    try:
        from credit_scoring.ml.spark_scoring import score_spark, spark_session
    except ImportError:
        _fail("the spark engine needs pyspark: pip install -r requirements-dev.txt (group spark)")
    from credit_scoring.ml.artifact import ArtifactError
    from credit_scoring.ml.raw_data import RawFormatError

    spark = spark_session(master, "WARN" if _verbose() else "OFF")
    try:
        rows = score_spark(
            spark, model, source, output, per_customer=per_customer, signing_key=_signing_key()
        )
    except (ArtifactError, RawFormatError) as error:
        _fail(str(error))
    finally:
        spark.stop()
    typer.echo(f"scored {rows} rows on Spark ({master}) into {output} (Parquet)")


def _settings() -> Settings:
    """The settings from the environment and .env."""
    from credit_scoring.service.settings import Settings

    return Settings()


def _signing_key() -> str | None:
    """The model signing key from the environment or .env, if any."""
    key = _settings().model_signing_key
    return key.get_secret_value() if key else None


@app.command()
def score(
    output: Annotated[Path, typer.Option(help="Where to write the scored CSV.")],
    input_path: Annotated[
        Optional[Path],
        typer.Option("--input", help="Raw-format CSV to score (default: the training file)."),
    ] = None,
    model: Annotated[
        Optional[Path], typer.Option(help="Version dir or profile folder (default: LATEST).")
    ] = None,
    profile: ProfileOption = DEFAULT_PROFILE,
    chunk_rows: Annotated[int, typer.Option(min=1)] = 50_000,
    per_customer: Annotated[
        bool,
        typer.Option(
            help="Clean each customer's months together, as training did (needs "
            "Customer_ID and Month); --no-per-customer scores every row alone."
        ),
    ] = True,
    explain: Annotated[
        bool,
        typer.Option(
            help="Add each row's risk log-odds, its base value and the 4 fields that pushed "
            "its risk up most (reason_1..4, with their contributions)."
        ),
    ] = False,
    engine: Annotated[
        Engine,
        typer.Option(
            help="pandas: this machine, CSV out; spark: Spark (the spark dependency group), "
            "Parquet out, local or s3a:// paths"
        ),
    ] = Engine.PANDAS,
    spark_master: Annotated[
        str, typer.Option(help="With --engine spark: the Spark master (local[*]: this machine).")
    ] = "local[*]",
) -> None:
    """Score a raw file with the same Pipeline, streaming it in chunks (or on Spark)."""
    from credit_scoring.ml.artifact import ArtifactError, load_artifact
    from credit_scoring.ml.raw_data import RawFormatError
    from credit_scoring.ml.scorer import Scorer
    from credit_scoring.ml.scoring import NoExplanations, score_file

    if engine is Engine.SPARK:
        where = model or Path("src/models") / profile
        source_text = str(input_path or _training_file(profiles.get_profile(profile)))
        _score_on_spark(where, source_text, str(output), per_customer, spark_master, explain)
        return
    try:
        source = input_path or _training_file(profiles.get_profile(profile))
        artifact = load_artifact(model or Path("src/models") / profile, _signing_key())
        summary = score_file(
            Scorer(artifact),
            source,
            output,
            chunk_rows=chunk_rows,
            per_customer=per_customer,
            explain=explain,
        )
    except (ArtifactError, RawFormatError, NoExplanations) as error:
        _fail(str(error))
    typer.echo(f"scored {summary.rows} rows with {artifact.version} into {output}")
    if summary.rows_with_unread:
        typer.echo(
            f"{summary.rows_with_unread} rows had values the model could not read and took as "
            "missing: see their unread_fields column"
        )


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[
        Optional[int], typer.Option(help="Port to listen on (default: CREDIT_PORT, 8000).")
    ] = None,
    workers: Annotated[
        Optional[int], typer.Option(min=1, help="Worker processes (default: CREDIT_WORKERS).")
    ] = None,
) -> None:
    """Serve the API (settings from CREDIT_* environment variables and .env)."""
    import uvicorn

    from credit_scoring.service.workers import SERVER_OPTIONS
    from credit_scoring.service.settings import Settings

    settings = Settings()
    _fetch_models(settings.model_uri, settings.model_path, settings)
    _fetch_models(settings.challenger_uri, settings.challengers_folder, settings)

    processes = workers or settings.workers
    with _folder_shared_by(processes):
        uvicorn.run(
            "credit_scoring.service.app:app_from_environment",
            factory=True,
            host=host,
            port=port or settings.port,
            workers=processes,
            access_log=False,
            log_config=None,
            **SERVER_OPTIONS,
        )


def _fetch_models(uris: str | None, folder: Path, settings: Settings) -> None:
    """Fetch each model ``uris`` names (comma-separated; ``s3://`` or ``models:/``) into
    ``folder`` before serving; a registry or store that fails stops the start in one line."""
    named = [uri.strip() for uri in (uris or "").split(",") if uri.strip()]
    if not named:  # the fetching code imports the model's libraries: none to fetch, none
        return  # imported (serve's supervising process stays light)
    from credit_scoring.service.model_registry import (
        RegistryError,
        fetch_registered,
        is_registry_uri,
    )
    from credit_scoring.service.model_store import fetch_model
    from credit_scoring.service.object_store import StoreError

    for uri in named:
        try:
            if is_registry_uri(uri):
                fetched = fetch_registered(uri, folder, settings.mlflow_tracking_uri)
            else:
                fetched = fetch_model(uri, folder)
        except (RegistryError, StoreError, ValueError) as error:
            _fail(f"cannot fetch {uri}: {error}")
        typer.echo(f"fetched {uri} into {fetched}")


@contextmanager
def _folder_shared_by(workers: int) -> Iterator[None]:
    """With several workers, an empty folder they share (``service.workers``: their metric
    files, which a scrape of any worker sums, and their rate-limit buckets), named in the
    environment they inherit, removed when the server stops."""
    if workers == 1:
        yield
        return
    import shutil
    import tempfile

    from credit_scoring.service.workers import SHARED_FOLDER

    folder = tempfile.mkdtemp(prefix="credit-workers-")
    os.environ[SHARED_FOLDER] = folder
    try:
        yield
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@app.command()
def probe(
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the answer.")] = 3.0,
) -> None:
    """Exit 0 when the local API can decide (GET /ready is 200): the container health check."""
    import http.client

    from credit_scoring.service.settings import Settings

    connection = http.client.HTTPConnection("127.0.0.1", Settings().port, timeout=timeout)
    try:
        connection.request("GET", "/ready")
        status = connection.getresponse().status
    except OSError as error:
        _fail(f"the API does not answer: {error}")
    finally:
        connection.close()
    if status != 200:
        _fail(f"the API is not ready: GET /ready answered {status}")
    typer.echo("ready")


def _started_seaweed(setup: LocalSetup, port: int, data_dir: Path) -> LocalSeaweed:
    """A running local SeaweedFS with the bucket, or a clear error (a port in use, say)."""
    from credit_scoring.dev.seaweed import LocalSeaweed, busy_ports
    from credit_scoring.service.object_store import StoreError

    busy = busy_ports(setup.ports.s3_ports() | {port: "the API"})
    if busy:
        _fail(
            f"port {', '.join(busy)} is in use: stop what holds it, or choose another port "
            "(--port / make run PORT=... for the API, CREDIT_S3_ENDPOINT_URL in .env for S3)"
        )
    seaweed = LocalSeaweed(data_dir, setup.access_key, setup.secret_key, setup.ports)
    typer.echo(f"starting SeaweedFS (S3 API on {seaweed.endpoint}, data in {data_dir}) ...")
    try:
        seaweed.start()
        seaweed.store(setup.bucket).ensure_bucket()
    except (RuntimeError, StoreError) as error:
        seaweed.stop()
        _fail(f"SeaweedFS did not start ({type(error).__name__}); see {data_dir}/weed.log")
    except BaseException:  # Ctrl-C or SIGTERM while it starts
        seaweed.stop()
        raise
    return seaweed


def _exit_on_sigterm(signum: int, frame: object) -> NoReturn:
    """SIGTERM ends the command like Ctrl-C does: through its ``finally`` clauses."""
    raise SystemExit(128 + signum)


@app.command("run-local")
def run_local(
    port: Annotated[int, typer.Option(help="API port.")] = 8000,
    data_dir: Annotated[Path, typer.Option(help="Where SeaweedFS keeps its data.")] = Path(
        "data/seaweedfs"
    ),
) -> None:
    """Start SeaweedFS (S3 API), create the bucket, serve the API; Ctrl-C stops both."""
    import os
    import signal

    from credit_scoring.dev.environment import DEV_CLIENT, ensure_dev_key, local_setup
    from credit_scoring.dev.examples import try_commands

    try:
        key = ensure_dev_key(Path(".env"), Path("data/dev_api_key"))
        setup = local_setup(Path(".env"), key, api_port=port)
    except ValueError as error:
        _fail(str(error))
    # Uvicorn handles SIGTERM while it serves, then sends it again: without this, the
    # default action would end the process there and leave SeaweedFS running.
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    seaweed = _started_seaweed(setup, port, data_dir)
    try:
        # A local run may serve a synthetic or unsigned model: a demonstration, and says so.
        os.environ["CREDIT_ALLOW_SYNTHETIC_MODEL"] = "true"
        os.environ["CREDIT_ALLOW_UNSIGNED_MODEL"] = "true"
        # It listens on 127.0.0.1 only: its metrics need no token.
        os.environ["CREDIT_METRICS_PUBLIC"] = "true"
        typer.echo(setup.model_note)
        typer.echo(f"development API key (client {DEV_CLIENT!r}): {key}")
        for line in try_commands(setup.served, key=key, port=port):
            typer.echo(line)
        base = f"http://127.0.0.1:{port}"
        typer.echo(f"drift:   curl -s -H 'x-api-key: {key}' {base}/monitoring/drift")
        typer.echo(f"metrics: curl -s {base}/metrics")
        serve(host="127.0.0.1", port=port, workers=1)
    finally:
        seaweed.stop()
        typer.echo("SeaweedFS stopped")


@app.command("mlflow-local")
def mlflow_local(
    port: Annotated[int, typer.Option(help="The tracking server's port.")] = 5000,
    data_dir: Annotated[Path, typer.Option(help="Its SQLite file and SeaweedFS.")] = Path(
        "data/mlflow"
    ),
) -> None:
    """Start a local MLflow tracking server and registry (SQLite, artifacts in a local
    SeaweedFS); Ctrl-C stops it."""
    import signal
    import time

    from credit_scoring.dev.mlflow_server import LocalMlflow
    from credit_scoring.dev.seaweed import busy_ports

    if busy_ports({port: "MLflow"}):
        _fail(f"port {port} is in use: stop what holds it, or choose another (--port)")
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    server = LocalMlflow(data_dir, port)
    typer.echo(f"starting MLflow on {server.uri} (data in {data_dir}) ...")
    try:
        server.start()
        typer.echo(
            f"MLflow serves {server.uri}; use it with CREDIT_MLFLOW_TRACKING_URI="
            f"{server.uri} (or --tracking-uri). Ctrl-C stops it."
        )
        while True:
            time.sleep(3600)
    except RuntimeError as error:
        _fail(str(error))
    finally:
        server.stop()
        typer.echo("MLflow stopped")


@app.command("hash-key")
def hash_key_command(key: Annotated[str, typer.Argument(help="An API key to configure.")]) -> None:
    """Print the sha256 under which an API key goes into CREDIT_API_KEYS."""
    from credit_scoring.service.auth import hash_key

    typer.echo(hash_key(key))


model_app = typer.Typer(
    help="Trained models: check the quality gate, publish.", no_args_is_help=True
)
app.add_typer(model_app, name="model")
ModelArgument = Annotated[Path, typer.Argument(help="A version directory or profile folder.")]


@model_app.command("check")
def model_check(model: ModelArgument) -> None:
    """Verify a model's signature, checksum and quality gate; exit 2 unless it may go to
    production (the signing key from CREDIT_MODEL_SIGNING_KEY)."""
    from credit_scoring.ml.artifact import ArtifactError, verified_metadata
    from credit_scoring.ml.quality_gate import evaluate_gate

    try:
        directory, metadata = verified_metadata(model, _signing_key(), signature_required=True)
    except ArtifactError as error:
        _fail(str(error))
    typer.echo(f"pass  signature: {directory.name} is signed and unchanged")
    checks = evaluate_gate(metadata)
    for check in checks:
        typer.echo(f"{'pass' if check.passed else 'FAIL'}  {check.name}: {check.detail}")
    if not all(check.passed for check in checks):
        _fail(f"{directory.name} did not pass its quality gate: not for production")
    typer.echo(f"{directory.name} passed its quality gate")


@model_app.command("sign")
def model_sign(model: ModelArgument) -> None:
    """Sign a model with CREDIT_MODEL_SIGNING_KEY (the service refuses unsigned models)."""
    from credit_scoring.ml.artifact import ArtifactError, sign_artifact

    key = _signing_key()
    if not key:
        _fail("set CREDIT_MODEL_SIGNING_KEY (in the environment or .env) to sign")
    try:
        directory = sign_artifact(model, key)
    except ArtifactError as error:
        _fail(str(error))
    typer.echo(f"signed {directory}")


TrackingUriOption = Annotated[
    Optional[str],
    typer.Option(help="MLflow tracking server (default: CREDIT_MLFLOW_TRACKING_URI)."),
]


@model_app.command("publish")
def model_publish(
    model: ModelArgument,
    to: Annotated[
        Optional[str], typer.Option(help="s3://bucket/prefix/ of published models.")
    ] = None,
    endpoint_url: Annotated[Optional[str], typer.Option(help="S3 endpoint (default: AWS).")] = None,
    registry: Annotated[
        bool, typer.Option(help="Register it in the MLflow registry (alias challenger).")
    ] = False,
    tracking_uri: TrackingUriOption = None,
) -> None:
    """Upload a model that passed its quality gate to a bucket (print the MODEL_URI that
    deploys it), or register it in MLflow as its profile's challenger."""
    from credit_scoring.ml.artifact import ArtifactError
    from credit_scoring.service.object_store import StoreError
    from credit_scoring.service.model_store import publish_model, store_for

    if (to is None) == (not registry):
        _fail("say where: --to s3://bucket/prefix/ or --registry")
    try:
        if registry:
            name, version = _register(model, _tracking_uri(tracking_uri))
            typer.echo(
                f"registered {name} version {version} (alias challenger); deploy it "
                f"with MODEL_URI=models:/{name}/{version}, or promote it"
            )
            return
        uri = publish_model(model, str(to), store_for(str(to), endpoint_url), _signing_key())
    except (ArtifactError, ValueError) as error:
        _fail(str(error))
    except StoreError as error:
        _fail(f"the object store failed: {error}")
    typer.echo(f"published; deploy it with MODEL_URI={uri}")


def _tracking_uri(given: str | None) -> str:
    """The tracking server from the option or the settings; a clear error without one."""
    uri = given or _settings().mlflow_tracking_uri
    if not uri:
        _fail("no MLflow server: --tracking-uri or CREDIT_MLFLOW_TRACKING_URI (make mlflow)")
    return uri


def _register(model: Path, tracking_uri: str) -> tuple[str, str]:
    """``ml.registry.publish``, its server's failures said in one line."""
    try:
        from mlflow.exceptions import MlflowException

        from credit_scoring.ml.registry import publish
    except ImportError:
        _fail("the registry needs mlflow: pip install -r requirements-dev.txt (group mlflow)")
    try:
        return publish(model, tracking_uri, _signing_key())
    except MlflowException as error:
        _fail(f"the MLflow server refused: {error.message}")


@model_app.command("promote")
def model_promote(
    profile: Annotated[str, typer.Argument(help="The profile (its registered model's name).")],
    version: Annotated[str, typer.Argument(help="The registered version to make champion.")],
    tracking_uri: TrackingUriOption = None,
) -> None:
    """Make a registered version its profile's champion (the alias services deploy)."""
    try:
        from credit_scoring.ml.registry import promote
    except ImportError:
        _fail("the registry needs mlflow: pip install -r requirements-dev.txt (group mlflow)")
    from mlflow.exceptions import MlflowException

    try:
        done = promote(_known_profile(profile), version, _tracking_uri(tracking_uri))
    except ValueError as error:
        _fail(str(error))
    except MlflowException as error:
        _fail(f"the MLflow server refused: {error.message}")
    replaced = (
        "already champion: nothing changed"
        if done.replaced == done.version
        else f"replacing version {done.replaced}" if done.replaced else "the first champion"
    )
    typer.echo(f"{done.name} version {done.version} is champion ({replaced})")


audit_app = typer.Typer(help="The audit log: export records of a period.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("create-bucket")
def audit_create_bucket(
    also: Annotated[
        Optional[list[str]], typer.Argument(help="Other buckets of the same store (mlflow).")
    ] = None,
) -> None:
    """Create the audit bucket, and any other named, if missing (local stores and Compose;
    AWS provisions its own)."""
    from credit_scoring.service.object_store import StoreError, object_store
    from credit_scoring.service.settings import Settings

    settings = Settings()
    for bucket in [settings.s3_bucket, *(also or [])]:
        try:
            object_store(settings.model_copy(update={"s3_bucket": bucket})).ensure_bucket()
        except StoreError as error:
            _fail(f"the object store failed: {error}")
        typer.echo(f"bucket {bucket} ready")


FEEDBACK_LOOKBACK_DAYS = 90


@audit_app.command("export")
def audit_export(
    start: Annotated[str, typer.Option("--from", help="First day, YYYY-MM-DD (UTC).")],
    end: Annotated[str, typer.Option("--to", help="Last day, YYYY-MM-DD (UTC).")],
    output: Annotated[Path, typer.Option(help="A .parquet or .csv file.")],
    profile: ProfileOption = DEFAULT_PROFILE,
    kind: Annotated[Stream, typer.Option(help="Which records.")] = Stream.PREDICTIONS,
    decisions_since: Annotated[
        str | None,
        typer.Option(
            help="Feedback: first day of the decisions it is matched to "
            f"(default: {FEEDBACK_LOOKBACK_DAYS} days before --from)."
        ),
    ] = None,
) -> None:
    """Write the audit records of a period, each decision once (store settings from .env).

    Feedback comes with its match: the decision of the same client it names, or
    "unmatched" / "ambiguous"; unmatched feedback is kept, never dropped.
    """
    from credit_scoring.service.audit.export import period_records, write_table
    from credit_scoring.service.object_store import StoreError, object_store
    from credit_scoring.service.settings import Settings

    try:
        first, last, since = _export_days(start, end, decisions_since)
        records = period_records(object_store(Settings()), kind, profile, (first, last), since)
        rows = write_table(records, output)
    except StoreError as error:
        _fail(f"the object store failed: {error}")
    except ValueError as error:
        _fail(str(error))
    typer.echo(f"exported {rows} {kind.value} records to {output}")


@app.command("drift-report")
def drift_report(
    start: Annotated[str, typer.Option("--from", help="First day, YYYY-MM-DD (UTC).")],
    end: Annotated[str, typer.Option("--to", help="Last day, YYYY-MM-DD (UTC).")],
    profile: ProfileOption = DEFAULT_PROFILE,
    output: Annotated[
        Optional[Path], typer.Option(help="The HTML file (default: data/processed/...).")
    ] = None,
    model: Annotated[
        Optional[Path],
        typer.Option(help="The model whose training inputs are the reference (default: LATEST)."),
    ] = None,
) -> None:
    """Monitoring over a period of audit records (store settings from .env): each input's
    PSI against the model's training inputs, the distributions of those that drifted, the
    credit class and decision mix per day, outcomes from the feedback received so far beside
    what the model expected, approval by audited attribute, and a challenger scored in the
    shadows beside the deciding model; one HTML file with its plots."""
    from credit_scoring.ml.artifact import ArtifactError, read_metadata, resolve
    from credit_scoring.monitoring.challenger import in_words
    from credit_scoring.monitoring.drift_report import ReportPeriod, drifted, write_drift_report
    from credit_scoring.monitoring.period import PeriodDecisions
    from credit_scoring.service.audit.export import match_feedback, read_records
    from credit_scoring.service.object_store import StoreError, object_store
    from credit_scoring.service.settings import Settings

    settings = Settings()
    target = output or Path("data/processed") / profile / f"drift-{start}-to-{end}.html"
    try:
        first, last, _ = _export_days(start, end, None)
        metadata = read_metadata(resolve(model or settings.model_path / profile))
        store = object_store(settings)
        records = read_records(store, Stream.PREDICTIONS, profile, first, last)
        if not records:
            _fail(f"no {profile} decisions from {first} to {last} in the audit log")
        # outcomes arrive late: every feedback since the period began counts
        today = datetime.now(timezone.utc).date()
        feedback = read_records(store, Stream.FEEDBACK, profile, first, max(today, last))
        period = ReportPeriod(first, last, metadata, match_feedback(feedback, records))
        decisions = PeriodDecisions.of(records, profiles.get_profile(profile))
        drift = write_drift_report(decisions, period, target)
    except StoreError as error:
        _fail(f"the object store failed: {error}")
    except (ArtifactError, ValueError) as error:
        _fail(str(error))
    summary = ", ".join(f"{r['input']} {r['psi']:.3f} ({r['level']})" for r in drifted(drift))
    typer.echo(f"{len(records):,} decisions; drifted: {summary or 'none'}")
    shadow = in_words(decisions.answers)
    if shadow:
        typer.echo(shadow)
    typer.echo(f"report: {target}")


def _export_days(start: str, end: str, decisions_since: str | None) -> tuple[date, date, date]:
    """The first and last day of an export, and the first day of the decisions feedback is
    matched to (ValueError for a date that is not YYYY-MM-DD)."""
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    if decisions_since:
        return first, last, date.fromisoformat(decisions_since)
    return first, last, first - timedelta(days=FEEDBACK_LOOKBACK_DAYS)


if __name__ == "__main__":
    app()
