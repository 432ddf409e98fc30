"""Dockerfile, docker-compose.yml, Prometheus config and .env.example, held to the app."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import yaml

from fastapi.testclient import TestClient

from credit_scoring.service.app import create_app
from credit_scoring.service.settings import Settings
from tests.helpers import make_settings

ROOT = Path(__file__).resolve().parents[1]
SETTING_NAMES = {f"CREDIT_{name.upper()}" for name in Settings.model_fields}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return loaded


@pytest.fixture(scope="module")
def routes() -> set[str]:
    app = create_app(Settings(_env_file=None))  # type: ignore[call-arg]
    return set(app.openapi()["paths"])


def dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text()


class _CloudFormation(yaml.SafeLoader):
    """YAML with CloudFormation's short tags (!Ref, !Sub, ...) read as plain values."""


def _untagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


_CloudFormation.add_multi_constructor("!", _untagged)


def ecs_template() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.load(
        (ROOT / "deploy/ecs/service.yml").read_text(), Loader=_CloudFormation
    )
    return loaded


def workflow(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / ".github/workflows" / name).read_text())
    return loaded


def test_every_credit_variable_is_a_real_setting(compose: dict[str, Any]) -> None:
    """The service's settings; the ui service's variables are the app's own, which it reads."""
    app = (ROOT / "src/credit_scoring/ui/app.py").read_text()
    for name, service in compose["services"].items():
        for variable in service.get("environment", {}):
            if name == "ui":
                assert variable.startswith("CREDIT_UI_") and f'"{variable}"' in app, variable
            elif variable.startswith("CREDIT_") and name != "s3":
                assert variable in SETTING_NAMES, f"{name}: {variable} is not a setting"
    for variable in re.findall(r"CREDIT_[A-Z_]+", dockerfile()):
        assert variable in SETTING_NAMES, f"Dockerfile: {variable}"
    example = (ROOT / ".env.example").read_text()
    for variable in re.findall(r"^#?\s*(CREDIT_[A-Z_]+)=", example, re.MULTILINE):
        assert variable in SETTING_NAMES, f".env.example: {variable}"


def test_every_setting_is_documented_in_env_example() -> None:
    example = (ROOT / ".env.example").read_text()
    assert not {n for n in SETTING_NAMES if n not in example}


def test_ports_agree(compose: dict[str, Any]) -> None:
    api = compose["services"]["api"]
    container_port = int(api["ports"][0].split(":")[-1])
    assert f"EXPOSE {container_port}" in dockerfile()
    assert f"CREDIT_PORT={container_port}" in dockerfile()
    prometheus = yaml.safe_load((ROOT / "deploy/prometheus/prometheus.yml").read_text())
    (job,) = prometheus["scrape_configs"]
    assert job["static_configs"][0]["targets"] == [f"api:{container_port}"]


def test_health_checks_probe_readiness(compose: dict[str, Any], routes: set[str]) -> None:
    """Every container health check is `credit-scoring probe` (GET /ready): healthy only when
    the service can decide."""
    probe = ["CMD", "credit-scoring", "probe"]
    assert compose["services"]["api"]["healthcheck"]["test"] == probe
    assert 'CMD ["credit-scoring", "probe"]' in dockerfile()
    container = ecs_template()["Resources"]["TaskDefinition"]["Properties"]["ContainerDefinitions"]
    assert container[0]["HealthCheck"]["Command"] == probe
    assert "/ready" in routes
    prometheus = yaml.safe_load((ROOT / "deploy/prometheus/prometheus.yml").read_text())
    assert prometheus["scrape_configs"][0]["metrics_path"] in routes


def test_s3_endpoint_points_at_the_s3_service(compose: dict[str, Any]) -> None:
    s3_command = " ".join(compose["services"]["s3"]["command"])
    s3_port = int(re.search(r"-s3\.port=(\d+)", s3_command).group(1))  # type: ignore[union-attr]
    for name in ("api", "s3-init"):
        endpoint = urlparse(compose["services"][name]["environment"]["CREDIT_S3_ENDPOINT_URL"])
        assert (endpoint.hostname, endpoint.port) == ("s3", s3_port), name


def test_services_wait_for_healthy_dependencies(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["api"]["depends_on"]["s3"]["condition"] == "service_healthy"
    assert services["api"]["depends_on"]["s3-init"]["condition"] == "service_completed_successfully"
    assert services["prometheus"]["depends_on"]["api"]["condition"] == "service_healthy"
    for name in ("s3", "api", "prometheus"):
        assert "healthcheck" in services[name], name
    assert re.fullmatch(r"chrislusf/seaweedfs:\d+\.\d+", services["s3"]["image"])


def test_image_runs_as_non_root_with_exec_form_cmd() -> None:
    text = dockerfile()
    assert len(re.findall(r"^FROM ", text, re.M)) == 3 and "AS build" in text
    assert re.search(r"^USER 10001:10001$", text, re.MULTILINE)
    assert re.search(r'^CMD \["', text, re.MULTILINE)
    assert "--require-hashes" in text


def api_container(task: dict[str, Any]) -> dict[str, Any]:
    """The API's container of the task definition (the metrics sidecar is conditional)."""
    (container,) = [
        c for c in task["ContainerDefinitions"] if isinstance(c, dict) and c["Name"] == "api"
    ]
    return container


def test_the_ecs_spool_survives_a_replaced_task() -> None:
    """The spool is on EFS (encrypted, kept with the stack), mounted where the image spools,
    owned by the image's user, and a stopping task has time to flush."""
    template = ecs_template()
    resources, parameters = template["Resources"], template["Parameters"]
    filesystem = resources["SpoolFileSystem"]
    assert filesystem["DeletionPolicy"] == "Retain" and filesystem["Properties"]["Encrypted"]
    task = resources["TaskDefinition"]["Properties"]
    (volume,) = task["Volumes"]
    assert volume["EFSVolumeConfiguration"]["TransitEncryption"] == "ENABLED"
    container = api_container(task)
    (mount,) = container["MountPoints"]
    spool_dir = re.search(r"CREDIT_AUDIT_SPOOL_DIR=(\S+)", dockerfile())
    assert spool_dir is not None and mount["ContainerPath"] == spool_dir.group(1)
    environment = {item["Name"]: item["Value"] for item in container["Environment"]}
    assert environment["CREDIT_AUDIT_SPOOL_DIR"] == mount["ContainerPath"]
    user = re.search(r"^USER (\d+):(\d+)$", dockerfile(), re.MULTILINE)
    assert user is not None
    posix = resources["SpoolAccessPoint"]["Properties"]["PosixUser"]
    assert (posix["Uid"], posix["Gid"]) == user.groups()
    assert container["StopTimeout"] >= parameters["AuditFlushSeconds"]["MaxValue"] + 20


def test_deploys_only_after_ci_and_only_a_published_gated_model() -> None:
    ci, deploy = workflow("ci.yml"), workflow("deploy.yml")
    assert set(deploy[True]) == {"workflow_call"}, "deploy.yml has no trigger of its own"
    job = ci["jobs"]["deploy"]
    assert set(job["needs"]) == {"lint-and-test", "image"}
    assert job["uses"] == "$/.github/workflows/deploy.yml"  # this repository's own workflow
    assert set(job["secrets"]) == set(deploy[True]["workflow_call"]["secrets"])
    steps = " ".join(step.get("run", "") for step in deploy["jobs"]["deploy"]["steps"])
    assert "make train" not in steps
    assert 'if [ -z "${MODEL_URI}" ]' in steps and "exit 1" in steps
    assert "credit-scoring model check" in steps


def test_the_readme_route_table_lists_every_route(routes: set[str]) -> None:
    readme = (ROOT / "README.md").read_text()
    listed = set(re.findall(r"^\| `(?:GET|POST) (/[a-z0-9_/{}]*)` \|", readme, re.MULTILINE))
    assert listed == {re.sub(r"^/v1/[a-z_]+/", "/v1/{profile}/", route) for route in routes}


def test_api_keys_never_cross_the_internet_in_clear() -> None:
    """Without a certificate the stack is refused unless plain HTTP is explicitly allowed,
    and then the load balancer is internal; with one, plain HTTP only redirects."""
    template = ecs_template()
    resources, conditions = template["Resources"], template["Conditions"]
    rule = template["Rules"]["CertificateUnlessPlainHttpIsAllowed"]
    assert rule["RuleCondition"] == ["AllowPlainHttp", "false"]
    assert [a["Assert"] for a in rule["Assertions"]] == [[["CertificateArn", ""]]]
    assert template["Parameters"]["AllowPlainHttp"]["Default"] == "false"
    assert conditions["HasCertificate"] == [["CertificateArn", ""]]  # !Not [!Equals ...]
    condition, with_certificate, without = resources["HttpListener"]["Properties"]["DefaultActions"]
    assert condition == "HasCertificate"
    assert [a["Type"] for a in with_certificate] == ["redirect"]
    assert with_certificate[0]["RedirectConfig"]["Protocol"] == "HTTPS"
    assert [a["Type"] for a in without] == ["forward"]  # reachable only with AllowPlainHttp
    scheme = resources["LoadBalancer"]["Properties"]["Scheme"]
    assert scheme == ["PlainHttpAllowed", "internal", "internet-facing"]
    assert conditions["PlainHttpAllowed"] == ["AllowPlainHttp", "true"]
    assert "TLS13" in resources["HttpsListener"]["Properties"]["SslPolicy"]


def test_secrets_reach_the_container_from_ssm() -> None:
    """The API keys and the model signing key always, the metrics token when configured;
    none of them as plain environment."""
    template = ecs_template()
    container = api_container(template["Resources"]["TaskDefinition"]["Properties"])
    plain = [s["Name"] for s in container["Secrets"] if isinstance(s, dict)]
    assert plain == ["CREDIT_API_KEYS", "CREDIT_MODEL_SIGNING_KEY"]
    conditional = [s for s in container["Secrets"] if isinstance(s, list)]
    assert [(c, s["Name"]) for c, s, _ in conditional] == [
        ("HasMetricsToken", "CREDIT_METRICS_TOKEN_SHA256")
    ]
    names = {e["Name"] for e in container["Environment"]}
    assert not names & ({"CREDIT_METRICS_PUBLIC", "CREDIT_ALLOW_UNSIGNED_MODEL"} | set(plain))


def test_every_base_image_is_pinned_by_digest() -> None:
    """A ``FROM`` names an earlier stage or an image by digest, never by a tag alone."""
    stages: set[str] = set()
    for image, stage in re.findall(r"^FROM\s+(\S+)(?:\s+AS\s+(\S+))?", dockerfile(), re.M):
        assert image in stages or re.search(r"@sha256:[0-9a-f]{64}$", image), image
        stages.add(stage)
    assert len(stages) >= 2


def test_the_cloudwatch_alarms_watch_what_the_sidecar_ships_and_the_api_exports(
    trained_dir: Path,
) -> None:
    """Every alarm on the API's own namespace names a metric the collector sidecar ships, and
    every shipped metric is one the API's /metrics exports."""
    resources = ecs_template()["Resources"]
    containers = resources["TaskDefinition"]["Properties"]["ContainerDefinitions"]
    (sidecar,) = [c[1] for c in containers if isinstance(c, list)]  # !If [ShipsMetrics, ...]
    (config,) = [e["Value"] for e in sidecar["Environment"] if e["Name"] == "AOT_CONFIG_CONTENT"]
    declarations = yaml.safe_load(config)["exporters"]["awsemf"]["metric_declarations"]
    shipped = {name for d in declarations for name in d["metric_name_selectors"]}
    alarms = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::CloudWatch::Alarm"]
    watched = {a["MetricName"] for a in alarms if a.get("Namespace") == "MetricsNamespace"}
    queried = {
        re.search(r"MAX\((\w+)\)", m["Expression"]).group(1)  # type: ignore[union-attr]
        for a in alarms
        for m in a.get("Metrics", [])
        if "SCHEMA" in m.get("Expression", "")
    }
    assert watched and queried and (watched | queried) <= shipped
    with TestClient(create_app(make_settings(trained_dir.parent))) as client:
        exported = client.get("/metrics").text
    uploads = {"credit_audit_upload_failures"}  # exported when uploads are on (not here)
    assert all(f"# TYPE {name} " in exported for name in shipped - uploads)
