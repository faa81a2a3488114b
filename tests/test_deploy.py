"""The deployment (docs/deploy.md): Dockerfile, compose.yaml and the nightly scheduler script.

The compose file is validated by ``docker compose config`` (or ``docker-compose``) where one
is installed; the image is built and run where a Docker daemon answers and the base image can
be had. Each skips with the reason otherwise. The Dockerfile's stages and the scheduler
script are checked everywhere.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from api.config import Settings

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "compose.yaml"
DOCKERFILE = ROOT / "Dockerfile"
NIGHTLY = ROOT / "deploy" / "nightly.sh"
SECRETS = {"POSTGRES_PASSWORD": "test-password", "PLACEMENT_JWT_SECRET": "j" * 48}
IMAGE = "placement-matcher:test"


@functools.cache
def _compose() -> tuple[list[str] | None, str]:
    """The compose command here, or None with why there is none."""
    if shutil.which("docker"):
        plugin = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)
        if plugin.returncode == 0:
            return ["docker", "compose"], ""
    if shutil.which("docker-compose"):
        return ["docker-compose"], ""
    return None, "neither `docker compose` (the plugin) nor docker-compose is installed"


def _config(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command, reason = _compose()
    if command is None:
        pytest.skip(reason)
    clean = {k: v for k, v in os.environ.items() if k not in SECRETS}
    return subprocess.run(
        [*command, "--file", str(COMPOSE), "config"],
        env=clean | env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_compose_file_is_valid_and_wires_the_services() -> None:
    done = _config(SECRETS)
    assert done.returncode == 0, done.stderr
    services: dict[str, Any] = yaml.safe_load(done.stdout)["services"]
    assert set(services) == {"db", "redis", "migrate", "app", "nightly"}
    app = services["app"]
    env = app["environment"]
    assert int(env["PLACEMENT_WORKERS"]) > 1
    assert env["PLACEMENT_REDIS_URL"].startswith("redis://redis:")
    assert env["DATABASE_URL"] == "postgresql://placement:test-password@db:5432/placement"
    conditions = {name: dep["condition"] for name, dep in app["depends_on"].items()}
    assert conditions == {
        "db": "service_healthy",
        "redis": "service_healthy",
        "migrate": "service_completed_successfully",
    }
    assert "/ready" in " ".join(app["healthcheck"]["test"])
    for name in ("db", "redis"):
        assert services[name]["healthcheck"]["test"][0] == "CMD"
    assert services["migrate"]["command"] == ["placement-api", "db", "upgrade"]
    assert services["nightly"]["command"] == ["placement-nightly"]
    assert services["nightly"]["environment"]["NIGHTLY_AT"] == "02:30"


def test_compose_settings_are_settings_the_service_reads() -> None:
    """A misspelt PLACEMENT_ variable would be ignored silently: each must name a Settings field."""
    done = _config(SECRETS)
    assert done.returncode == 0, done.stderr
    fields = set(Settings.model_fields)
    for name, service in yaml.safe_load(done.stdout)["services"].items():
        for key in service.get("environment", {}):
            if key.startswith("PLACEMENT_"):
                assert key.removeprefix("PLACEMENT_").lower() in fields, f"{name}: {key}"


def test_compose_refuses_to_start_without_its_secrets() -> None:
    done = _config({"PLACEMENT_JWT_SECRET": SECRETS["PLACEMENT_JWT_SECRET"]})
    assert done.returncode != 0
    assert "POSTGRES_PASSWORD" in done.stderr


def _stages() -> list[list[str]]:
    """The Dockerfile's instructions (continuation lines joined), split into build stages."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    stages: list[list[str]] = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("FROM "):
            stages.append([])
        if stages and line and not line.startswith("#"):
            stages[-1].append(line)
    return stages


def test_dockerfile_final_stage_runs_unprivileged_without_build_tools() -> None:
    stages = _stages()
    assert len(stages) >= 2, "multi-stage"
    final = stages[-1]
    users = [line.split()[1] for line in final if line.startswith("USER ")]
    assert users and users[-1] not in {"root", "0"}
    joined = "\n".join(final)
    assert "COPY --from=build /opt/venv /opt/venv" in joined
    for tool in ("gcc", "build-essential", "pip install", "apt-get install", "git "):
        assert tool not in joined, f"{tool!r} in the final stage"
    assert any(line.startswith("HEALTHCHECK") and "/ready" in line for line in final)
    assert "python -m matcher.train" in "\n".join(stages[0]), "the text model is trained in the image"


@pytest.fixture
def fake_commands(tmp_path: Path) -> Path:
    """A ``placement-api`` that records its arguments and fails ``rematch`` when told to."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "placement-api"
    body = ['echo "$@" >> "$CALLS"', '[ "$1" = rematch ] && [ -n "${FAIL_REMATCH:-}" ] && exit 1', "exit 0"]
    script.write_text("#!/bin/sh\n" + "\n".join(body) + "\n")
    script.chmod(0o755)
    return bin_dir


@pytest.mark.parametrize("fail", [False, True])
def test_nightly_runs_the_rematch_then_a_checkpoint_even_after_a_failure(
    fake_commands: Path, tmp_path: Path, fail: bool
) -> None:
    calls = tmp_path / "calls"
    env = os.environ | {
        "PATH": f"{fake_commands}:{os.environ['PATH']}",
        "CALLS": str(calls),
        "NIGHTLY_ARGS": "--n-jobs 2",
    }
    if fail:
        env["FAIL_REMATCH"] = "1"
    done = subprocess.run(["sh", str(NIGHTLY), "now"], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert calls.read_text().splitlines() == ["rematch --n-jobs 2", "audit checkpoint"]
    assert ("re-match failed" in done.stderr) is fail


def test_nightly_refuses_a_bad_time() -> None:
    env = os.environ | {"NIGHTLY_AT": "25:99"}
    done = subprocess.run(
        ["sh", str(NIGHTLY)], env=env, capture_output=True, text=True, timeout=10, check=False
    )
    assert done.returncode == 2 and "NIGHTLY_AT must be HH:MM" in done.stderr


def _docker(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout, check=False)


def _base_image() -> str:
    """The Dockerfile's default base image, or PLACEMENT_TEST_PYTHON_IMAGE (a local mirror)."""
    default = re.search(r"^ARG PYTHON_IMAGE=(\S+)", DOCKERFILE.read_text(encoding="utf-8"), re.M)
    assert default is not None
    return os.environ.get("PLACEMENT_TEST_PYTHON_IMAGE", default.group(1))


@pytest.mark.slow
def test_image_builds_and_runs_as_a_non_root_user_with_the_trained_model() -> None:
    if shutil.which("docker") is None:
        pytest.skip("docker is not installed")
    info = _docker("info", "--format", "{{.ServerVersion}}")
    if info.returncode != 0:
        pytest.skip(f"no Docker daemon answers: {info.stderr.strip().splitlines()[-1]}")
    base = _base_image()
    if _docker("image", "inspect", base).returncode != 0:
        pulled = _docker("pull", base, timeout=300)
        if pulled.returncode != 0:
            pytest.skip(f"base image {base} cannot be pulled here: {pulled.stderr.strip().splitlines()[-1]}")
    build = _docker("build", "--build-arg", f"PYTHON_IMAGE={base}", "--tag", IMAGE, str(ROOT), timeout=3600)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    user = _docker("run", "--rm", IMAGE, "id", "-u")
    assert user.returncode == 0 and user.stdout.strip() not in {"", "0"}, user.stderr
    probe = "from matcher.assembly import trained_text_model; print(trained_text_model()[0] is not None)"
    loaded = _docker("run", "--rm", IMAGE, "python", "-c", probe)
    assert loaded.stdout.strip() == "True", loaded.stderr
    tools = _docker(
        "run", "--rm", IMAGE, "sh", "-c", "for t in gcc cc make git; do command -v $t; done; true"
    )
    assert tools.stdout.strip() == "", f"build tools in the image: {tools.stdout}"
    usage = _docker("run", "--rm", IMAGE, "placement-api", "--help")
    assert usage.returncode == 0 and "serve" in usage.stdout
