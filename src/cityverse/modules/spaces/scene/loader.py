"""load_scene: JSON in, a typed Scene out, or a SceneError listing every problem found."""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Iterator, Mapping
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaViolation
from pydantic import ValidationError

from cityverse.modules.spaces.scene.catalog import CATALOG
from cityverse.modules.spaces.scene.document import Scene
from cityverse.modules.spaces.scene.errors import SceneError, SceneProblem, json_path
from cityverse.modules.spaces.scene.rules import AssetLookup, check_scene

MAX_MESSAGE = 200


@cache
def scene_schema() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("scene.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def scene_validator() -> Draft202012Validator:
    return Draft202012Validator(scene_schema())


def load_scene(
    data: Mapping[str, Any] | str | bytes,
    *,
    catalog: AssetLookup = CATALOG,
    enterprise_keys: Collection[str] | None = None,
) -> Scene:
    """Validates a scene document against the schema, then the rules; pass enterprise_keys
    to also check that every booth belongs to a known enterprise."""
    document = parse_document(data)
    problems = schema_problems(document)
    if problems:
        raise SceneError(problems)
    try:
        scene = Scene.model_validate(document)
    except ValidationError as error:
        # The schema should already have caught these; kept so no input escapes as a crash.
        raise SceneError(
            SceneProblem(json_path(*e["loc"]), "schema.model", e["msg"]) for e in error.errors()
        ) from None
    problems = check_scene(scene, catalog, enterprise_keys)
    if problems:
        raise SceneError(problems)
    return scene


def parse_document(data: Mapping[str, Any] | str | bytes) -> Any:
    if isinstance(data, str | bytes):
        try:
            document = json.loads(data, parse_constant=reject_constant)
        except (ValueError, RecursionError) as error:
            problem = SceneProblem("$", "json.invalid", str(error)[:MAX_MESSAGE])
            raise SceneError([problem]) from None
    else:
        document = data
    bad_numbers = [SceneProblem(path, "value.not_finite", "numbers must be finite")
                   for path in non_finite_paths(document, "$")]
    if bad_numbers:
        raise SceneError(bad_numbers)
    return document


def reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not valid JSON")


def non_finite_paths(value: Any, path: str) -> Iterator[str]:
    if isinstance(value, float) and not math.isfinite(value):
        yield path
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from non_finite_paths(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from non_finite_paths(item, f"{path}[{index}]")


def schema_problems(document: Any) -> list[SceneProblem]:
    errors = sorted(scene_validator().iter_errors(document),
                    key=lambda e: ([str(p) for p in e.absolute_path], str(e.validator)))
    return [SceneProblem(json_path(*error.absolute_path), f"schema.{error.validator}",
                         schema_message(error)) for error in errors]


def schema_message(error: SchemaViolation) -> str:
    if error.validator == "not" and list(error.absolute_path)[-1:] == ["transform"]:
        return "give either rotation or heading_deg, not both"
    message = str(error.message)
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 1] + "…"
