"""The layout docs/architecture.md promises: apps in layers, imports only downward, small modules."""

import ast
import statistics
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Lowest first. A module may import its own app and the apps before it in this list, never after.
LAYERS = ["imports", "orgunits", "access", "rosters", "stats", "facilities", "activities", "reports", "registry"]
# Pages, forms, commands and file adapters sit on top of every app's domain: they may use any app but
# the project (a unit's page shows its roster inline; every page uses the scoped admin base). The
# domain (models, services, selectors, rules, importers) never imports them.
INTERFACE = {"admin", "views", "forms", "urls", "resources", "autocomplete", "templatetags", "management"}
MAX_MODULE_LINES = 400
MAX_MEDIAN_FUNCTION_LINES = 10


def app_modules():
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield app, path


def is_interface(path: Path) -> bool:
    parts = set(path.relative_to(ROOT).with_suffix("").parts)
    return bool(parts & INTERFACE) or any(part.endswith("_admin") for part in parts)


def imported_apps(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            app = name.split(".")[0]
            if app in LAYERS:
                yield app, name


def test_imports_only_go_down_a_layer():
    wrong = []
    for app, path in app_modules():
        for target, name in imported_apps(path):
            ceiling = LAYERS.index("reports") if is_interface(path) else LAYERS.index(app)
            if LAYERS.index(target) > max(ceiling, LAYERS.index(app)):
                wrong.append(f"{path.relative_to(ROOT)} imports {name} (a higher layer)")
    assert not wrong, "\n".join(wrong)


def test_the_domain_never_imports_a_page():
    wrong = []
    for _app, path in app_modules():
        if is_interface(path):
            continue
        for _target, name in imported_apps(path):
            module = ROOT.joinpath(*name.split("."))
            if module.with_suffix(".py").exists() and is_interface(module.with_suffix(".py")):
                wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not wrong, "\n".join(wrong)


def test_no_module_is_over_400_lines():
    long = [
        f"{path.relative_to(ROOT)}: {lines} lines"
        for _app, path in app_modules()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    ]
    assert not long, "\n".join(long)


def test_the_median_function_is_short():
    lengths = [
        node.end_lineno - node.lineno + 1
        for _app, path in app_modules()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]
    assert statistics.median(lengths) <= MAX_MEDIAN_FUNCTION_LINES
