#!/usr/bin/env python3
"""Interop check: a client written from PROTOCOL.md alone, with pyzmq, talks MPP/1 to a real
`mpp-registry`.

Usage: check_health.py [PATH_TO_MPP_REGISTRY]
  The registry executable is argv[1], else $MPP_REGISTRY_BIN, else .build/debug/mpp-registry
  in the package root. The registry runs on free loopback ports with its own temporary MPP_DATA
  and is stopped with SIGTERM (it must exit 0).

Prints one line per check and `N passed, N failed` as the last line; exit code 0 only when every
check passed.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid

try:
    import zmq
except ImportError:
    print("pyzmq is not installed (apt-get install python3-zmq, or pip install pyzmq)")
    print("0 passed, 1 failed")
    sys.exit(1)

VERSION = b"MPP/1"
ERROR_CODES = {
    "invalid_argument", "not_found", "already_exists", "failed_precondition", "aborted",
    "unauthenticated", "permission_denied", "resource_exhausted", "deadline_exceeded",
    "unavailable", "unimplemented", "internal",
}

passed = 0
failed = 0


def check(name, condition, detail=""):
    global passed, failed
    if condition:
        passed += 1
        print(f"ok    {name}")
    else:
        failed += 1
        print(f"FAIL  {name}" + (f": {detail}" if detail else ""))
    return condition


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def registry_path():
    if len(sys.argv) > 1:
        return sys.argv[1]
    if os.environ.get("MPP_REGISTRY_BIN"):
        return os.environ["MPP_REGISTRY_BIN"]
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return os.path.join(root, ".build", "debug", "mpp-registry")


class Client:
    """A DEALER speaking MPP/1 (PROTOCOL §2): [empty, MPP/1, id, method, metadata, body]."""

    def __init__(self, context, endpoint):
        self.socket = context.socket(zmq.DEALER)
        self.socket.setsockopt(zmq.LINGER, 0)
        self.socket.connect(endpoint)

    def send_frames(self, frames, request_id, timeout=5.0):
        """Sends raw frames; returns the reply frames with this request id, or None on timeout."""
        self.socket.send_multipart(frames)
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not self.socket.poll(int(left * 1000)):
                return None
            reply = self.socket.recv_multipart()
            if len(reply) >= 3 and reply[2] == request_id:
                return reply
            # A late reply to an earlier request: not ours, keep waiting.

    def call(self, method, body, metadata=None, timeout=5.0):
        """Returns (status, decoded body, frames) or (None, None, None) on timeout."""
        request_id = uuid.uuid4().hex.encode()
        frames = [b"", VERSION, request_id, method.encode(), json.dumps(metadata or {}).encode(),
                  json.dumps(body).encode()]
        reply = self.send_frames(frames, request_id, timeout)
        if reply is None:
            return None, None, None
        return reply[3].decode(), json.loads(reply[4]), reply

    def close(self):
        self.socket.close(0)


def is_error(status, body, code):
    return (status == "error" and isinstance(body, dict) and body.get("code") == code
            and isinstance(body.get("message"), str))


def main():
    path = registry_path()
    if not os.access(path, os.X_OK):
        print(f"mpp-registry not found at {path}: build it with `swift build` or pass its path")
        print("0 passed, 1 failed")
        return 1

    data = tempfile.mkdtemp(prefix="mpp-interop-")
    rpc_port, events_port = free_port(), free_port()
    rpc = f"tcp://127.0.0.1:{rpc_port}"
    events = f"tcp://127.0.0.1:{events_port}"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MPP_")}
    environment.update({"MPP_DATA": data, "MPP_RPC_PORT": str(rpc_port), "MPP_EVENTS_PORT": str(events_port),
                        "MPP_REGISTRY": rpc, "MPP_LOG_LEVEL": "warning",
                        # If this script dies without stopping it, the registry stops by itself (as under `mpp up`).
                        "MPP_SUPERVISOR_PID": str(os.getpid())})
    log_path = os.path.join(data, "registry.log")
    log = open(log_path, "wb")
    registry = subprocess.Popen([path], env=environment, stdout=log, stderr=subprocess.STDOUT)
    context = zmq.Context()
    client = Client(context, rpc)
    try:
        run_checks(client, context, rpc, events, registry)
    finally:
        client.close()
        if registry.poll() is None:
            registry.send_signal(signal.SIGTERM)
            try:
                code = registry.wait(timeout=10)
                check("SIGTERM: registry exits 0", code == 0, f"exit code {code}")
            except subprocess.TimeoutExpired:
                registry.kill()
                registry.wait()
                check("SIGTERM: registry exits 0", False, "still running 10 s after SIGTERM, killed")
        else:
            check("registry still running at the end", False, f"exited early with {registry.returncode}")
        log.close()
        if failed:
            with open(log_path, "rb") as text:
                tail = text.read().decode(errors="replace").strip().splitlines()[-20:]
            if tail:
                print("registry log (last lines):")
                for line in tail:
                    print("  " + line)
        context.term()
        shutil.rmtree(data, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


def run_checks(client, context, rpc, events, registry):
    # sys.health, retried until the registry has bound its port.
    status = body = reply = None
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and registry.poll() is None:
        status, body, reply = client.call("sys.health", {}, timeout=0.5)
        if status is not None:
            break
    if not check("sys.health answers", status == "ok", f"status {status}, registry exit {registry.poll()}"):
        return
    check("reply frames: empty, MPP/1, id, ok, body", len(reply) >= 5 and reply[0] == b"" and reply[1] == VERSION,
          repr(reply[:4]))
    check("sys.health body has service, instance, version, status, uptime_s",
          isinstance(body, dict) and body.get("service") == "registry" and isinstance(body.get("instance"), str)
          and isinstance(body.get("version"), str) and body.get("status") == "serving"
          and isinstance(body.get("uptime_s"), (int, float)), json.dumps(body))

    # sys.health through a REQ socket: REQ adds the empty delimiter itself (PROTOCOL §2).
    req = context.socket(zmq.REQ)
    req.setsockopt(zmq.LINGER, 0)
    req.connect(rpc)
    req.send_multipart([VERSION, b"req-1", b"sys.health", b"{}", b"{}"])
    if req.poll(5000):
        frames = req.recv_multipart()
        check("sys.health over REQ", len(frames) >= 4 and frames[0] == VERSION and frames[1] == b"req-1"
              and frames[2] == b"ok", repr(frames[:3]))
    else:
        check("sys.health over REQ", False, "no reply")
    req.close(0)

    # registry.list: the registry registers itself, so it eventually lists its own instance.
    instances = []
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        status, body, _ = client.call("registry.list", {})
        instances = body.get("instances", []) if status == "ok" and isinstance(body, dict) else []
        if any(item.get("service") == "registry" for item in instances):
            break
        time.sleep(0.1)
    check("registry.list answers with instances", status == "ok" and isinstance(body.get("instances"), list),
          json.dumps(body))
    check("registry.list shows the registry itself with rpc, version, since",
          any(item.get("service") == "registry" and item.get("rpc") == rpc and item.get("version")
              and item.get("since") for item in instances), json.dumps(instances))

    # register → lookup → heartbeat → deregister, as any service in another language would.
    instance = f"py-{uuid.uuid4().hex[:8]}"
    registration = {"service": "pyecho", "instance": instance, "rpc": "tcp://127.0.0.1:1", "version": "0.0.1",
                    "ttl_ms": 60000}
    status, body, _ = client.call("registry.register", registration)
    check("registry.register returns lease_ms", status == "ok" and body.get("lease_ms") == 60000, json.dumps(body))
    status, body, _ = client.call("registry.lookup", {"service": "pyecho"})
    check("registry.lookup finds it", status == "ok" and [i.get("instance") for i in body.get("instances", [])]
          == [instance], json.dumps(body))
    status, body, _ = client.call("registry.heartbeat", {"instance": instance})
    check("registry.heartbeat ok", status == "ok", json.dumps(body))
    status, body, _ = client.call("registry.deregister", {"instance": instance})
    check("registry.deregister ok", status == "ok", json.dumps(body))
    status, body, _ = client.call("registry.heartbeat", {"instance": instance})
    check("heartbeat after deregister is not_found", is_error(status, body, "not_found"), json.dumps(body))

    # invalid_argument names the offending fields.
    status, body, _ = client.call("registry.register", {"service": "", "instance": "a b", "rpc": "http://x",
                                                        "version": "1", "ttl_ms": 1})
    fields = (body.get("details") or {}).get("fields", {}) if isinstance(body, dict) else {}
    check("bad registration: invalid_argument naming service, instance, rpc, ttl_ms",
          is_error(status, body, "invalid_argument") and {"service", "instance", "rpc", "ttl_ms"} <= set(fields),
          json.dumps(body))

    # A wrong version frame gets invalid_argument with the request id echoed.
    request_id = b"bad-version-1"
    reply = client.send_frames([b"", b"MPP/0", request_id, b"sys.health", b"{}", b"{}"], request_id)
    ok = reply is not None and len(reply) >= 5 and reply[3] == b"error"
    error = json.loads(reply[4]) if ok else None
    check("wrong version frame: invalid_argument", ok and is_error("error", error, "invalid_argument"),
          repr(reply))

    # Too few frames with a readable request id: invalid_argument too.
    request_id = b"short-1"
    reply = client.send_frames([b"", VERSION, request_id, b"sys.health"], request_id)
    check("too few frames: invalid_argument", reply is not None and reply[3] == b"error"
          and json.loads(reply[4]).get("code") == "invalid_argument", repr(reply))

    # Garbage without a readable request id is dropped, and the server keeps serving.
    client.socket.send_multipart([b"garbage"])
    client.socket.send_multipart([b"", b"\xff" * 100])
    status, body, _ = client.call("sys.health", {})
    check("still serving after garbage", status == "ok", json.dumps(body))

    # An unknown method gets unimplemented.
    status, body, _ = client.call("registry.nope", {})
    check("unknown method: unimplemented", is_error(status, body, "unimplemented"), json.dumps(body))
    check("error code is one of PROTOCOL §2's", isinstance(body, dict) and body.get("code") in ERROR_CODES)

    # sys.metrics is answered without a token.
    status, body, _ = client.call("sys.metrics", {})
    check("sys.metrics answers", status == "ok" and isinstance(body, dict), json.dumps(body))

    # events.read replays the outbox: the registration and deregistration above are there.
    status, body, _ = client.call("events.read", {"after": 0, "limit": 100})
    events_list = body.get("events", []) if status == "ok" and isinstance(body, dict) else []
    check("events.read answers with events and last_seq",
          status == "ok" and isinstance(body.get("last_seq"), int) and isinstance(events_list, list), json.dumps(body))
    seqs = [item.get("seq") for item in events_list]
    check("events.read: sequence numbers start at 1, +1, no gaps", seqs == list(range(1, len(seqs) + 1)) and seqs
          and seqs[-1] == body.get("last_seq"), repr(seqs))
    cloud = [item.get("event", {}) for item in events_list]
    check("events are CloudEvents 1.0 with type = topic",
          all(e.get("specversion") == "1.0" and e.get("id") and e.get("source") and e.get("time")
              and e.get("type") == item.get("topic") and isinstance(e.get("data"), dict)
              for e, item in zip(cloud, events_list)) and cloud, json.dumps(cloud)[:400])
    ours = [(item.get("topic"), item["event"]["data"].get("reason")) for item in events_list
            if item.get("event", {}).get("data", {}).get("instance") == instance]
    check("events: instance_up then instance_down (deregistered)",
          ours == [("registry.instance_up", None), ("registry.instance_down", "deregistered")], repr(ours))
    status, body, _ = client.call("events.read", {"after": len(seqs), "limit": 10})
    check("events.read after the last seq is empty", status == "ok" and body.get("events") == [], json.dumps(body))

    # The events endpoint: a SUB receives `$heartbeat` every second with the last sequence number.
    sub = context.socket(zmq.SUB)
    sub.setsockopt(zmq.LINGER, 0)
    sub.setsockopt(zmq.SUBSCRIBE, b"$heartbeat")
    sub.connect(events)
    frames = None
    deadline = time.monotonic() + 4
    while time.monotonic() < deadline:
        if sub.poll(int(max(0.0, deadline - time.monotonic()) * 1000)):
            frames = sub.recv_multipart()
            break
    check("events endpoint: $heartbeat within 4 s, frames topic, MPP/1, stream, seq, {}",
          frames is not None and len(frames) == 5 and frames[0] == b"$heartbeat" and frames[1] == VERSION
          and frames[2] == b"registry" and frames[3].isdigit() and int(frames[3]) >= len(seqs), repr(frames))
    sub.close(0)


if __name__ == "__main__":
    sys.exit(main())
