"""The house rules, checked: one registration per provider, no provider in the core, no import cycle,
nothing outside the sandbox package reaching into an emulator, one way to send without auth."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import kit
from kit.providers import REGISTERED, names, overview, providers
from kit.sandbox import names as sandbox_names
from kit.sandbox import start

ROOT = Path(__file__).resolve().parent.parent
KIT = ROOT / "kit"
PROVIDERS = KIT / "providers"


def provider_words() -> re.Pattern[str]:
    """Every registered provider's name, as a word in prose may spell it (``Salt Edge``, ``saltedge``)."""
    spelled = [r"[\s_-]?".join(map(re.escape, name)) for name in names()]
    return re.compile("|".join(spelled), re.IGNORECASE)


def provider_package(path: Path) -> str | None:
    """The provider folder ``path`` is in (``kit/providers/<name>/``), or None for the core."""
    parts = path.relative_to(KIT).parts
    return parts[1] if parts[0] == "providers" and len(parts) > 2 else None


def core_modules() -> list[Path]:
    """Every module of kit outside the provider folders, except the registry (which names them)."""
    return [p for p in sorted(KIT.rglob("*.py")) if provider_package(p) is None and p != PROVIDERS / "__init__.py"]


def test_no_core_module_names_a_provider() -> None:
    modules = core_modules()
    assert KIT / "session.py" in modules and KIT / "sandbox" / "runner.py" in modules
    assert PROVIDERS / "pliance" / "__init__.py" not in modules and KIT / "sandbox" / "base.py" in modules
    words = provider_words()
    assert words.search("the Salt Edge docs") and words.search("kit.providers.signzy")  # built from the registry
    named = {str(p.relative_to(ROOT)): words.findall(p.read_text()) for p in modules}
    assert {path: found for path, found in named.items() if found} == {}


def test_every_provider_lives_in_its_own_folder() -> None:
    """One folder per provider, holding its client, facts, surface, sandbox and probes; nothing else in there."""
    folders = {p.name for p in PROVIDERS.iterdir() if (p / "__init__.py").exists()}
    assert folders == set(REGISTERED)
    for name in REGISTERED:
        parts = {p.stem for p in (PROVIDERS / name).iterdir() if p.suffix == ".py" or (p / "__init__.py").exists()}
        assert {"__init__", "facts", "surface", "sandbox", "probes"} <= parts, name
    assert [p.name for p in PROVIDERS.glob("*.py")] == ["__init__.py"]  # no provider module beside the folders


def test_the_core_imports_no_provider() -> None:
    """No module outside kit/providers/<name>/ imports one inside (function-local and TYPE_CHECKING ones too),
    and no provider imports another provider's modules."""
    paths = {_module_name(p): p for p in KIT.rglob("*.py")}
    inside = {name for name, path in paths.items() if provider_package(path)}
    assert "kit.providers.signicat.sandbox" in inside and "kit.sandbox.base" not in inside
    crossing = []
    for name, path in paths.items():
        own = provider_package(path)
        for other in imported_modules(path, set(paths)):
            theirs = provider_package(paths[other])
            if theirs is not None and theirs != own:
                crossing.append(f"{name} -> {other}")
    assert crossing == []


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_module_imports_another_in_a_cycle() -> None:
    """No circle in kit's imports, counting function-local and TYPE_CHECKING imports too."""
    paths = {_module_name(p): p for p in KIT.rglob("*.py")}
    graph = {name: imported_modules(path, set(paths)) for name, path in paths.items()}
    assert "kit.session" in graph["kit.providers.signicat"]  # the graph is really read
    assert "kit.sandbox.runner" in graph["kit.target"]  # TYPE_CHECKING imports count (kit.target names Sandbox so)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def connect(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    assert cycles == []


def test_every_registry_derives_from_the_one_registration() -> None:
    specs = providers()
    assert [s.name for s in specs] == list(names()) == list(sandbox_names())
    assert sorted(overview().index) == sorted(names())
    for spec in specs:
        assert spec.emulator_class().NAME == spec.name
        probes = spec.probe_module()
        assert all(callable(getattr(probes, f)) for f in ("failure_modes", "expiry", "observed"))
        assert spec.business.method in ("GET", "POST") and spec.live_url.startswith("https://")


def test_nothing_outside_the_sandbox_package_reaches_into_an_emulator() -> None:
    outside = [p for p in KIT.rglob("*.py") if p.parent.name != "sandbox"]
    outside += [*ROOT.glob("tests/*.py"), *ROOT.glob("bench/*.py"), *ROOT.glob("notebooks/*.ipynb")]
    reaching = re.compile(r"\._emulator\b|\.emulator\b(?!_class)")
    offenders = {str(p.relative_to(ROOT)) for p in outside if p != Path(__file__) and reaching.search(p.read_text())}
    assert offenders == set()


def test_one_way_to_send_without_auth() -> None:
    other_ways = re.compile(r"auth=lambda|def _bare|\.auth = None")
    offenders = {str(p.relative_to(ROOT)) for p in KIT.rglob("*.py") if other_ways.search(p.read_text())}
    assert offenders == set()


# -- the control API of a running sandbox -----------------------------------------------------------


def test_control_validates_settings_and_restores_them() -> None:
    with start("saltedge") as box:
        with pytest.raises(kit.ConfigError, match="has no setting colour"):
            box.control.set(colour="blue")
        with pytest.raises(kit.ConfigError, match="status must be one of"):
            box.control.set(status="asleep")
        with pytest.raises(kit.ConfigError, match="fault_delay.*within"):
            box.control.set(fault_delay=10_000)
        assert box.control.settings["status"] == "test"  # nothing changed by the refused calls
        with box.control.using(status="live"):
            assert box.control.settings["status"] == "live"
        assert box.control.settings["status"] == "test"


def test_control_says_what_a_sandbox_cannot_do() -> None:
    with start("pliance") as box:
        with pytest.raises(kit.ConfigError, match="the pliance sandbox cannot forge tokens"):
            box.control.forge(exp=0)
        with pytest.raises(kit.ConfigError, match="cannot rotate a signing key"):
            box.control.rotate_key()
        with pytest.raises(kit.ConfigError, match="takes a public key PEM"):
            box.control.register_key("not a key")


def test_a_live_target_cannot_be_controlled() -> None:
    with start("pliance") as box:
        env = {"PLIANCE_URL": box.url, **{f"PLIANCE_{k.upper()}": v for k, v in box.credentials.items()}}
        with pytest.raises(kit.ConfigError, match="pliance is live: only a sandbox can be controlled"):
            _ = kit.connect("pliance", environ=env).control


def test_forged_and_expired_tokens_are_refused_as_the_provider_would() -> None:
    import time

    with kit.connect("signzy", environ={}) as target, start("signzy") as other:
        s = target.session(logout_on_close=False)
        s.call("GET", "api/channels/ch-1")
        assert target.control.counts()["live_tokens"] == 1
        with pytest.raises(kit.ConfigError, match="no such token"):
            other.control.expire(s.require_token().access_token)  # a token that sandbox never issued
        target.control.expire(s.require_token().access_token)
        s.call("GET", "api/channels/ch-1")  # INVALID_TOKEN, then a new login and one retry
        assert [(e.kind, e.status) for e in s.journal.entries][-3:] == [
            ("business", 401),
            ("auth", 200),
            ("business", 200),
        ]
    with kit.connect("signicat", environ={}) as target:
        now = int(time.time())
        expired = target.control.forge(iat=now - 700, nbf=now - 700, exp=now - 100)
        answer = target.session().probe("GET", "auth/rest/sessions/x", headers={"Authorization": f"Bearer {expired}"})
        assert (answer.status_code, answer.json()["code"]) == (401, "invalid_token")


# -- floors and rooms -------------------------------------------------------------------------------

#: every module's floor, lowest first (a prefix names a package and everything in it; the longest wins)
FLOORS: dict[str, int] = {
    # 0: the base every floor may use
    **dict.fromkeys(
        [
            "kit.errors",
            "kit.typed",
            "kit.secret_index",
            "kit.arguments",
            "kit.bounded",
            "kit.secrets",
            "kit.logs",
            "kit.challenge",
            "kit.answers",
            "kit.credentials",
            "kit.tables",
            "kit.claims",
            "kit.meanings",
            "kit.error_box",
            "kit.serving",
            "kit.finishing",
            "kit.redis_server",
            "kit.terminal",
            "kit.notebook_copy",
            "kit.files",
            "kit.shell",
            "kit.notebooks",
            "kit.environment",
        ],
        0,
    ),  # fmt: skip
    "kit.auth": 1,  # 1: the auth room
    "kit.record": 2,  # 2: what a session records
    **dict.fromkeys(["kit.wire", "kit.session", "kit.sequence", "kit.webhooks"], 3),  # 3: the session
    **dict.fromkeys(["kit.provenance", "kit.surface", "kit.sandbox"], 4),  # 4: facts, API surfaces, emulators
    **dict.fromkeys(["kit.spec", "kit.providers"], 5),  # 5: the registration
    **dict.fromkeys(["kit.target", "kit.connect", "kit.compare", "kit.probes", "kit.cache_stats"], 6),  # 6: targets
    # 7: what people call on top of it all
    **dict.fromkeys(
        [
            "kit.har",
            "kit.refusals",
            "kit.conformance",
            "kit.sidebyside",
            "kit.forms",
            "kit.httpie_auth",
            "kit.recipes",
            "kit.__init__",
            "kit.__main__",
        ],
        7,
    ),  # fmt: skip
}


#: the provider folders: one plug-in floor above everything else (their probes read a Target)
PROVIDER_FLOOR = 8


def floor_of(module: str, path: Path) -> int:
    if provider_package(path):
        return PROVIDER_FLOOR
    key = module + ".__init__" if path.name == "__init__.py" else module
    for name in sorted(FLOORS, key=len, reverse=True):
        if key == name or key.startswith(name + "."):
            return FLOORS[name]
    raise AssertionError(f"{module} has no floor in FLOORS")


def imported_modules(path: Path, modules: set[str]) -> set[str]:
    """The kit modules ``path`` imports, anywhere in it (``from pkg import module`` counts the module)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in modules)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module in modules:
            subs = {f"{node.module}.{a.name}" for a in node.names} & modules
            found.update(subs or {node.module})
    return found - {_module_name(path)}


def test_nothing_imports_up_a_floor() -> None:
    paths = {_module_name(p): p for p in KIT.rglob("*.py")}
    floors = {name: floor_of(name, path) for name, path in paths.items()}
    assert floors["kit.auth.flow"] == 1 and floors["kit.har.replay"] == 7 and floors["kit.sandbox"] == 4
    upward = {
        f"{name} ({floors[name]}) -> {other} ({floors[other]})"
        for name, path in paths.items()
        for other in imported_modules(path, set(paths))  # function-local and TYPE_CHECKING imports too
        if floors[other] > floors[name]
    }
    # the one allowed: the sandbox package's face (start(name), names()) looks sandboxes up in the registry,
    # function-locally, when asked; everything else imports only down or across
    assert upward <= {"kit.sandbox (4) -> kit.providers (5)"} and len(upward) <= 1


def test_the_auth_room_needs_no_session_no_record_and_no_pandas() -> None:
    """Everything kit.auth imports, however indirectly, stays below the session, and none of it imports pandas."""
    paths = {_module_name(p): p for p in KIT.rglob("*.py")}
    reached: set[str] = set()
    todo = [name for name in paths if name.startswith("kit.auth")]
    while todo:
        name = todo.pop()
        if name not in reached:
            reached.add(name)
            todo += imported_modules(paths[name], set(paths))
    assert "kit.auth.oauth2" in reached and "kit.secrets" in reached  # the closure is really walked
    assert {n for n in reached if n.startswith(("kit.session", "kit.wire", "kit.record", "kit.providers"))} == set()
    with_pandas = {n for n in reached if re.search(r"^\s*(import pandas|from pandas)", paths[n].read_text(), re.M)}
    assert with_pandas == set()


def test_the_readme_architecture_names_every_module() -> None:
    """The README's architecture tree has a line for every module and package of kit, and none for one that is gone."""
    readme = (ROOT / "README.md").read_text()
    block = readme.split("## Architecture", 1)[1].split("```", 2)[1]
    listed: set[str] = set()
    folders: list[str] = []  # the folder each indentation level is in
    for line in block.splitlines():
        found = re.match(r"^( *)(\S+\.py|\S+/)(\s|$)", line)
        if not found or found.group(2) == "kit/":
            continue
        depth = len(found.group(1)) // 2 - 1
        del folders[depth:]
        name = "".join(folders) + found.group(2)
        listed.add(name)
        if name.endswith("/"):
            folders.append(found.group(2))
    files = {str(p.relative_to(KIT)) for p in KIT.rglob("*.py") if "notebook_files" not in p.parts}
    packages = {str(p.parent.relative_to(KIT)) + "/" for p in KIT.rglob("*/__init__.py")}
    assert "providers/pliance/aspnet_cors.py" in files and "providers/synerise/sandbox/" in packages
    assert (files | packages) - listed == set()
    assert listed - (files | packages) == set()  # no line for a module that is gone


def test_every_checked_function_has_hints_that_resolve() -> None:
    """checked() checks nothing when a hint cannot be resolved at run time (a name only a type checker
    sees); every checked function in kit resolves all of its hints."""
    import importlib
    import inspect

    from kit.arguments import hints

    found, broken = 0, []
    for path in KIT.rglob("*.py"):
        if path.name == "recipe.py":
            continue  # a recipe is a script a learner runs (it reads its env vars when it starts), never imported
        module = importlib.import_module(_module_name(path))
        owners = [module, *(v for v in vars(module).values() if inspect.isclass(v) and v.__module__ == module.__name__)]
        for owner in owners:
            for value in vars(owner).values():
                fn = value.__func__ if isinstance(value, (classmethod, staticmethod)) else value
                if getattr(fn, "checked", None) is True and hasattr(fn, "__wrapped__"):
                    found += 1
                    try:
                        hints(fn.__wrapped__)  # as checked() resolves them (pandas named as pd, loaded then)
                    except (NameError, TypeError) as exc:
                        broken.append(f"{fn.__qualname__}: {exc}")
    assert found > 20 and broken == []


def test_notebooks_import_only_public_names() -> None:
    """A notebook uses ``kit``'s public names and each provider's own modules (``kit.providers.<name>``,
    ``kit.providers.<name>.probes``), nothing from inside a room."""
    import nbformat

    allowed = {
        "kit",
        "kit.providers",
        *(f"kit.providers.{name}" for name in names()),
        *(f"kit.providers.{name}.probes" for name in names()),
    }
    seen: set[str] = set()
    inside: list[str] = []
    for path in sorted((ROOT / "notebooks").glob("[0-9]*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            lines = [line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!"))]
            for node in ast.walk(ast.parse("\n".join(lines))):
                imported: list[str] = []
                if isinstance(node, ast.Import):
                    imported = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    subs = [f"{node.module}.{a.name}" for a in node.names]
                    imported = [s for s in subs if s in allowed] or [node.module]
                for name in imported:
                    if name == "kit" or name.startswith("kit."):
                        seen.add(name)
                        if name not in allowed:
                            inside.append(f"{path.name}: {name}")
    assert "kit" in seen and "kit.providers.signzy" in seen  # the notebooks' imports are really read
    assert inside == []
