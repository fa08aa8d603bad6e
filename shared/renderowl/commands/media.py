"""`renderowl render | validate | schema | samples`: the render engine on one machine.

Thin on purpose: parse arguments, call `renderowl.spec` / `renderowl.media`, print. Local ``src`` paths
are resolved relative to the spec file; ``asset://`` sources need the cloud (or the local cloud).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from renderowl.errors import RenderowlError, ValidationFailedError

console = Console(stderr=True)


def _load(spec_path: Path, overrides: list[str] | None) -> dict[str, Any]:
    try:
        raw = json.loads(spec_path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise typer.BadParameter(f"cannot read {spec_path}: {exc.strerror}") from exc
    except ValueError as exc:
        raise ValidationFailedError(
            "spec is not valid JSON", details=[{"path": "spec", "message": f"is not valid JSON: {exc}"}]
        ) from exc
    if overrides and isinstance(raw, dict):
        merge = [m for m in raw.get("merge") or [] if isinstance(m, dict)]
        for item in overrides:
            name, sep, value = item.partition("=")
            if not sep or not name:
                raise typer.BadParameter(f"--set expects name=value, got {item!r}")
            merge = [m for m in merge if m.get("find") != name] + [{"find": name, "replace": value}]
        raw["merge"] = merge
    return raw


def _print_problems(error: ValidationFailedError) -> None:
    console.print(f"[red]✗ {error.message}[/red]")
    for problem in error.details or []:
        console.print(f"  [bold]{problem['path']}[/bold]: {problem['message']}")


def _local_files(spec_path: Path, sources: set[str]) -> dict[str, Path]:
    """Map each ``src`` to a file relative to the spec; report every missing one at once."""
    base = spec_path.resolve().parent
    found: dict[str, Path] = {}
    problems = []
    for src in sorted(sources):
        if src.startswith("asset://"):
            problems.append({"path": src, "message": "asset:// needs the cloud; the CLI renders local files"})
            continue
        path = Path(src).expanduser()
        path = path if path.is_absolute() else base / path
        if path.is_file():
            found[src] = path
        else:
            problems.append({"path": src, "message": f"no such file: {path}"})
    if problems:
        raise ValidationFailedError("source files are missing", details=problems)
    return found


def register(app: typer.Typer) -> None:
    """Attach the media commands to the main app."""

    @app.command()
    def render(
        spec_path: Annotated[Path, typer.Argument(metavar="SPEC.json", help="The render spec.")],
        output: Annotated[Path, typer.Option("--output", "-o", help="Output file.")],
        set_: Annotated[
            list[str] | None, typer.Option("--set", help="Merge field: name=value (repeatable).")
        ] = None,
        timeout: Annotated[float | None, typer.Option(help="Stop after this many seconds.")] = None,
    ) -> None:
        """Render SPEC.json to OUTPUT with a progress bar."""
        from renderowl.media import prepare_sources
        from renderowl.media import render as run_render
        from renderowl.spec import collect_sources, parse_spec

        try:
            spec = parse_spec(_load(spec_path, set_), allow_local_paths=True)
            files = _local_files(spec_path, collect_sources(spec))
            sources = prepare_sources(spec, files.__getitem__)
            with Progress(
                TextColumn("[bold]rendering[/bold]"),
                BarColumn(),
                TaskProgressColumn(),
                TimeElapsedColumn(),
                console=console,
            ) as progress:
                task = progress.add_task("render", total=100)
                result = run_render(
                    spec,
                    sources,
                    output,
                    timeout=timeout,
                    on_progress=lambda fraction: progress.update(task, completed=fraction * 100),
                )
                progress.update(task, completed=100)
        except ValidationFailedError as error:
            _print_problems(error)
            raise typer.Exit(1) from error
        except RenderowlError as error:
            console.print(f"[red]✗ {error.code}: {error.message}[/red]")
            stderr = (error.details or {}).get("stderr") if isinstance(error.details, dict) else None
            for line in stderr or []:
                console.print(f"  {line}", markup=False)
            raise typer.Exit(2) from error
        for produced in result.files:
            console.print(
                f"[green]✓[/green] {produced.role}: {produced.path} ({produced.size_bytes:,} bytes)"
            )
        console.print(f"rendered {result.duration:g}s in {result.elapsed:.2f}s")

    @app.command()
    def validate(
        spec_path: Annotated[Path, typer.Argument(metavar="SPEC.json", help="The render spec.")],
        set_: Annotated[list[str] | None, typer.Option("--set", help="Merge field: name=value.")] = None,
    ) -> None:
        """Check SPEC.json; print every problem with its path (exit 1) or nothing wrong (exit 0)."""
        from renderowl.spec import parse_spec

        try:
            parse_spec(_load(spec_path, set_), allow_local_paths=True)
        except ValidationFailedError as error:
            _print_problems(error)
            raise typer.Exit(1) from error
        console.print(f"[green]✓[/green] {spec_path} is valid")

    @app.command()
    def schema() -> None:
        """Print the JSON Schema of a render spec."""
        from renderowl.spec import json_schema

        typer.echo(json.dumps(json_schema(), indent=2))

    @app.command()
    def samples(
        directory: Annotated[Path, typer.Argument(help="Where to write the sample media.")],
    ) -> None:
        """Generate the sample media the examples use (synthetic; nothing is downloaded)."""
        from renderowl.media.samples import generate_samples

        for path in generate_samples(directory):
            console.print(f"[green]✓[/green] {path}")
