"""Real Milvus servers for tests, on free loopback ports, stopped by their own process id.

Two kinds:

* ``LiteServer``: ``python -m milvus_lite server`` (pure Python, no auth, no TLS, up in < 1 s).
* ``MilvusStandalone``: a real Milvus 2.3.5 (``milvus`` PyPI package) with an embedded etcd,
  optionally with authentication and one-way / two-way TLS. Several can run at once: every
  port it listens on (proxy, internal components, etcd client and peer, metrics) is chosen here.

Each server runs in its own session / process group and is signalled through that group only,
never by name. Typical use in a conftest::

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
import fcntl
import ipaddress
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Mapping, Optional, Union

# Test clients as the shell's own (milvus_shell/backend): a channel of their own, and no keepalive
# pings while idle, which Milvus Lite answers with GOAWAY "too_many_pings" (failing the next call).
CLIENT_GRPC_OPTIONS = {"grpc.use_local_subchannel_pool": 1, "grpc.keepalive_permit_without_calls": 0}

LOOPBACK = "127.0.0.1"
ROOT_USER = "root"
ROOT_PASSWORD = "Milvus"  # Milvus's built-in default for the root user
TLS_SERVER_NAME = "localhost"  # the name the test server certificate is issued for

PathLike = Union[str, os.PathLike]


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


def make_certs(directory: PathLike, *, other: bool = True) -> dict[str, str]:
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
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
            )
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
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                critical=False,
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
    """The last ``lines`` lines of a log; a Go panic's headline is kept even when the goroutine
    dump that follows it is longer than that."""
    try:
        text = path.read_bytes()[-4 * 1024 * 1024 :].decode("utf-8", "replace")
    except OSError:
        return ""
    all_lines = text.splitlines()
    tail = all_lines[-lines:]
    for index, line in enumerate(all_lines):
        if line.startswith(("panic: ", "fatal error: ")):
            if index < len(all_lines) - lines:
                tail = all_lines[max(0, index - 2) : index + 1] + ["..."] + tail
            break
    return "\n".join(tail)


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
        health = stub.CheckHealth(
            milvus_pb2.CheckHealthRequest(), timeout=timeout, metadata=metadata
        )
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
    poll_interval = 0.1

    def __init__(self, data_dir: PathLike, *, port: Optional[int], ready_timeout: float) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.host = LOOPBACK
        self.port = port if port is not None else free_port()
        self.ready_timeout = ready_timeout
        self.log_path = self.data_dir / "server.log"  # the server's stdout + stderr
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

    # -- public API

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def uri(self) -> str:
        return f"http://{self.address}"

    def client_kwargs(self) -> dict:
        """Keyword arguments for ``pymilvus.MilvusClient`` that reach this server."""
        return {"uri": self.uri, "grpc_options": dict(CLIENT_GRPC_OPTIONS)}

    @property
    def pid(self) -> Optional[int]:
        """The server process, also its process group id; None when not started."""
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
        return _tail(self.log_path, lines) or "(no output)"

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
        if self._proc is None:
            return
        self._signal(self.stop_signal)
        self._signal(signal.SIGCONT)  # a frozen process only acts on the signal once resumed
        if not self._wait_gone(time.monotonic() + (self.stop_grace if grace is None else grace)):
            self._signal(signal.SIGKILL)
            self._wait_gone(time.monotonic() + 10)
        self._reap()

    def kill(self) -> None:
        """SIGKILL the server (no graceful shutdown) and reap it; idempotent."""
        if self._proc is None:
            return
        self._signal(signal.SIGKILL)
        self._wait_gone(time.monotonic() + 10)
        self._reap()

    def freeze(self) -> None:
        """SIGSTOP the group: the port stays open, connections are accepted, nothing answers."""
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
        # The group id is our child's pid: it cannot be recycled before we reap the child, and
        # _reap() forgets it, so we never signal a stranger's group.
        if self._proc is None:
            return
        try:
            os.killpg(self._proc.pid, signum)
        except ProcessLookupError:
            pass

    def _wait_gone(self, deadline: float) -> bool:
        while self.pids():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    def _reap(self) -> None:
        proc, self._proc = self._proc, None
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # not after SIGKILL; but never hang a test run
            pass

    def _wait_ready(self, deadline: float) -> None:
        last_error = "port not open yet"
        while True:
            code = self._proc.poll()
            if code is not None:
                raise ServerError(
                    f"{type(self).__name__} on {self.address} exited with code {code} "
                    f"before answering; log {self.log_path}:\n{self.log_tail()}"
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
                    f"{self.ready_timeout:.0f} s (last probe: {last_error}); "
                    f"log {self.log_path}:\n{self.log_tail()}"
                )
            time.sleep(self.poll_interval)


class LiteServer(_Server):
    """``python -m milvus_lite server`` on a free loopback port.

    Data lives in ``data_dir/data`` (persists across ``restart()``), output in
    ``data_dir/server.log``. Milvus Lite has no auth and no TLS. Its gRPC server binds with
    SO_REUSEPORT: a plain listener on the port makes it fail, but another gRPC server on the
    same port goes unnoticed, and the two share the connections.
    """

    # The CLI shuts down gracefully on KeyboardInterrupt (drains requests up to 5 s and
    # closes the database); SIGTERM would kill it without closing the database.
    stop_signal = signal.SIGINT

    def __init__(
        self, data_dir: PathLike, *, port: Optional[int] = None, ready_timeout: float = 30.0
    ) -> None:
        super().__init__(data_dir, port=port, ready_timeout=ready_timeout)
        self.db_dir = self.data_dir / "data"

    def _command(self) -> list[str]:
        return [
            sys.executable, "-m", "milvus_lite", "server",
            "--data-dir", str(self.db_dir), "--host", self.host, "--port", str(self.port),
        ]


# Listening ports of a standalone, by their name in the milvus package's config template,
# besides proxy_port (= .port). The embedded etcd's peer port and the metrics/health HTTP port
# (METRICS_PORT, 9091 by default) are not template keys: see _prepare() and _environment().
_MILVUS_PORT_KEYS = (
    "etcd_port", "root_coord_port", "proxy_internal_port", "query_coord_port",
    "query_node_port", "index_coord_port", "index_node_port", "data_coord_port",
    "data_node_port",
)


class MilvusStandalone(_Server):
    """A real Milvus 2.3.5 standalone (embedded etcd, rocksmq, local storage).

    ``auth=True``: authorization enabled, log in as ``root`` / ``Milvus``.
    ``tls=1``: one-way TLS (clients trust ``certs["ca"]``);
    ``tls=2``: two-way TLS (clients also present ``certs["client_cert"]`` / ``client_key``).
    ``certs``: a ``make_certs`` result; generated into ``data_dir/certs`` when TLS is asked
    for without them. ``session_ttl``: see below. ``extra_config``: ``{"dotted.key": value}``
    for milvus.yaml (only keys present in the package's template are honoured).
    ``bin_cache``: a directory whose ``bin/`` receives the binaries unpacked from the package
    (~250 MB, ~5 s), shared by every instance given the same one; default ``data_dir``.

    The ``milvus`` package's own pieces are used (config template, binary unpacking, the
    environment its ``milvus-server`` sets), but the ``milvus`` binary is started directly, not
    through ``milvus-server``: that wrapper treats every ``--*-port`` as a mere starting point
    and silently moves to the next free port (a port in TIME_WAIT after a restart is "busy" to
    it), picks the metrics port itself, and is a second process to stop.

    Layout of ``data_dir`` (~400 MB once started): ``server.log`` (Milvus's stdout + stderr),
    ``etcd.yaml``, ``configs/milvus.yaml``, ``logs/standalone-N.log`` (Milvus's log, per run),
    ``data/`` (etcd, rocksmq; ~140 MB), ``bin/`` (unless ``bin_cache`` is given).
    Outside it, Milvus writes ``/run/milvus/standalone.pid`` (or ``/tmp/milvus/``): shared by
    all instances but harmless, it is not an exclusive lock.
    """

    stop_grace = 30.0
    poll_interval = 0.5

    def __init__(
        self,
        data_dir: PathLike,
        *,
        auth: bool = False,
        tls: Optional[int] = None,
        certs: Optional[Mapping[str, str]] = None,
        ready_timeout: float = 120.0,
        session_ttl: int = 10,
        extra_config: Optional[Mapping[str, object]] = None,
        bin_cache: Optional[PathLike] = None,
    ) -> None:
        if tls not in (None, 1, 2):
            raise ValueError(f"tls must be None, 1 or 2, not {tls!r}")
        ports = free_ports(len(_MILVUS_PORT_KEYS) + 3)  # + proxy, etcd peer, metrics
        super().__init__(data_dir, port=ports.pop(), ready_timeout=ready_timeout)
        self.auth = auth
        self.tls = tls
        self.certs = dict(certs) if certs else None
        self.bin_root = Path(bin_cache).resolve() if bin_cache is not None else self.data_dir
        self.etcd_peer_port = ports.pop()
        self.metrics_port = ports.pop()
        self.ports = dict(zip(_MILVUS_PORT_KEYS, ports))
        self.ports.update(proxy_port=self.port, etcd_peer_port=self.etcd_peer_port,
                          metrics_port=self.metrics_port)
        # After a restart Milvus reports unhealthy until the previous run's etcd sessions
        # expire: common.session.ttl (30 s by default) sets the restart time (about ttl + 5 s).
        # But a server frozen (SIGSTOP) for longer than the ttl dies when thawed.
        self.extra_config = {"common.session.ttl": session_ttl, **(extra_config or {})}

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
        kwargs: dict = {"uri": self.uri, "grpc_options": dict(CLIENT_GRPC_OPTIONS)}
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

    @property
    def binary(self) -> Path:
        return self.bin_root / "bin" / "milvus"

    def _prepare(self) -> None:
        import milvus  # the PyPI package ``milvus==2.3.5``

        super()._prepare()
        if self.tls and not self.certs:
            self.certs = make_certs(self.data_dir / "certs")

        # configs/milvus.yaml from the package's template, with every port ours.
        config = milvus.MilvusServerConfig(data_dir=str(self.data_dir))
        config.resolve_storage()  # data, logs and etcd paths under data_dir
        settings: dict = {key: self.ports[key] for key in _MILVUS_PORT_KEYS}
        settings.update(proxy_port=self.port, authorization_enabled=self.auth,
                        tls_mode=self.tls or 0)
        if self.tls:
            settings.update(server_pem_path=self.certs["server_cert"],
                            server_key_path=self.certs["server_key"],
                            ca_pem_path=self.certs["ca"])
        settings.update(self.extra_config)
        for key, value in settings.items():
            config.set(key, value)
        config.write_config()

        # Unpack bin/ (skipped when its checksums match); the lock serialises instances that
        # share a bin_cache, in this process or another.
        self.bin_root.mkdir(parents=True, exist_ok=True)
        with open(self.bin_root / ".unpack.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            milvus._initialize_data_files(str(self.bin_root))

        # The embedded etcd listens on 2379 (client) and 2380 (peer) unless told otherwise by
        # the file named in ETCD_CONFIG_PATH; Milvus itself dials localhost:<etcd_port>.
        client = f"http://{LOOPBACK}:{self.ports['etcd_port']}"
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
        bin_dir = str(self.binary.parent)
        env.update(
            # what milvus-server sets
            DEPLOY_MODE="STANDALONE",
            METRICS_PORT=str(self.metrics_port),  # metrics + /healthz HTTP, all interfaces
            MILVUS_RUN_DIR=str(self.data_dir / "run"),
            MILVUSCONF=str(self.data_dir / "configs"),  # the default is ./configs, cwd = data_dir
            LD_LIBRARY_PATH=":".join(filter(None, [bin_dir, os.environ.get("LD_LIBRARY_PATH")])),
            # environment variables override milvus.yaml keys (dots become underscores)
            ETCD_CONFIG_PATH=str(self.data_dir / "etcd.yaml"),
            # On SIGTERM a query node holding a loaded collection waits this long (30 s by
            # default) for another node to take its segments over; a standalone has none.
            QUERYNODE_GRACEFULSTOPTIMEOUT="1",
        )
        return env

    def _command(self) -> list[str]:
        return [str(self.binary), "run", "standalone"]

    def _probe(self) -> None:
        tls_files: Optional[dict] = None
        if self.tls:
            tls_files = {"ca": self.certs["ca"]}
            if self.tls == 2:
                tls_files.update(client_cert=self.certs["client_cert"],
                                 client_key=self.certs["client_key"])
        # Dial 127.0.0.1: the server certificate carries that IP as well as "localhost".
        _check_health(self.address, token=self.token, tls_files=tls_files)


__all__ = [
    "LOOPBACK", "ROOT_USER", "ROOT_PASSWORD", "TLS_SERVER_NAME", "ServerError",
    "free_port", "free_ports", "make_certs", "LiteServer", "MilvusStandalone",
]
