"""Every app process is deployed alike: in Kubernetes (deploy/k8s) with probes, a Service, its
own Kafka user and MongoDB user, and in docker-compose.yml with the same command; the gateway
is told where each of the others is. A process added to one place and not the others fails
here rather than at its first deployment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parents[3]
K8S = ROOT / "deploy" / "k8s"


def load(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def deployed(kind: str) -> dict[str, dict[str, Any]]:
    """The kustomization's resources of `kind`, by name."""
    kustomization = load(K8S / "kustomization.yaml")[0]
    docs = [doc for resource in kustomization["resources"] for doc in load(K8S / resource)]
    return {doc["metadata"]["name"]: doc for doc in docs if doc["kind"] == kind}


def container(deployment: dict[str, Any]) -> dict[str, Any]:
    (only,) = deployment["spec"]["template"]["spec"]["containers"]
    return dict(only)


def env(deployment: dict[str, Any]) -> dict[str, Any]:
    return {
        var["name"]: var.get("value", var.get("valueFrom")) for var in container(deployment)["env"]
    }


def compose_apps() -> dict[str, dict[str, Any]]:
    services = load(ROOT / "docker-compose.yml")[0]["services"]
    return {name: s for name, s in services.items() if s.get("image") == "bookend:local"}


def test_every_component_has_a_probed_deployment_behind_a_service() -> None:
    deployments, services = deployed("Deployment"), deployed("Service")
    assert {"catalog", "scheduler", "feedback", "integrations", "gateway"} <= set(deployments)
    for name, deployment in deployments.items():
        app = container(deployment)
        for probe in ("readinessProbe", "livenessProbe"):
            assert app[probe]["httpGet"] == {"path": "/healthz", "port": "http"}, (name, probe)
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert services[name]["spec"]["selector"].items() <= labels.items(), name
        assert [p["targetPort"] for p in services[name]["spec"]["ports"]] == ["http"], name


def test_compose_runs_the_same_components_with_the_same_commands() -> None:
    deployments = deployed("Deployment")
    apps = compose_apps()
    assert set(apps) == set(deployments)
    for name, app in apps.items():
        assert app["command"] == container(deployments[name])["command"], name


def test_the_gateway_is_told_where_every_other_component_is() -> None:
    deployments = deployed("Deployment")
    k8s_env = env(deployments["gateway"])
    compose_env = compose_apps()["gateway"]["environment"]
    for name in set(deployments) - {"gateway"}:
        (port,) = deployed("Service")[name]["spec"]["ports"]
        setting = f"GATEWAY_{name.upper()}_URL"
        assert k8s_env[setting] == f"http://{name}:{port['port']}", setting
        assert compose_env[setting] == f"http://{name}:8080", setting


def test_each_component_uses_kafka_and_mongodb_as_its_own_user() -> None:
    kafka_users = {doc["metadata"]["name"] for doc in load(K8S / "kafka-users.yaml")}
    (mongodb,) = load(K8S / "mongodb.yaml")
    mongo_users = {user["connectionStringSecretName"]: user for user in mongodb["spec"]["users"]}
    secrets = {doc["metadata"]["name"] for doc in load(K8S / "secret.example.yaml")}
    for name, deployment in deployed("Deployment").items():
        variables = env(deployment)
        user = variables["KAFKA_SASL_USERNAME"]
        assert user == variables["KAFKA_CLIENT_ID"] == f"bookend-{name}", name
        assert user in kafka_users, name
        assert variables["KAFKA_SASL_PASSWORD"]["secretKeyRef"]["name"] == user, name
        if "MONGODB_URI" not in variables:
            continue  # the gateway keeps no data
        mongo = mongo_users[variables["MONGODB_URI"]["secretKeyRef"]["name"]]
        database = variables[f"{name.upper()}_DATABASE"]
        assert mongo["roles"] == [{"name": "readWrite", "db": database}], name
        assert mongo["passwordSecretRef"]["name"] in secrets, name
