"""The OpenAPI description, completed with the answers that no single route produces.

Every operation can get the NUL-character 400 (RejectNul answers it before any route runs), so
its string parameters say they take no NUL (free text aside), and the errors a route raises get the body they actually have: JSON under /api/, the HTML error page
elsewhere (see deps.error_response), except the NUL 400, which is always JSON.
"""

from __future__ import annotations

from fastapi import FastAPI

from app.web.deps import RejectNul

PROBLEM = {
    "title": "Problem", "type": "object", "required": ["detail"],
    "properties": {"detail": {"type": "string", "description": "What was wrong, in plain words."}},
}
NUL = "A NUL character in the path or a filter parameter."
NUL_FREE = "^[^\\x00]*$"
# Errors answered with the error handlers' bodies; a route's own `responses` give the description.
ERRORS = {"400": "Bad request", "404": "Not found", "410": "Gone", "422": "Invalid parameters"}


def _problem(path: str, code: str) -> dict:
    """The content of an error answer at `path`."""
    if path.startswith("/api/") or code == "400":
        return {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    return {"text/html": {"schema": {"type": "string"}}}


def _no_nul(schema: dict) -> None:
    """Declare that a string parameter holds no NUL (RejectNul answers 400 to one)."""
    if schema.get("type") == "string" and not {"pattern", "enum", "const"} & set(schema):
        schema["pattern"] = NUL_FREE
    for alternative in schema.get("anyOf", []):
        _no_nul(alternative)


def complete(schema: dict) -> dict:
    """`schema` (FastAPI's) with the NUL 400 on every operation and every error's content declared."""
    schema.setdefault("components", {}).setdefault("schemas", {}).setdefault("Problem", PROBLEM)
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if not (parameter["in"] == "query" and parameter["name"] in RejectNul.FREE_TEXT):
                    _no_nul(parameter.get("schema", {}))
            responses = operation.setdefault("responses", {})
            nul = responses.setdefault("400", {"description": NUL})
            if nul["description"] != NUL and NUL not in nul["description"]:
                nul["description"] += f"; or {NUL[0].lower()}{NUL[1:]}"
            for code, answer in responses.items():
                if code in ERRORS:
                    answer.setdefault("description", ERRORS[code])
                    if code == "422" and path.startswith("/api/"):
                        continue  # FastAPI's own HTTPValidationError, which the handler keeps
                    answer["content"] = _problem(path, code)
    return schema


def install(app: FastAPI) -> None:
    """Serve the completed description at app.openapi_url (built once, like FastAPI's)."""
    default = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            app.openapi_schema = complete(default())
        return app.openapi_schema

    app.openapi = openapi
