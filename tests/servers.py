"""Real Milvus servers for tests, on free loopback ports, stopped by their own process id.

Two kinds:

* ``LiteServer``: ``python -m milvus_lite server`` (pure Python, no auth, no TLS, up in < 1 s).
* ``MilvusStandalone``: a real Milvus 2.3.5 (``milvus`` PyPI package) with an embedded etcd,
  optionally with authentication and one-way / two-way TLS. Several can run at once: every
  port it listens on (proxy, internal components, etcd client and peer, metrics) is chosen here.

Each server runs in its own session / process group, so the whole tree (for Milvus: the
``milvus-server`` Python wrapper *and* the ``milvus`` binary it spawns) is signalled as one unit,
and only that unit. Typical use in a conftest::

    @pytest.fixture(scope="session")
    def lite(tmp_path_factory):
        with LiteServer(tmp_path_factory.mktemp("lite")) as server:
            yield server

``make_certs`` writes a throw-away CA, server and client certificates for the TLS tests.

Linux only (process groups are inspected through /proc; Milvus 2.3.5 ships for Linux x86_64).
"""

from __future__ import annotations

import base64
import datetime
import ipaddress
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Mapping, Optional, Sequence

LOOPBACK = "127.0.0.1"
ROOT_USER = "root"
ROOT_PASSWORD = "Milvus"  # Milvus's built-in default for the root user
TLS_SERVER_NAME = "localhost"  # the name the test server certificate is issued for


class ServerError(RuntimeError):
    """A test server failed to start (the message carries the tail of its logs)."""


# --------------------------------------------------------------------------- ports


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now (the kernel picks it)."""
    return free_ports(1)[0]


def free_ports(count: int) -> list[int]:
    """``count`` distinct free ports: all sockets are held open until every port is chosen."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sockets.append(sock)
            sock.bind((LOOPBACK, 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _port_open(port: int, host: str = LOOPBACK, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


# --------------------------------------------------------------------------- certificates


def make_certs(directory, *, other: bool = True) -> dict[str, str]:
    """Write a test PKI as PEM files into ``directory`` and return their paths.

    Keys: ``ca`` (CA certificate), ``server_cert`` / ``server_key`` (CN and SAN ``localhost``,
    SAN IP 127.0.0.1, signed by the CA), ``client_cert`` / ``client_key`` (signed by the CA).
    With ``other=True`` also an unrelated CA, ``other_ca``, and a client certificate signed by
    it, ``other_client_cert`` / ``other_client_key``: trusting ``other_ca`` must fail to verify
    the server, and a two-way TLS server must refuse the other client certificate.
    Keys are EC P-256, unencrypted PKCS#8, mode 0600.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.timezone.utc)

    def write(name: str, data: bytes, private: bool = False) -> str:
        path = directory / name
        path.write_bytes(data)
        if private:
            path.chmod(0o600)
        return str(path)

    def key_pem(key) -> bytes:
        return key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def cert_pem(cert) -> bytes:
        return cert.public_bytes(serialization.Encoding.PEM)

    def name(common_name: str) -> x509.Name:
        return x509.Name(
            [
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "milvus-shell tests"),
                x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            ]
        )

    def new_ca(common_name: str):
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (
            x509.CertificateBuilder()
            .subject_name(name(common_name))
            .issuer_name(name(common_name))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True, content_commitment=False, key_encipherment=False,
                    data_encipherment=False, key_agreement=False, key_cert_sign=True,
                    crl_sign=True, encipher_only=False, decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256())
        )
        return key, cert

    def new_leaf(ca_key, ca_cert, common_name: str, usage, san=None):
        key = ec.generate_private_key(ec.SECP256R1())
        builder = (
            x509.CertificateBuilder()
            .subject_name(name(common_name))
            .issuer_name(ca_cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
            )
        )
        if san:
            builder = builder.add_extension(x509.SubjectAlternativeName(san), critical=False)
        return key, builder.sign(ca_key, hashes.SHA256())

    paths: dict[str, str] = {}
    ca_key, ca_cert = new_ca("milvus-shell test CA")
    paths["ca"] = write("ca.pem", cert_pem(ca_cert))
    paths["ca_key"] = write("ca.key", key_pem(ca_key), private=True)

    server_key, server_cert = new_leaf(
        ca_key, ca_cert, TLS_SERVER_NAME, ExtendedKeyUsageOID.SERVER_AUTH,
        san=[x509.DNSName(TLS_SERVER_NAME), x509.IPAddress(ipaddress.ip_address(LOOPBACK))],
    )
    paths["server_cert"] = write("server.pem", cert_pem(server_cert))
    paths["server_key"] = write("server.key", key_pem(server_key), private=True)

    client_key, client_cert = new_leaf(
        ca_key, ca_cert, "milvus-shell test client", ExtendedKeyUsageOID.CLIENT_AUTH
    )
    paths["client_cert"] = write("client.pem", cert_pem(client_cert))
    paths["client_key"] = write("client.key", key_pem(client_key), private=True)

    if other:
        other_key, other_cert = new_ca("unrelated test CA")
        paths["other_ca"] = write("other-ca.pem", cert_pem(other_cert))
        stranger_key, stranger_cert = new_leaf(
            other_key, other_cert, "unknown client", ExtendedKeyUsageOID.CLIENT_AUTH
        )
        paths["other_client_cert"] = write("other-client.pem", cert_pem(stranger_cert))
        paths["other_client_key"] = write("other-client.key", key_pem(stranger_key), private=True)
    return paths


# --------------------------------------------------------------------------- process groups


def _group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes whose process group is ``pgid``, read from /proc."""
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path("/proc", entry, "stat").read_text()
        except OSError:
            continue  # exited meanwhile
        # "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
        fields = stat[stat.rfind(")") + 2 :].split()
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            members.append(int(entry))
    return members


def _rss_bytes(pid: int) -> int:
    try:
        for line in Path("/proc", str(pid), "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _tail(path: Path, lines: int) -> str:
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            handle.seek(max(0, handle.tell() - 64 * 1024))
            text = handle.read().decode("utf-8", "replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


# --------------------------------------------------------------------------- readiness probe


def _check_health(
    target: str,
    *,
    token: str = "",
    tls_files: Optional[Mapping[str, str]] = None,
    timeout: float = 2.0,
) -> None:
    """One authenticated CheckHealth + ShowCollections round trip; raises unless both succeed.

    Plain gRPC (pymilvus's generated stubs only), so a probe never touches pymilvus's
    process-wide connection cache and never logs.
    """
    import grpc
    from pymilvus.grpc_gen import milvus_pb2, milvus_pb2_grpc

    if tls_files is None:
        channel = grpc.insecure_channel(target)
    else:
        def read(key: str) -> Optional[bytes]:
            return Path(tls_files[key]).read_bytes() if tls_files.get(key) else None

        credentials = grpc.ssl_channel_credentials(
            root_certificates=read("ca"),
            private_key=read("client_key"),
            certificate_chain=read("client_cert"),
        )
        channel = grpc.secure_channel(target, credentials)
    metadata = [("authorization", base64.b64encode(token.encode()).decode())] if token else None
    with channel:
        stub = milvus_pb2_grpc.MilvusServiceStub(channel)
        health = stub.CheckHealth(milvus_pb2.CheckHealthRequest(), timeout=timeout, metadata=metadata)
        if health.status.code or health.status.error_code:
            raise ServerError(f"CheckHealth: {health.status.reason}")
        if not health.isHealthy:
            raise ServerError(f"CheckHealth: not healthy: {list(health.reasons)}")
        shown = stub.ShowCollections(
            milvus_pb2.ShowCollectionsRequest(), timeout=timeout, metadata=metadata
        )
        if shown.status.code or shown.status.error_code:
            raise ServerError(f"ShowCollections: {shown.status.reason}")


# --------------------------------------------------------------------------- servers


class _Server:
    """A server process in its own process group. Subclasses define the command and probe."""

    # Signal asking the server for a graceful stop, and how long to wait before SIGKILL.
    stop_signal = signal.SIGTERM
    stop_grace = 10.0
    # True when our child is only a wrapper and the server is its child (milvus-server):
    # the server is then stopped first and the wrapper, asked with SIGINT, reaps it and exits.
    wrapped = False
    poll_interval = 0.1

    def __init__(self, data_dir, *, port: Optional[int], ready_timeout: float) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.host = LOOPBACK
        self.port = port if port is not None else free_port()
        self.ready_timeout = ready_timeout
        self.log_path = self.data_dir / "server.log"  # our child's stdout + stderr
        self.started_in: Optional[float] = None  # seconds from spawn to ready, last start
        self._proc: Optional[subprocess.Popen] = None

    # -- what subclasses provide

    def _command(self) -> list[str]:
        raise NotImplementedError

    def _environment(self) -> dict[str, str]:
        return dict(os.environ)

    def _prepare(self) -> None:
        """Write whatever files the command needs (called before each spawn)."""
        self.data_dir.mkdir(parents=True, exist_ok=True)

    def _probe(self) -> None:
        """Raise unless the server answers a real request."""
        _check_health(self.address)

    def log_files(self) -> list[Path]:
        return [self.log_path]

    # -- public API

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def uri(self) -> str:
        return f"http://{self.address}"

    def client_kwargs(self) -> dict:
        """Keyword arguments for ``pymilvus.MilvusClient`` that reach this server."""
        return {"uri": self.uri}

    @property
    def pid(self) -> Optional[int]:
        """Our direct child, also the process group id; None when not started."""
        return self._proc.pid if self._proc is not None else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def pids(self) -> list[int]:
        """Every live process of the server's process group."""
        return _group_members(self._proc.pid) if self._proc is not None else []

    def rss_bytes(self) -> int:
        """Resident memory of the whole process group."""
        return sum(_rss_bytes(pid) for pid in self.pids())

    def log_tail(self, lines: int = 40) -> str:
        parts = []
        for path in self.log_files():
            text = _tail(path, lines)
            if text:
                parts.append(f"--- {path} ---\n{text}")
        return "\n".join(parts) or "(no log output)"

    def start(self):
        """Spawn the server and wait until it answers; returns self. Raises ServerError."""
        if self._proc is not None:
            raise ServerError(f"{self!r} is already started")
        self._prepare()
        began = time.monotonic()
        with open(self.log_path, "ab") as log:
            self._proc = subprocess.Popen(
                self._command(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self._environment(),
                cwd=self.data_dir,
                start_new_session=True,  # own process group: signalled as a unit, and only it
            )
        try:
            self._wait_ready(began + self.ready_timeout)
        except BaseException:
            self.kill()  # never leave a half-started server behind
            raise
        self.started_in = time.monotonic() - began
        return self

    def stop(self, grace: Optional[float] = None) -> None:
        """Graceful stop, SIGKILL after ``grace`` seconds (default ``stop_grace``); idempotent."""
        if self._proc is not None:
            self._terminate(self.stop_signal, self.stop_grace if grace is None else grace)

    def kill(self) -> None:
        """SIGKILL the server (no graceful shutdown) and reap it; idempotent."""
        if self._proc is not None:
            self._terminate(signal.SIGKILL, 0.0)

    def freeze(self) -> None:
        """SIGSTOP the group: the port stays open but nothing answers."""
        self._signal(signal.SIGSTOP)

    def thaw(self) -> None:
        """SIGCONT the group."""
        self._signal(signal.SIGCONT)

    def restart(self):
        """Stop, then start again on the same port(s) and data dir; returns self."""
        self.stop()
        return self.start()

    def __enter__(self):
        if self._proc is None:
            self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<{type(self).__name__} {self.address} pid={self.pid} {state} dir={self.data_dir}>"

    # -- internals

    def _signal(self, signum: int) -> None:
        """Signal the whole process group.

        The group id is our child's pid: it cannot be recycled before we reap the child, and
        _reap() forgets it, so we never signal a stranger's group.
        """
        if self._proc is None:
            return
        try:
            os.killpg(self._proc.pid, signum)
        except ProcessLookupError:
            pass

    def _children(self) -> list[int]:
        return [pid for pid in self.pids() if pid != self._proc.pid]

    def _signal_children(self, signum: int) -> None:
        for pid in self._children():
            try:
                os.kill(pid, signum)
            except ProcessLookupError:
                pass

    @staticmethod
    def _wait_until(done, deadline: float) -> bool:
        while not done():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    def _terminate(self, signum: int, grace: float) -> None:
        deadline = time.monotonic() + grace
        if self.wrapped:
            # Stop the real server first, so that its parent (the wrapper) reaps it; killed
            # together, the server would become an orphan left to init, which may never reap it.
            self._signal_children(signum)
            self._signal(signal.SIGCONT)  # a frozen process only acts on signals once resumed
            if not self._wait_until(lambda: not self._children(), deadline):
                self._signal_children(signal.SIGKILL)
                self._wait_until(lambda: not self._children(), time.monotonic() + 10)
            signum = signal.SIGINT  # milvus-server's handler reaps its child and returns
            deadline = max(deadline, time.monotonic() + 5)
        self._signal(signum)
        self._signal(signal.SIGCONT)
        if not self._wait_until(lambda: not self.pids(), deadline):
            self._signal(signal.SIGKILL)
            self._wait_until(lambda: not self.pids(), time.monotonic() + 10)
        self._reap()

    def _reap(self) -> None:
        proc, self._proc = self._proc, None
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # cannot happen after SIGKILL, but never hang a test run
            pass

    def _wait_ready(self, deadline: float) -> None:
        last_error = "port not open yet"
        while True:
            code = self._proc.poll()
            if code is not None:
                raise ServerError(
                    f"{type(self).__name__} on {self.address} exited with code {code} "
                    f"before answering\n{self.log_tail()}"
                )
            if _port_open(self.port):
                try:
                    self._probe()
                    return
                except Exception as exc:  # any failure means "not ready yet"
                    last_error = f"{type(exc).__name__}: {exc}"
            if time.monotonic() > deadline:
                raise ServerError(
                    f"{type(self).__name__} on {self.address} not ready after "
                    f"{self.ready_timeout:.0f} s (last probe: {last_error})\n{self.log_tail()}"
                )
            time.sleep(self.poll_interval)


class LiteServer(_Server):
    """``python -m milvus_lite server`` on a free loopback port.

    Data lives in ``data_dir/data`` (persists across ``restart()``), output in
    ``data_dir/server.log``. Milvus Lite has no auth and no TLS. Its gRPC server binds with
    SO_REUSEPORT, so it does not notice a port clash: the port must really be free.
    """

    # The CLI shuts down gracefully on KeyboardInterrupt (drains requests up to 5 s and
    # closes the database); SIGTERM would kill it without closing the database.
    stop_signal = signal.SIGINT

    def __init__(self, data_dir, *, port: Optional[int] = None, ready_timeout: float = 30.0) -> None:
        super().__init__(data_dir, port=port, ready_timeout=ready_timeout)
        self.db_dir = self.data_dir / "data"

    def _command(self) -> list[str]:
        return [
            sys.executable, "-m", "milvus_lite", "server",
            "--data-dir", str(self.db_dir), "--host", self.host, "--port", str(self.port),
        ]


# milvus-server (the ``milvus`` package's entry point) picks its metrics/health HTTP port
# itself, scanning upwards from 9091 and passing it to the binary as METRICS_PORT, which
# overrides any config key. Two instances started together could pick the same one, so we run
# the same entry point, ``milvus.main()``, with the scan starting at a port we chose.
_MILVUS_SERVER_MAIN = (
    "import sys, milvus\n"
    "milvus.default_server.webservice_port = int(sys.argv.pop(1))\n"
    "sys.argv[0] = 'milvus-server'\n"
    "sys.exit(milvus.main())\n"
)

# milvus-server options naming a listening port, besides --proxy-port (= .port).
_MILVUS_PORT_OPTIONS = (
    "etcd-port", "root-coord-port", "proxy-internal-port", "query-coord-port",
    "query-node-port", "index-coord-port", "index-node-port", "data-coord-port",
    "data-node-port",
)


class MilvusStandalone(_Server):
    """A real Milvus 2.3.5 standalone (embedded etcd, rocksmq, local storage).

    ``auth=True``: authorization enabled, log in as ``root`` / ``Milvus``.
    ``tls=1``: one-way TLS (clients trust ``certs["ca"]``);
    ``tls=2``: two-way TLS (clients also present ``certs["client_cert"]`` / ``client_key``).
    ``certs``: a ``make_certs`` result; generated into ``data_dir/certs`` when TLS is asked
    for without them. ``extra_config``: ``{"dotted.key": value}`` for milvus.yaml (only keys
    present in the package's template are honoured).

    Layout of ``data_dir``: ``server.log`` (wrapper output), ``etcd.yaml``, ``configs/milvus.yaml``,
    ``logs/`` (``milvus-stdout.log``, ``milvus-stderr.log``, ``etcd.log``), ``data/``, ``bin/``
    (the binaries, ~200 MB, unpacked by the wrapper on first start of each data dir).
    """

    stop_grace = 30.0
    wrapped = True
    poll_interval = 0.5

    def __init__(
        self,
        data_dir,
        *,
        auth: bool = False,
        tls: Optional[int] = None,
        certs: Optional[Mapping[str, str]] = None,
        ready_timeout: float = 120.0,
        extra_config: Optional[Mapping[str, object]] = None,
    ) -> None:
        if tls not in (None, 1, 2):
            raise ValueError(f"tls must be None, 1 or 2, not {tls!r}")
        ports = free_ports(len(_MILVUS_PORT_OPTIONS) + 3)  # + proxy, etcd peer, metrics
        super().__init__(data_dir, port=ports.pop(), ready_timeout=ready_timeout)
        self.auth = auth
        self.tls = tls
        self.certs = dict(certs) if certs else None
        self.extra_config = dict(extra_config or {})
        self.etcd_peer_port = ports.pop()
        self.metrics_port = ports.pop()
        self.ports = dict(zip(_MILVUS_PORT_OPTIONS, ports))
        self.ports.update({"proxy-port": self.port, "etcd-peer-port": self.etcd_peer_port,
                           "metrics-port": self.metrics_port})

    @property
    def token(self) -> str:
        return f"{ROOT_USER}:{ROOT_PASSWORD}" if self.auth else ""

    @property
    def uri(self) -> str:
        if self.tls:
            return f"https://{TLS_SERVER_NAME}:{self.port}"
        return f"http://{self.address}"

    def client_kwargs(self) -> dict:
        """pymilvus MilvusClient kwargs: uri, token, and the TLS files pymilvus expects.

        pymilvus uses ``server_pem_path`` (the CA to trust) for one-way TLS, and only when it is
        absent the trio ``ca_pem_path`` + ``client_pem_path`` + ``client_key_path`` (two-way).
        """
        kwargs: dict = {"uri": self.uri}
        if self.auth:
            kwargs["token"] = self.token
        if self.tls == 1:
            kwargs.update(server_pem_path=self.certs["ca"], server_name=TLS_SERVER_NAME)
        elif self.tls == 2:
            kwargs.update(
                ca_pem_path=self.certs["ca"],
                client_pem_path=self.certs["client_cert"],
                client_key_path=self.certs["client_key"],
                server_name=TLS_SERVER_NAME,
            )
        return kwargs

    def log_files(self) -> list[Path]:
        logs = self.data_dir / "logs"
        return [self.log_path, logs / "milvus-stderr.log", logs / "milvus-stdout.log"]

    def _prepare(self) -> None:
        super()._prepare()
        if self.tls and not self.certs:
            self.certs = make_certs(self.data_dir / "certs")
        # The embedded etcd listens on 2379 (client) and 2380 (peer) unless told otherwise by
        # the file named in ETCD_CONFIG_PATH; Milvus itself dials localhost:<--etcd-port>.
        client = f"http://{LOOPBACK}:{self.ports['etcd-port']}"
        peer = f"http://{LOOPBACK}:{self.etcd_peer_port}"
        (self.data_dir / "etcd.yaml").write_text(
            "name: default\n"
            f"listen-client-urls: {client}\n"
            f"advertise-client-urls: {client}\n"
            f"listen-peer-urls: {peer}\n"
            f"initial-advertise-peer-urls: {peer}\n"
            f"initial-cluster: default={peer}\n"
        )

    def _environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env["ETCD_CONFIG_PATH"] = str(self.data_dir / "etcd.yaml")
        # On SIGTERM a query node holding a loaded collection waits this long (30 s by default)
        # for another node to take its segments over; there is none in a standalone.
        env["QUERYNODE_GRACEFULSTOPTIMEOUT"] = "1"
        return env

    def _command(self) -> list[str]:
        command = [
            sys.executable, "-c", _MILVUS_SERVER_MAIN, str(self.metrics_port),
            "--data", str(self.data_dir),
            "--proxy-port", str(self.port),
        ]
        for option, port in self.ports.items():
            if option in _MILVUS_PORT_OPTIONS:
                command += [f"--{option}", str(port)]
        if self.auth:
            command += ["--authorization-enabled", "true"]
        if self.tls:
            command += [
                "--tls-mode", str(self.tls),
                "--server-pem-path", self.certs["server_cert"],
                "--server-key-path", self.certs["server_key"],
                "--ca-pem-path", self.certs["ca"],
            ]
        for key, value in self.extra_config.items():
            command += ["--extra-config", f"{key}={value}"]
        return command

    def _probe(self) -> None:
        tls_files: Optional[dict] = None
        if self.tls:
            tls_files = {"ca": self.certs["ca"]}
            if self.tls == 2:
                tls_files.update(client_cert=self.certs["client_cert"],
                                 client_key=self.certs["client_key"])
        # Dial 127.0.0.1: the server certificate carries that IP as well as "localhost".
        _check_health(self.address, token=self.token, tls_files=tls_files)


__all__: Sequence[str] = (
    "LOOPBACK", "ROOT_USER", "ROOT_PASSWORD", "TLS_SERVER_NAME", "ServerError",
    "free_port", "free_ports", "make_certs", "LiteServer", "MilvusStandalone",
)
