#!/usr/bin/python3
"""Query log for knotd: a dnstap collector on a UNIX socket that writes one line per query, flushed at once.

knotd's mod-dnstap writes Frame Streams; its file sink is buffered by libc (nothing appears for kilobytes), so the
sandbox points the module at this socket instead. Each line: EPOCH_MS PROTOCOL CLIENT QNAME QTYPE, e.g.
    1795994041123 udp 127.0.0.1 app.example.test. A
usage: dnstap-log.py SOCKET LOGFILE    (runs in the foreground until killed)
"""
import os
import socket
import socketserver
import struct
import sys
import threading
import time

CONTROL_ACCEPT, CONTROL_START, CONTROL_STOP, CONTROL_READY, CONTROL_FINISH = 1, 2, 3, 4, 5
FIELD_CONTENT_TYPE = 1
CONTENT_TYPE = b"protobuf:dnstap.Dnstap"
QTYPES = {1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 12: "PTR", 15: "MX", 16: "TXT", 28: "AAAA", 33: "SRV", 43: "DS",
          46: "RRSIG", 48: "DNSKEY", 52: "TLSA", 64: "SVCB", 65: "HTTPS", 252: "AXFR", 251: "IXFR", 255: "ANY", 257: "CAA"}
PROTOCOLS = {1: "udp", 2: "tcp", 3: "dot", 4: "doh", 5: "dnscrypt-udp", 6: "dnscrypt-tcp", 7: "doq"}

lock = threading.Lock()
log = None


def varint(buf, i):
    shift = value = 0
    while True:
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, i
        shift += 7


def fields(buf):
    """Protobuf fields as (number, value): ints for varint/fixed, bytes for length-delimited."""
    i = 0
    while i < len(buf):
        key, i = varint(buf, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = varint(buf, i)
        elif wire == 1:
            value = struct.unpack_from("<Q", buf, i)[0]
            i += 8
        elif wire == 2:
            length, i = varint(buf, i)
            value = bytes(buf[i:i + length])
            i += length
        elif wire == 5:
            value = struct.unpack_from("<I", buf, i)[0]
            i += 4
        else:
            return
        yield number, value


def question(wire):
    """QNAME and QTYPE of a DNS message (questions are never compressed in queries)."""
    if len(wire) < 12 or struct.unpack_from(">H", wire, 4)[0] < 1:
        return "?", "?"
    i, labels = 12, []
    while i < len(wire):
        n = wire[i]
        i += 1
        if n == 0:
            break
        if n & 0xC0:
            return "?", "?"
        labels.append(wire[i:i + n].decode("ascii", "replace"))
        i += n
    qtype = struct.unpack_from(">H", wire, i)[0] if i + 2 <= len(wire) else 0
    return ".".join(labels) + ".", QTYPES.get(qtype, "TYPE%d" % qtype)


def address(raw):
    if len(raw) == 4:
        return socket.inet_ntop(socket.AF_INET, raw)
    if len(raw) == 16:
        return socket.inet_ntop(socket.AF_INET6, raw)
    return "?"


def record(payload):
    message = None
    for number, value in fields(payload):
        if number == 14:
            message = dict(fields(value))
    if not message or 10 not in message:
        return
    seconds, nanos = message.get(8), message.get(9, 0)
    when = seconds * 1000 + nanos // 1_000_000 if seconds else int(time.time() * 1000)
    name, qtype = question(message[10])
    line = "%d %s %s %s %s\n" % (when, PROTOCOLS.get(message.get(3), "?"), address(message.get(4, b"")), name, qtype)
    with lock:
        log.write(line)
        log.flush()


def control(kind, with_type=True):
    body = struct.pack(">I", kind)
    if with_type:
        body += struct.pack(">II", FIELD_CONTENT_TYPE, len(CONTENT_TYPE)) + CONTENT_TYPE
    return struct.pack(">II", 0, len(body)) + body


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        stream = self.request.makefile("rb")
        while True:
            head = stream.read(4)
            if len(head) < 4:
                return
            length = struct.unpack(">I", head)[0]
            if length:
                record(stream.read(length))
                continue
            size = struct.unpack(">I", stream.read(4))[0]
            kind = struct.unpack(">I", stream.read(size)[:4])[0]
            if kind == CONTROL_READY:
                self.request.sendall(control(CONTROL_ACCEPT))
            elif kind == CONTROL_STOP:
                self.request.sendall(control(CONTROL_FINISH, with_type=False))
                return


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


def main():
    global log
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    path, logfile = sys.argv[1], sys.argv[2]
    log = open(logfile, "a", encoding="utf-8")
    if os.path.exists(path):
        os.unlink(path)
    with Server(path, Handler) as server:
        server.serve_forever()


if __name__ == "__main__":
    main()
