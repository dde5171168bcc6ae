"""Small real network peers for tests: a byte forwarder (IPv6 or unix socket -> a TCP server) and a
listener that accepts connections and never answers (a silent peer, for timeouts)."""

from __future__ import annotations

import os
import socket
import threading
from typing import Any


class _Listener:
    def __init__(self, family: int, address: Any) -> None:
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        if family != socket.AF_UNIX:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(address)
        self.sock.listen(64)
        self.address = self.sock.getsockname()
        self._accepted: list[socket.socket] = []
        self._closed = False
        threading.Thread(target=self._accept_loop, daemon=True).start()

    def _accept_loop(self) -> None:
        while not self._closed:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self._accepted.append(conn)
            self.handle(conn)

    def handle(self, conn: socket.socket) -> None:  # pragma: no cover - overridden
        pass

    def close(self) -> None:
        self._closed = True
        try:
            self.sock.close()
        finally:
            for conn in self._accepted:
                try:
                    conn.close()
                except OSError:
                    pass
            if isinstance(self.address, str) and os.path.exists(self.address):
                os.unlink(self.address)

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SilentPeer(_Listener):
    """Accepts TCP connections on 127.0.0.1 and never sends a byte."""

    def __init__(self) -> None:
        super().__init__(socket.AF_INET, ("127.0.0.1", 0))
        self.port = self.address[1]


class Forwarder(_Listener):
    """Listens on ``family``/``address`` and pipes every connection to 127.0.0.1:``target_port``."""

    def __init__(self, family: int, address: Any, target_port: int) -> None:
        self.target_port = target_port
        super().__init__(family, address)

    def handle(self, conn: socket.socket) -> None:
        upstream = socket.create_connection(("127.0.0.1", self.target_port))
        self._accepted.append(upstream)
        for src, dst in ((conn, upstream), (upstream, conn)):
            threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            try:
                dst.shutdown(socket.SHUT_WR)
            except OSError:
                pass


def established_to(port: int) -> int:
    """How many ESTABLISHED TCP connections on this machine go to 127.0.0.1:``port``."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    fields = line.split()
                    remote, state = fields[2], fields[3]
                    if state == "01" and int(remote.rsplit(":", 1)[1], 16) == port:
                        count += 1
        except FileNotFoundError:
            continue
    return count
