"""Make the layer's re-exporting package ``__init__`` files lazy (PEP 562), at build time.

Importing ``aws_lambda_powertools.event_handler.api_gateway`` runs the package's
``__init__`` first, and Powertools' imports every resolver there (AppSync's, and with it
asyncio; Bedrock's; VPC Lattice's; …), while ``utilities.data_classes`` imports every event
class: tens of milliseconds of each cold start for modules no function uses. Powertools has
no switch for this, so the build rewrites such files (:data:`PACKAGES`): each name they
export is imported on first use through a module ``__getattr__``; the names stay the same.

A file is rewritten only if it holds nothing but a docstring, ``from … import`` statements
and ``__all__``; anything else fails the build, so an upgrade that changes them is noticed
(and the rewrite re-examined) rather than shipped half-lazy.

    python infra/layer_lazy_init.py LAYER_PYTHON_DIR
"""

import ast
import sys
from pathlib import Path

PACKAGES = (
    "aws_lambda_powertools.event_handler",
    "aws_lambda_powertools.event_handler.openapi",  # its spec merger, which only the build uses
    "aws_lambda_powertools.utilities.data_classes",
    "aws_lambda_powertools.utilities.parameters",  # secrets only, not SSM, AppConfig, DynamoDB
    "aws_lambda_powertools.utilities.batch",  # the SQS and stream processors, not Kinesis or FIFO
)

LAZY_TEMPLATE = """{docstring!r}
# Made lazy by the clinic's layer build (infra/layer_lazy_init.py): the same names, each
# imported on first use.
import importlib

_EXPORTS = {exports!r}
__all__ = {all_!r}


def __getattr__(name):
    try:
        module, attribute = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module {{__name__!r}} has no attribute {{name!r}}") from None
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__():
    return sorted({{*globals(), *_EXPORTS}})
"""


class NotReexportOnly(ValueError):
    """The ``__init__`` does more than re-export names: rewriting it could change behaviour."""


def lazy_source(source: str, package: str) -> str:
    """The lazy equivalent of a re-exporting ``__init__`` of ``package``."""
    tree = ast.parse(source)
    docstring = ast.get_docstring(tree, clean=False) or ""
    exports: dict[str, tuple[str, str]] = {}
    all_: list[str] | None = None
    for index, node in enumerate(tree.body):
        if index == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # the docstring
        if isinstance(node, ast.ImportFrom) and node.module and all(alias.name != "*" for alias in node.names):
            parent = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join([*parent, node.module]) if node.level else node.module
            for alias in node.names:
                exports[alias.asname or alias.name] = (module, alias.name)
            continue
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["__all__"]:
            all_ = list(ast.literal_eval(node.value))
            continue
        raise NotReexportOnly(f"{package}: line {node.lineno} is not a re-export")
    if all_ is None or set(all_) - set(exports):
        raise NotReexportOnly(f"{package}: __all__ missing, or naming what is not imported")
    return LAZY_TEMPLATE.format(docstring=docstring, exports=exports, all_=all_)


def main(argv: list[str]) -> int:
    """Rewrite the ``__init__`` of each of :data:`PACKAGES` under the layer directory ``argv[0]``."""
    site = Path(argv[0])
    for package in PACKAGES:
        init = site.joinpath(*package.split("."), "__init__.py")
        init.write_text(lazy_source(init.read_text(encoding="utf-8"), package), encoding="utf-8")
        print(f"lazy: {package}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
