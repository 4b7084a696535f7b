"""The hub's HTTP endpoints of sync/v1 (docs/protocol.md). Every refusal is a 4xx with a JSON
reason; a family space is known only by the signature on its requests, never by a cookie."""
from __future__ import annotations

import threading

from flask import Blueprint, current_app, g, jsonify, request

from sync import hub
from sync.cache import HubCache
from sync.keyring import NODE, KeyRing
from sync.keys import KeyProblem
from sync.wire import HEADER_FAMILY, HEADER_KEY, HEADER_SIGNATURE, MAX_REQUEST_BYTES, PREFIX, SyncError
from webapp.db import get_db
from webapp.records import node_key
from webapp.security import csrf

bp = Blueprint("sync_hub", __name__, url_prefix=PREFIX)
csrf.exempt(bp)  # signed requests, no cookies: cross-site request forgery does not apply


def hub_cache() -> HubCache:
    """This process's cache of unwrapped keys and checked signatures (see sync.cache)."""
    return current_app.extensions.setdefault("onsplan.hub_cache", HubCache())


def ring() -> KeyRing:
    if "key_ring" not in g:
        g.key_ring = KeyRing(get_db(), node_key())
    return g.key_ring


@bp.before_request
def _no_session():
    g.stateless = True  # no cookie for a machine
    length = request.content_length
    if length is not None and length > MAX_REQUEST_BYTES:
        raise SyncError("the request is too large", 413)


@bp.errorhandler(SyncError)
def _refused(error: SyncError):
    answer = {"error": error.reason, "permanent": error.permanent}
    if hasattr(error, "last_counter"):
        answer["last_counter"] = error.last_counter
    return jsonify(answer), error.status


@bp.errorhandler(KeyProblem)
def _bad_key(error: KeyProblem):
    return jsonify({"error": str(error), "permanent": True}), 400


@bp.errorhandler(413)
def _too_large(_error):
    return jsonify({"error": "the request is too large", "permanent": True}), 413


@bp.get("/hub")
def hub_keys():
    """The hub's public keys: a family space compares their fingerprint with the one in the invitation."""
    return jsonify({"v": 1, "keys": ring().public(NODE).to_json()})


@bp.get("/directory")
def directory():
    return jsonify(hub.directory(get_db(), ring(), current_app.config["ONSPLAN"].hub_name))


@bp.post("/enrol")
def enrol():
    body = _body()
    return jsonify(hub.enrol(get_db(), ring(), body, request.headers.get(HEADER_SIGNATURE),
                             node_key().field_cipher("professional"))), 201


@bp.post("/push")
def push():
    return jsonify(hub.push(get_db(), _caller(), hub_cache()))


@bp.post("/objections")
def objections():
    return jsonify(hub.receive_objections(get_db(), _caller()))


@bp.post("/keys")
def keys():
    return jsonify(hub.change_keys(get_db(), _caller()))


@bp.post("/pull")
def pull():
    return jsonify(hub.pull(get_db(), _caller()))


# A waiting family space holds one of waitress's threads: only a few may wait at a time, the others
# are answered at once and fetch on their interval.
WAIT_SLOTS = threading.BoundedSemaphore(2)


@bp.post("/wait")
def wait():
    caller = _caller()
    slot = WAIT_SLOTS.acquire(blocking=False)
    try:
        return jsonify(hub.wait_for_news(get_db(), caller, may_wait=slot))
    finally:
        if slot:
            WAIT_SLOTS.release()


def _body() -> bytes:
    body = request.get_data(cache=True)
    if len(body) > MAX_REQUEST_BYTES:
        raise SyncError("the request is too large", 413)
    return body


def _caller() -> hub.Caller:
    return hub.authenticate(get_db(), request.method, request.path, _body(), request.headers.get(HEADER_FAMILY),
                            request.headers.get(HEADER_KEY), request.headers.get(HEADER_SIGNATURE))

