"""Network namespaces for the end-to-end tests, and a way into them.

The tests build two namespaces joined by a veth pair and give addresses
only inside them: nothing of the host's own network changes. The agent
runs inside one of them, where 127.0.0.1 is the namespace's own loopback,
so ``Forwarder`` carries a TCP port of that loopback (RabbitMQ's) to the
host's.
"""

import ctypes
import ctypes.util
import os
import signal
import socket
import subprocess
import threading

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(ctypes.util.find_library('c'), use_errno=True)


def ip(*args, namespace=None):
    argv = ['ip'] + (['-n', namespace] if namespace else []) + list(args)
    return subprocess.run(argv, check=True, capture_output=True,
                          text=True).stdout


def exec_argv(namespace, argv):
    return ['ip', 'netns', 'exec', namespace] + list(argv)


class Namespace:
    def __init__(self, name):
        self.name = name

    def create(self):
        ip('netns', 'add', self.name)
        ip('link', 'set', 'lo', 'up', namespace=self.name)

    def pids(self):
        try:
            out = ip('netns', 'pids', self.name)
        except subprocess.CalledProcessError:
            return []
        return [int(pid) for pid in out.split()]

    def destroy(self):
        """Kill what still runs inside (it would keep the namespace
        alive), then delete it."""
        for pid in self.pids():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            ip('netns', 'del', self.name)
        except subprocess.CalledProcessError:
            pass


def veth(name, peer, namespace, peer_namespace):
    """A veth pair with one end in each namespace, both up."""
    ip('link', 'add', name, 'type', 'veth', 'peer', 'name', peer)
    ip('link', 'set', name, 'netns', namespace.name)
    ip('link', 'set', peer, 'netns', peer_namespace.name)
    ip('link', 'set', name, 'up', namespace=namespace.name)
    ip('link', 'set', peer, 'up', namespace=peer_namespace.name)


def _listen_in(namespace, host, port):
    """A TCP socket listening on host:port inside ``namespace``.

    setns() moves only the calling thread, so a short-lived thread enters
    the namespace, opens the socket (which stays in that namespace for
    life) and leaves.
    """
    made = {}

    def make():
        own = os.open('/proc/thread-self/ns/net', os.O_RDONLY)
        target = os.open('/run/netns/' + namespace.name, os.O_RDONLY)
        try:
            if _libc.setns(target, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), 'setns failed')
            try:
                sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                sock.bind((host, port))
                sock.listen(64)
                made['socket'] = sock
            finally:
                _libc.setns(own, CLONE_NEWNET)
        except BaseException as exc:
            made['error'] = exc
        finally:
            os.close(own)
            os.close(target)

    thread = threading.Thread(target=make)
    thread.start()
    thread.join()
    if 'error' in made:
        raise made['error']
    return made['socket']


def _pump(source, sink):
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (source, sink):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class Forwarder:
    """127.0.0.1:port inside a namespace -> target on the host."""

    def __init__(self, namespace, port, target):
        self.target = target
        self._listener = _listen_in(namespace, '127.0.0.1', port)
        self._connections = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        while True:
            try:
                inside, _ = self._listener.accept()
            except OSError:
                return
            try:
                outside = socket.create_connection(self.target, timeout=10)
                outside.settimeout(None)
            except OSError:
                inside.close()
                continue
            self._connections += [inside, outside]
            for source, sink in ((inside, outside), (outside, inside)):
                threading.Thread(target=_pump, args=(source, sink),
                                 daemon=True).start()

    def close(self):
        try:
            self._listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._listener.close()
        for sock in self._connections:
            try:
                sock.close()
            except OSError:
                pass
