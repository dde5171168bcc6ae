"""Run a command's handler on a worker thread, so Ctrl-C on the main thread returns at once.

A blocked gRPC call cannot be interrupted from Python. The handler therefore runs on a daemon thread
while the main thread waits in short slices; Ctrl-C (KeyboardInterrupt on the main thread) abandons
the wait and raises Cancelled. The abandoned call goes on in the background until it ends or its own
timeout passes; its result is dropped. The connection stays usable: a gRPC channel serves other
calls meanwhile.

Work that must happen on the main thread while a handler runs (asking for a password at the
terminal) is passed back to it through ``on_main_thread``.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future
from typing import Any, Callable, TypeVar

from .errors import Cancelled

T = TypeVar("T")

POLL_SECONDS = 0.05  # the longest the main thread sleeps between looks at its requests
_DONE = object()


class CancellableRunner:
    """``runner(call)`` runs ``call()`` on a worker thread and returns its result or raises its error;
    Ctrl-C meanwhile raises Cancelled at once."""

    def __init__(self) -> None:
        # worker thread -> where it sends main-thread requests; None once its call was abandoned
        self._requests: dict[threading.Thread, queue.SimpleQueue[Any] | None] = {}
        self._lock = threading.Lock()

    def __call__(self, call: Callable[[], T]) -> T:
        requests: queue.SimpleQueue[Any] = queue.SimpleQueue()
        outcome: Future[T] = Future()

        def work() -> None:
            try:
                outcome.set_result(call())
            except BaseException as exc:  # noqa: BLE001 - handed to the waiting main thread
                outcome.set_exception(exc)
            finally:
                with self._lock:
                    self._requests.pop(worker, None)
                requests.put(_DONE)

        worker = threading.Thread(target=work, name="milvus-shell-command", daemon=True)
        with self._lock:
            self._requests[worker] = requests
        try:
            worker.start()
            self._serve(requests)
        except KeyboardInterrupt:
            self._abandon(worker, requests)
            raise Cancelled() from None
        return outcome.result()

    def _serve(self, requests: queue.SimpleQueue[Any]) -> None:
        """Run the worker's main-thread requests until it is done."""
        while True:
            try:
                item = requests.get(timeout=POLL_SECONDS)
            except queue.Empty:
                continue
            if item is _DONE:
                return
            fn, args, reply = item
            try:
                reply.set_result(fn(*args))
            except KeyboardInterrupt:
                reply.set_exception(Cancelled())
                raise
            except BaseException as exc:  # noqa: BLE001 - the worker raises it
                reply.set_exception(exc)

    def _abandon(self, worker: threading.Thread, requests: queue.SimpleQueue[Any]) -> None:
        with self._lock:
            if worker in self._requests:
                self._requests[worker] = None
        while True:  # a request it is waiting on gets Cancelled, so it is not left waiting forever
            try:
                item = requests.get_nowait()
            except queue.Empty:
                return
            if item is not _DONE:
                item[2].set_exception(Cancelled())

    def on_main_thread(self, fn: Callable[..., T]) -> Callable[..., T]:
        """``fn`` wrapped so that, called from a worker, it runs on the main thread (which is waiting)."""
        def proxy(*args: Any) -> T:
            reply = self._send(fn, args)
            return fn(*args) if reply is None else reply.result()

        return proxy

    def _send(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> Future[Any] | None:
        """Queue ``fn(*args)`` for the main thread; None when the caller is not one of our workers."""
        me = threading.current_thread()
        with self._lock:  # _abandon marks under the lock, then drains: nothing is queued after that
            if me not in self._requests:
                return None
            requests = self._requests[me]
            if requests is None:
                raise Cancelled()
            reply: Future[Any] = Future()
            requests.put((fn, args, reply))
            return reply
