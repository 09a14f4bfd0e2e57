"""Compile ahead the layer modules that the functions can import, as hash-based .pyc files.

Lambda mounts the layer read-only at ``/opt`` and SAM's zip sets every file date to 1980, so
timestamp-based bytecode is never valid there and every cold start compiled each imported
module anew. ``unchecked-hash`` .pyc files are used as they are, whatever the dates.

Only what can be imported is compiled: compiling all of Powertools, pydantic and the phone
metadata would nearly double the layer for modules no function loads. The set is found
statically (the build cannot import the layer: its wheels are for arm64), starting from the
clinic package and every function's code and following each ``import`` statement, the lazy
ones inside functions included, and the string-named submodules a package loads with
``importlib.import_module`` (pydantic's lazy attributes); ``if TYPE_CHECKING:`` blocks are
skipped. ``make bench`` reports any module a cold start still loads without bytecode.

    python infra/layer_bytecode.py LAYER_PYTHON_DIR FUNCTION_DIR...
"""

import ast
import py_compile
import sys
from collections.abc import Iterator
from pathlib import Path

# Loaded by a name built at run time, so no import statement names it: the phone metadata
# of the one region the registration form accepts.
EXTRA_ROOTS = ("phonenumbers.data.region_HK",)


def module_file(site: Path, name: str) -> Path | None:
    """The source file of the module ``name`` inside ``site``, if it is there."""
    base = site.joinpath(*name.split("."))
    for candidate in (base / "__init__.py", base.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node, without the bodies of ``if TYPE_CHECKING:`` (typing-only imports)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def imported_names(source: Path, module: str, is_package: bool) -> set[str]:
    """Dotted names of the modules ``source`` may import (each parent package included)."""
    package = module if is_package else module.rpartition(".")[0]
    tree = ast.parse(source.read_bytes(), filename=str(source))
    names: set[str] = set()
    dynamic = False
    strings: list[str] = []
    for node in _nodes(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                anchor = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{anchor}.{node.module}" if node.module else anchor
            else:
                base = node.module or ""
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)  # submodules, if they are
        elif isinstance(node, ast.Name | ast.Attribute) and getattr(node, "id", getattr(node, "attr", "")) in {
            "import_module",
            "__import__",
        }:
            dynamic = True
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.isascii():
            strings.append(node.value)
    if dynamic:  # string-named modules, relative ('.main') or absolute
        names.update(f"{package}{s}" if s.startswith(".") else s for s in strings if s.replace(".", "").isidentifier())
    parents = {".".join(name.split(".")[:i]) for name in names for i in range(1, name.count(".") + 1)}
    return names | parents


def importable(site: Path, roots: list[tuple[str, Path]]) -> dict[str, Path]:
    """Every module of ``site`` reachable from ``roots`` (name, file), by name."""
    found: dict[str, Path] = {}
    queue = list(roots)
    while queue:
        name, path = queue.pop()
        if name in found:
            continue
        found[name] = path
        for imported in imported_names(path, name, path.name == "__init__.py"):
            target = module_file(site, imported)
            if target is not None and imported not in found:
                queue.append((imported, target))
    return found


def main(argv: list[str]) -> int:
    """Compile the importable modules of the layer directory ``argv[0]``."""
    site, function_dirs = Path(argv[0]).resolve(), [Path(arg) for arg in argv[1:]]
    roots = [(f"clinic.{p.stem}".removesuffix(".__init__"), p) for p in (site / "clinic").glob("*.py")]
    roots += [(p.stem, p) for d in function_dirs for p in d.glob("*.py")]
    roots += [(name, path) for name in EXTRA_ROOTS if (path := module_file(site, name))]
    modules = importable(site, roots)
    compiled = 0
    for path in modules.values():
        if path.is_relative_to(site):
            py_compile.compile(str(path), doraise=True, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
            compiled += 1
    total = sum(1 for _ in site.rglob("*.py"))
    print(f"compiled {compiled} of {total} modules (hash-based .pyc): the ones the functions can import")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
