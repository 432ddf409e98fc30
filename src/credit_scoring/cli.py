"""The one command-line entry point: ``credit-scoring``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from credit_scoring.logging_setup import configure_logging
from credit_scoring.profiles import DEFAULT_PROFILE, get_profile

app = typer.Typer(
    help="Credit decision service: data, training, batch scoring, serving.",
    no_args_is_help=True,
    add_completion=False,
)

ProfileOption = Annotated[str, typer.Option(help="Dataset profile.")]


def _fail(message: str) -> None:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code=2)


@app.callback()
def main(verbose: Annotated[bool, typer.Option(help="Debug logging.")] = False) -> None:
    """Configure logging once for every command."""
    configure_logging("DEBUG" if verbose else "INFO")


@app.command()
def data(
    profile: ProfileOption = DEFAULT_PROFILE,
    rows: Annotated[int, typer.Option(min=8, help="Rows to generate (8 per customer).")] = 100_000,
    seed: Annotated[int, typer.Option(help="Random seed; same seed, same file.")] = 42,
    output: Annotated[Optional[Path], typer.Option(help="Output CSV path.")] = None,
) -> None:
    """Generate a synthetic raw file in the exact Kaggle train.csv format."""
    from credit_scoring.ml import synthetic

    get_profile(profile)
    target = output or Path("data/raw") / profile / "synthetic_train.csv"
    side = synthetic.write(synthetic.generate(rows, seed), str(target))
    typer.echo(f"wrote {target} ({rows // 8 * 8} rows) and true probabilities {side}")


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
) -> None:
    """Train, evaluate and save a versioned artifact (and point LATEST at it)."""
    from credit_scoring.ml.raw_data import RawFormatError, default_training_file
    from credit_scoring.ml.training import PRESETS, TrainConfig
    from credit_scoring.ml.training import train as run_training

    if preset not in PRESETS:
        _fail(f"unknown preset {preset!r}; choose one of {', '.join(PRESETS)}")
    path = data_path or default_training_file(get_profile(profile))
    config = TrainConfig(
        data_path=path,
        profile=profile,
        models_root=models_root,
        preset=preset,
        seed=seed,
        target_recall=target_recall,
        recall_margin=recall_margin,
    )
    try:
        directory = run_training(config)
    except (RawFormatError, ValueError) as error:
        _fail(str(error))
    typer.echo(f"artifact: {directory}\nreport:   {directory / 'report.md'}")


@app.command()
def score(
    input_path: Annotated[Path, typer.Option("--input", help="Raw-format CSV to score.")],
    output: Annotated[Path, typer.Option(help="Where to write the scored CSV.")],
    model: Annotated[
        Optional[Path], typer.Option(help="Version dir or profile folder (default: LATEST).")
    ] = None,
    profile: ProfileOption = DEFAULT_PROFILE,
    chunk_rows: Annotated[int, typer.Option(min=1)] = 50_000,
) -> None:
    """Score a raw file with the same Pipeline, streaming it in chunks."""
    from credit_scoring.ml.artifact import ArtifactError, load_artifact
    from credit_scoring.ml.raw_data import RawFormatError
    from credit_scoring.ml.scoring import score_file

    try:
        artifact = load_artifact(model or Path("src/models") / profile)
        rows = score_file(artifact, input_path, output, chunk_rows=chunk_rows)
    except (ArtifactError, RawFormatError) as error:
        _fail(str(error))
    typer.echo(f"scored {rows} rows with {artifact.version} into {output}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
) -> None:
    """Serve the API (settings from CREDIT_* environment variables and .env)."""
    import uvicorn

    uvicorn.run(
        "credit_scoring.service.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        log_config=None,
    )


@app.command("dev-key")
def dev_key(
    env_file: Annotated[Path, typer.Option(help="The .env file that gets the key's hash.")] = Path(
        ".env"
    ),
    key_file: Annotated[Path, typer.Option(help="Where the local key itself is kept.")] = Path(
        "data/dev_api_key"
    ),
) -> None:
    """Create (once) and print a development API key; its sha256 goes into .env."""
    from credit_scoring.service.dev_key import DEV_CLIENT, ensure_dev_key

    key = ensure_dev_key(env_file, key_file)
    typer.echo(f"development API key (client {DEV_CLIENT!r}): {key}")
    typer.echo(
        f"try: curl -s -H 'x-api-key: {key}' -H 'Content-Type: application/json' "
        "-d @../shared/contracts/credit_score_english.json http://127.0.0.1:8000/predict"
    )


@app.command("hash-key")
def hash_key_command(key: Annotated[str, typer.Argument(help="An API key to configure.")]) -> None:
    """Print the sha256 under which an API key goes into CREDIT_API_KEYS."""
    from credit_scoring.service.auth import hash_key

    typer.echo(hash_key(key))


if __name__ == "__main__":
    app()
