"""A minimal GraphQL client for Simpul, with the standard library only (urllib, json).

Shared by the examples: each one is a program an integrator could start from.
"""

import json
import os
import sys
import urllib.request


class SimpulError(Exception):
    """A GraphQL error: its stable code (extensions.code) and its message, in Bahasa Indonesia."""

    def __init__(self, error):
        self.code = error.get("extensions", {}).get("code", "")
        self.fields = error.get("extensions", {}).get("fields", [])
        super().__init__(f"{self.code}: {error.get('message', '')}")


def graphql(query, variables=None, credential=None):
    """POSTs a GraphQL request to $SIMPUL_URL/graphql; returns `data`, raising SimpulError on the first error."""
    url = os.environ.get("SIMPUL_URL", "http://127.0.0.1:8080").rstrip("/") + "/graphql"
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("Content-Type", "application/json")
    if credential:
        # A user's token from `login`, or an API key: both are bearer credentials.
        request.add_header("Authorization", f"Bearer {credential}")
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = json.load(response)
    if answer.get("errors"):
        raise SimpulError(answer["errors"][0])
    return answer["data"]


def need(name):
    """An environment variable the example cannot run without."""
    value = os.environ.get(name)
    if not value:
        sys.exit(f"set {name} (see docs/api.md)")
    return value
