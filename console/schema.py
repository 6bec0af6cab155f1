"""Post-processing of the OpenAPI schema: what every operation of a kind shares is documented once
here rather than on each view."""

from django.conf import settings

ERROR = {"$ref": "#/components/schemas/ErrorResponse"}
WRITE_METHODS = ("post", "put", "patch")


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ERROR}}}


def document_shared_answers(result, generator, request, public):
    """Paginated lists: `page_size` is 1 to 200 and a bad `page` or `page_size` is a 400 (or 404 for
    a page past the end). Writes: a body over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413."""
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if not isinstance(operation, dict):
                continue
            responses = operation.setdefault("responses", {})
            names = {parameter.get("name") for parameter in operation.get("parameters", [])}
            if "page_size" in names:
                for parameter in operation["parameters"]:
                    if parameter.get("name") == "page_size":
                        parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": 200}
                    elif parameter.get("name") == "page":
                        parameter["schema"] = {"type": "integer", "minimum": 1}
                responses.setdefault("400", _error("A bad `page` or `page_size` (a whole number from 1 to 200)."))
                responses.setdefault("404", _error("No such page."))
            if method in WRITE_METHODS:
                responses.setdefault(
                    "413", _error(f"The body is over {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes."))
    return result
