"""Schemathesis hooks for fuzzing Simpul's GraphQL API (`SCHEMATHESIS_HOOKS=hooks`, run by .ci/run).

Strategies for the API's own scalars, and the one check that matters here: the server never fails. A GraphQL
error with a code the API documents (VALIDATION, NOT_FOUND, FORBIDDEN, ...) is a correct answer to a random
request; a 5xx status, an `INTERNAL` error or an error without a code is a failure.
"""

import datetime

import graphql
import schemathesis
from hypothesis import strategies as st
from schemathesis.graphql import nodes

schemathesis.graphql.scalar(
    "DateTime",
    st.one_of(
        st.datetimes(timezones=st.just(datetime.timezone.utc)).map(lambda d: d.isoformat()),
        st.text(max_size=30),
    ).map(nodes.String),
)
schemathesis.graphql.scalar(
    "NaiveDate",
    st.one_of(st.dates().map(lambda d: d.isoformat()), st.text(max_size=12)).map(nodes.String),
)
def field(name, value):
    return graphql.ObjectFieldNode(name=graphql.NameNode(value=name), value=value)


# JSON inputs are form data and facts: objects of short strings, numbers and booleans, or anything else.
json_leaf = st.one_of(
    st.text(max_size=40).map(nodes.String),
    st.integers(min_value=-(2**31), max_value=2**31).map(nodes.Int),
    st.booleans().map(nodes.Boolean),
    st.just(nodes.Null),
)
schemathesis.graphql.scalar(
    "JSON",
    st.one_of(
        json_leaf,
        st.dictionaries(
            st.from_regex(r"\A[a-z_]{1,12}\Z"), json_leaf, max_size=8
        ).map(lambda d: nodes.Object([field(k, v) for k, v in d.items()])),
    ),
)
# Uploads travel in multipart requests, which the fuzzer does not send; a string is refused as it should be.
schemathesis.graphql.scalar("Upload", st.text(max_size=10).map(nodes.String))

# Codes the API documents for refusals; anything else is a server failure.
DOCUMENTED = {
    "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "VALIDATION", "CONFLICT", "REFUSED", "RATE_LIMITED",
    "QUERY_TOO_COMPLEX", "BAD_REQUEST", "GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED",
}


@schemathesis.check
def the_server_never_fails(ctx, response, case):
    """No 5xx, no INTERNAL, every error with a documented code."""
    if response.status_code >= 500:
        raise AssertionError(f"HTTP {response.status_code}: {response.text[:500]}")
    try:
        body = response.json()
    except ValueError:
        raise AssertionError(f"not JSON: {response.text[:500]}")
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        if code not in DOCUMENTED:
            raise AssertionError(f"error with code {code!r}: {error}")
