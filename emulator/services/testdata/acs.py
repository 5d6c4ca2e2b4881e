#!/usr/bin/python3
"""A minimal TR-069 ACS for the CWMP client's interop tests, independent of our C++ code:
Python's http.server and ssl (OpenSSL through CPython), xml.etree for the SOAP.

It answers an Inform with an InformResponse, optionally sends one ACS request (e.g.
GetParameterValues) after the first empty POST, and ends the session with 204. Every
request is logged as one JSON line (peer, TLS version, client certificate, headers, RPC).
Prints "listening <port>" once ready; exits when stdin closes (the test process is gone)
or on SIGTERM.
"""

import argparse
import json
import os
import signal
import ssl
import sys
import threading
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
TLS_VERSIONS = {"1.0": ssl.TLSVersion.TLSv1, "1.1": ssl.TLSVersion.TLSv1_1,
                "1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}


def envelope(cwmp_ns, cwmp_id, body):
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<soap-env:Envelope xmlns:soap-env="{SOAP_ENV}" xmlns:cwmp="{cwmp_ns}">'
            f'<soap-env:Header><cwmp:ID soap-env:mustUnderstand="1">{cwmp_id}</cwmp:ID></soap-env:Header>'
            f'<soap-env:Body>{body}</soap-env:Body></soap-env:Envelope>')


def parse_rpc(body):
    """(rpc local name, cwmp namespace, cwmp:ID, the RPC element) of a SOAP envelope."""
    root = ET.fromstring(body)
    rpc = root.find(f"{{{SOAP_ENV}}}Body")[0]
    ns, name = rpc.tag[1:].split("}", 1) if rpc.tag.startswith("{") else ("", rpc.tag)
    cwmp_id = ""
    header = root.find(f"{{{SOAP_ENV}}}Header")
    if header is not None:
        for child in header:
            if child.tag.endswith("}ID"):
                cwmp_id = child.text or ""
    if name == "Fault":
        ns = "urn:dslforum-org:cwmp-1-0"
    return name, ns, cwmp_id, rpc


class Acs(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the whole session on one connection

    def log_message(self, fmt, *args):  # quiet; the JSON log is the record
        pass

    def record(self, entry):
        conn = self.connection
        entry["peer"] = self.client_address[0]
        entry["peer_port"] = self.client_address[1]
        entry["sni"] = self.server.last_sni
        entry["path"] = self.path
        entry["headers"] = {k: v for k, v in self.headers.items()}
        if isinstance(conn, ssl.SSLSocket):
            entry["tls_version"] = conn.version()
            cert = conn.getpeercert()
            entry["client_subject"] = dict(x[0] for x in cert["subject"]) if cert else None
        with self.server.log_lock, open(self.server.args.log, "a", encoding="utf-8") as log:
            log.write(json.dumps(entry) + "\n")

    def reply(self, status, body=b"", content_type="text/xml; charset=utf-8"):
        self.send_response(status)
        if status != 204:
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length) if length else b""
        args = self.server.args
        if not body:
            self.record({"rpc": None})
            if args.rpc and not getattr(self, "rpc_sent", False):
                self.rpc_sent = True
                ns = getattr(self, "cwmp_ns", "urn:dslforum-org:cwmp-1-0")
                names = ('<ParameterNames soap-enc:arrayType="xsd:string[1]" '
                         'xmlns:soap-enc="http://schemas.xmlsoap.org/soap/encoding/">'
                         '<string>Device.DeviceInfo.</string></ParameterNames>')
                rpc = f"<cwmp:{args.rpc}>{names if args.rpc == 'GetParameterValues' else ''}</cwmp:{args.rpc}>"
                self.reply(200, envelope(ns, "acs-1", rpc).encode())
            else:
                self.reply(204)
            return
        try:
            name, ns, cwmp_id, rpc = parse_rpc(body)
        except (ET.ParseError, IndexError, TypeError) as error:
            self.record({"rpc": "unparsable", "error": str(error)})
            self.reply(400, b"bad envelope", "text/plain")
            return
        entry = {"rpc": name, "cwmp_id": cwmp_id, "body": body.decode("utf-8", "replace")}
        if name == "Inform":
            self.cwmp_ns = ns
            entry["events"] = [e.findtext("EventCode") for e in rpc.iter("EventStruct")]
            entry["device_id"] = {c.tag: c.text for c in rpc.find("DeviceId")}
            entry["parameters"] = {p.findtext("Name"): p.findtext("Value") or ""
                                   for p in rpc.iter("ParameterValueStruct")}
            entry["max_envelopes"] = rpc.findtext("MaxEnvelopes")
            entry["retry_count"] = rpc.findtext("RetryCount")
            entry["current_time"] = rpc.findtext("CurrentTime")
            self.record(entry)
            self.reply(200, envelope(ns, cwmp_id, "<cwmp:InformResponse><MaxEnvelopes>1</MaxEnvelopes>"
                                                  "</cwmp:InformResponse>").encode())
            return
        if name == "Fault":
            entry["fault_code"] = next((e.text for e in rpc.iter() if e.tag.endswith("FaultCode")), None)
        self.record(entry)
        self.reply(204)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--client-ca", help="require a client certificate chaining to this bundle")
    parser.add_argument("--tls", default="1.2-1.3", help="MIN-MAX of 1.0 1.1 1.2 1.3")
    parser.add_argument("--plain", action="store_true", help="HTTP without TLS")
    parser.add_argument("--rpc", help="one ACS request to send after the first empty POST")
    parser.add_argument("--log", required=True)
    args = parser.parse_args()

    server = ThreadingHTTPServer((args.bind, 0), Acs)
    server.daemon_threads = True
    server.args = args
    server.log_lock = threading.Lock()
    server.last_sni = None
    if not args.plain:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        low, high = args.tls.split("-")
        if low in ("1.0", "1.1"):
            context.set_ciphers("DEFAULT:@SECLEVEL=0")  # OpenSSL 3 refuses TLS < 1.2 otherwise
        context.minimum_version = TLS_VERSIONS[low]
        context.maximum_version = TLS_VERSIONS[high]
        context.load_cert_chain(args.cert, args.key)
        def on_sni(_sock, name, _ctx):
            server.last_sni = name

        context.sni_callback = on_sni
        if args.client_ca:
            context.verify_mode = ssl.CERT_REQUIRED
            context.load_verify_locations(args.client_ca)
        server.socket = context.wrap_socket(server.socket, server_side=True)

    def stop(*_):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    threading.Thread(target=lambda: (sys.stdin.read(), stop()), daemon=True).start()
    print(f"listening {server.server_address[1]}", flush=True)
    server.serve_forever(poll_interval=0.1)
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
