"""The OpenAPI 3.1 description of the quotes and feedback API, served at /api/openapi.json."""

from __future__ import annotations

from typing import Any

from web.quotes import MAX_K, MAX_PASSAGE_IDS

_ERROR = {"description": "Invalid input; `error` says what to send instead.",
          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def document(max_query_chars: int) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Brobygger quotes API", "version": "1.0.0",
                 "description": "Verbatim quotes with provenance from the Danish sources on cross-boundary leadership."},
        "paths": {
            "/api/quotes": {"get": {
                "summary": "Quotes that answer a question, best first",
                "parameters": [
                    {"name": "q", "in": "query", "required": True, "description": "The question.",
                     "schema": {"type": "string", "minLength": 1, "maxLength": max_query_chars}},
                    {"name": "k", "in": "query", "required": False, "description": "How many quotes at most.",
                     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_K, "default": 5}},
                    {"name": "source", "in": "query", "required": False,
                     "description": "Only this document (document id or source file name).", "schema": {"type": "string"}},
                    {"name": "theme", "in": "query", "required": False, "description": "Only this theme.",
                     "schema": {"type": "string"}},
                ],
                "responses": {"200": {"description": "The quotes; an empty list and `abstain: true` when the sources do not answer.",
                                      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Quotes"}}}},
                              "400": _ERROR},
            }},
            "/api/feedback": {"post": {
                "summary": "Record whether an answer helped",
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Feedback"}}}},
                "responses": {"201": {"description": "Stored.", "content": {"application/json": {
                    "schema": {"type": "object", "properties": {"stored": {"type": "boolean"}}}}}},
                              "400": _ERROR, "503": {**_ERROR, "description": "The database could not be reached; try again later."}},
            }},
            "/sources/{passage_id}": {"get": {
                "summary": "The passage in its document, highlighted (HTML)",
                "parameters": [{"name": "passage_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "An HTML page.", "content": {"text/html": {}}},
                              "404": {"description": "No passage has this id."}},
            }},
        },
        "components": {"schemas": {
            "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
            "Quote": {"type": "object", "required": ["id", "quote", "source", "title", "section", "url"], "properties": {
                "id": {"type": "string"}, "quote": {"type": "string", "description": "The source's own words."},
                "source": {"type": "string"}, "doc_id": {"type": "string"}, "title": {"type": "string"},
                "section": {"type": "string"}, "role": {"type": "string"}, "group": {"type": "string"},
                "theme": {"type": "string"}, "label": {"type": "string"}, "score": {"type": "number"},
                "url": {"type": "string", "description": "The source view of this passage."}}},
            "Quotes": {"type": "object", "required": ["query", "abstain", "quotes"], "properties": {
                "query": {"type": "string"}, "language": {"type": "string"}, "abstain": {"type": "boolean"},
                "confidence": {"type": "number"},
                "quotes": {"type": "array", "items": {"$ref": "#/components/schemas/Quote"}}}},
            "Feedback": {"type": "object", "required": ["sender", "helpful", "passage_ids"], "properties": {
                "sender": {"type": "string"}, "helpful": {"type": "boolean"}, "reason": {"type": "string"},
                "query": {"type": "string"},
                "passage_ids": {"type": "array", "minItems": 1, "maxItems": MAX_PASSAGE_IDS, "items": {"type": "string"}}}},
        }},
    }
