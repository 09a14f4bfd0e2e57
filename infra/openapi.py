"""One OpenAPI document for all functions, generated from their code (Powertools merge).

``python -m infra.openapi`` writes ``openapi.json``; ``--check`` fails when the committed
file differs from what the code generates (``make openapi-check``).
"""

import importlib.util
import json
import os
import sys
from types import ModuleType

from infra import cfn

SPEC_FILE = cfn.ROOT / "openapi.json"
DESCRIPTION = """\
Backend of the clinic's article pages: the free-trial registration form, the pore
questionnaire and the bilingual FAQ. Language: `lang` (query or body: `en`, `zh-HK`), else
`Accept-Language`, else `en`. Every error is `{"error": {"code", "message", "fields"?}}`
with the message in the request's language; 405 answers a method a path does not serve,
429 comes from API Gateway throttling, 503 carries `Retry-After`."""


def load_app_module(function: cfn.Function) -> ModuleType:
    """Import a function's handler module under a name of its own (they are all ``app``)."""
    shared = str(cfn.ROOT / "shared")
    if shared not in sys.path:
        sys.path.insert(0, shared)
    module_file = function.code_dir / (function.handler.rsplit(".", 1)[0] + ".py")
    name = f"{function.code_dir.name}_app"
    spec = importlib.util.spec_from_file_location(name, module_file)
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def load_with_environment(function: cfn.Function) -> ModuleType:
    """Import a handler module with the environment template.yaml gives it (a function
    checks its settings at import), leaving this process's environment as it was."""
    from unittest.mock import patch

    if str(cfn.ROOT / "shared") not in sys.path:
        sys.path.insert(0, str(cfn.ROOT / "shared"))
    from clinic.settings import settings

    settings.cache_clear()
    try:
        with patch.dict(os.environ, function.environment):
            return load_app_module(function)
    finally:
        settings.cache_clear()


def merged_spec() -> dict[str, object]:
    """The merged spec of every function in template.yaml."""
    from aws_lambda_powertools.event_handler.openapi.merge import OpenAPIMerge

    os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "Clinic")
    refs = cfn.local_refs()
    modules = [load_with_environment(function) for function in cfn.functions(refs).values()]
    # A function behind an authorizer declares its scheme (the staff function), built on demand.
    schemes = {m.__name__: m.security_schemes() for m in modules if hasattr(m, "security_schemes")}
    merge = OpenAPIMerge(
        title="Clinic API",
        version="1.0.0",
        description=DESCRIPTION,
        tags=["FAQ", "Registration", "Recommendation", "Staff"],
        on_conflict="error",
        security_schemes={key: value for scheme in schemes.values() for key, value in scheme.items()},
    )
    for module in modules:
        if hasattr(module, "app"):
            merge.add_schema(module.app.get_openapi_schema(security_schemes=schemes.get(module.__name__)))
    spec: dict[str, object] = json.loads(merge.get_openapi_json_schema())
    return spec


def merged_spec_json() -> str:
    """The merged spec as the committed file holds it."""
    return json.dumps(merged_spec(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def main(argv: list[str]) -> int:
    """Write the spec, or with ``--check`` compare it with the committed one."""
    generated = merged_spec_json()
    if "--check" in argv:
        committed = SPEC_FILE.read_text(encoding="utf-8") if SPEC_FILE.exists() else ""
        if committed != generated:
            print("openapi.json is out of date: run `make openapi` and commit it.", file=sys.stderr)
            return 1
        print("openapi.json matches the code.")
        return 0
    SPEC_FILE.write_text(generated, encoding="utf-8")
    print(f"wrote {SPEC_FILE.relative_to(cfn.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
