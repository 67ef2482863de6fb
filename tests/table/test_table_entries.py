"""Every api_table.json entry, checked against the installed frameworks.

(1) Each signature side exists with the parameter names the table uses (aliases and torch tensor methods too);
    each framework name a template uses exists.
(2) Each entry's examples compute the same numbers in both frameworks: the example (TF or torch text) and its
    translate() output are run, forward values, dtypes and gradients compared (rtol 1e-5); for bidirectional
    entries the translation is translated back and compared again. One subprocess per framework runs all programs.
"""
from __future__ import annotations

import json
import keyword
import pickle
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from twingrad.translator import translate
from twingrad.translator.table import TABLE_PATH, expand, load, short

WORLD = Path(__file__).with_name("world.py")
HEADERS = {"tf": "import numpy as np\nimport tensorflow as tf\nimport keras\n",
           "torch": "import numpy as np\nimport torch\nimport torch.nn.functional as F\n"}
OTHER = {"tf": "torch", "torch": "tf"}
TABLE = load()
FRAMEWORK_NAME = re.compile(r"\b(?:tf|torch|F)(?:\.[A-Za-z_]\w*)+")


def label(index: int, entry) -> str:
    side = next(s for s in entry.sides.values() if not s.is_template)
    return f"{index}:{short(side.name)}"


def signature_checks() -> list[tuple[str, str, list[str], list[str]]]:
    """(test id, qualified name, parameter names, positional parameter names) for every name the table uses."""
    checks = []
    for n, entry in enumerate(TABLE.entries):
        for fw, side in entry.sides.items():
            if side.is_template:
                for name in sorted(set(FRAMEWORK_NAME.findall(side.text))):
                    checks.append((f"{label(n, entry)}:{fw}:{name}", expand(name), [], []))
                continue
            if side.chain:  # `torch.empty(*size).uniform_(from_=0, to=1)`: the function, then the tensor method
                method, then = side.chain
                first = [p for p in side.params if p.name not in then]
                checks.append((f"{label(n, entry)}:{short(side.name)}", side.name, [p.name for p in first],
                               [p.name for p in first if p.kind == "positional"]))
                then = [p.removesuffix("_") if keyword.iskeyword(p.removesuffix("_")) else p for p in then]
                checks.append((f"{label(n, entry)}:Tensor.{method}", f"torch.Tensor.{method}", then, then))
                continue
            names = [side.name] + [a for a in entry.aliases if a.split(".")[0] == side.name.split(".")[0]]
            if fw == "torch":
                names += [f"torch.Tensor.{m}" for m in entry.methods]
            for name in names:
                # a tensor method takes the receiver as `self`, not as a parameter
                params = list(side.params[1:] if name.startswith("torch.Tensor.") else side.params)
                checks.append((f"{label(n, entry)}:{short(name)}", name, [p.name for p in params],
                               [p.name for p in params if p.kind == "positional"]))
    raw = json.loads(TABLE_PATH.read_text(encoding="utf-8"))
    for pair in raw["dtypes"] + raw["constants"]:
        checks += [(f"constant:{name}", expand(name), [], []) for name in pair if FRAMEWORK_NAME.fullmatch(name)]
    return checks


def cases() -> list[tuple[str, object, str, str]]:
    out = []
    for n, entry in enumerate(TABLE.entries):
        for j, example in enumerate(entry.examples):
            fw, _, expr = example.partition(": ")
            out.append((f"{label(n, entry)}#{j}", entry, fw, expr))
    return out


CHECKS = signature_checks()
CASES = cases()


def run_worlds(programs: dict, checks: dict) -> dict:
    """Both frameworks at once, each in its own process."""
    procs = {}
    for world in ("tf", "torch"):
        request = json.dumps({"programs": programs[world], "checks": checks[world]})
        procs[world] = subprocess.Popen([sys.executable, str(WORLD), world], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        procs[world].stdin.write(request.encode())
        procs[world].stdin.close()
    results = {}
    for world, proc in procs.items():
        out = proc.stdout.read()
        err = proc.stderr.read().decode(errors="replace")
        assert proc.wait(timeout=900) == 0, f"{world} world failed:\n{err[-3000:]}"
        results[world] = pickle.loads(out)
    return results


@pytest.fixture(scope="module")
def worlds():
    programs = {"tf": {}, "torch": {}}
    translations = {}
    for case_id, entry, fw, expr in CASES:
        source = HEADERS[fw] + f"out = {expr}\n"
        forward = translate(source, to=OTHER[fw])
        programs[fw][case_id + ":source"] = source
        programs[OTHER[fw]][case_id + ":translated"] = forward.code
        back = None
        if fw == "tf" and not entry.sides["torch"].is_template and not forward.flagged:
            back = translate(forward.code, to="tf")
            programs["tf"][case_id + ":back"] = back.code
        translations[case_id] = (forward, back)
    checks = {"tf": [], "torch": []}
    for _, qualified, params, positional in CHECKS:
        checks["tf" if qualified.startswith("tensorflow") else "torch"].append([qualified, params, positional])
    results = run_worlds(programs, checks)
    problems = {}
    for world in ("tf", "torch"):
        names = [c for c in CHECKS if c[1].startswith("tensorflow") == (world == "tf")]
        problems.update({c[0]: p for c, p in zip(names, results[world]["checks"])})
    runs = {**results["tf"]["runs"], **results["torch"]["runs"]}
    return {"translations": translations, "runs": runs, "problems": problems}


def differences(left: dict, right: dict, *, random: bool, none_is_zero: bool) -> list[str]:
    """What differs between two runs of the same program in the two frameworks."""
    if "error" in left or "error" in right:
        return [f"run failed: {left.get('error') or right.get('error')}"]
    found = []
    if len(left["outputs"]) != len(right["outputs"]):
        return [f"{len(left['outputs'])} outputs vs {len(right['outputs'])}"]
    for k, ((ld, ls, la), (rd, rs, ra)) in enumerate(zip(left["outputs"], right["outputs"])):
        if random and "other" in (ld, rd):
            continue  # e.g. set_seed's return value: None in TF, a Generator in torch
        if ld != rd or ls != rs:
            found.append(f"output {k}: {ld}{ls} vs {rd}{rs}")
        elif not random and la is not None and not np.allclose(la, ra, rtol=1e-5, atol=1e-6, equal_nan=True):
            found.append(f"output {k}: values {la.tolist()} vs {ra.tolist()}")
    if random:
        return found
    for name, lg in left["grads"].items():
        rg = right["grads"][name]
        if none_is_zero:
            lg = np.zeros(1) if lg is None else lg
            rg = np.zeros(1) if rg is None else rg
            if not (np.all(lg == 0) and np.all(rg == 0)) and not np.allclose(lg, rg, rtol=1e-5, atol=1e-6, equal_nan=True):
                found.append(f"gradient d/d{name}: {lg.tolist()} vs {rg.tolist()}")
        elif (lg is None) != (rg is None):
            found.append(f"gradient d/d{name}: {'None' if lg is None else 'values'} vs {'None' if rg is None else 'values'}")
        elif lg is not None and not np.allclose(lg, rg, rtol=1e-5, atol=1e-6, equal_nan=True):
            found.append(f"gradient d/d{name}: {lg.tolist()} vs {rg.tolist()}")
    return found


def test_every_entry_has_an_example_from_each_translatable_side():
    missing = []
    for n, entry in enumerate(TABLE.entries):
        frameworks = {e.partition(": ")[0] for e in entry.examples}
        for fw, side in entry.sides.items():
            # a bidirectional entry's reverse is covered by translating its translated example back
            needed = not side.is_template and (fw == "tf" or entry.sides["tf"].is_template)
            if needed and fw not in frameworks:
                missing.append(f"{label(n, entry)} ({fw})")
    assert not missing, f"entries without examples: {missing}"


def test_every_torch_method_and_attribute_has_an_example():
    missing = []
    for n, entry in enumerate(TABLE.entries):
        torch_examples = " ".join(e for e in entry.examples if e.startswith("torch: "))
        missing += [f"{label(n, entry)}: .{m}()" for m in entry.methods if f".{m}(" not in torch_examples]
        missing += [f"{label(n, entry)}: .{m}" for m in entry.properties if f".{m}" not in torch_examples]
    assert not missing


def test_the_table_covers_at_least_150_apis():
    apis = {(fw, name) for e in TABLE.entries for fw, s in e.sides.items() if not s.is_template
            for name in [s.name, *[a for a in e.aliases if a.split(".")[0] == s.name.split(".")[0]]]}
    apis |= {("torch", f"Tensor.{m}") for e in TABLE.entries for m in e.methods}
    assert len(apis) >= 150, len(apis)


@pytest.mark.parametrize("check_id,qualified,params,positional", CHECKS, ids=[c[0] for c in CHECKS])
def test_target_exists_with_these_parameters(worlds, check_id, qualified, params, positional):
    assert worlds["problems"][check_id] is None, f"{qualified}: {worlds['problems'][check_id]}"


@pytest.mark.parametrize("case_id,entry,fw,expr", CASES, ids=[c[0] for c in CASES])
def test_example_computes_the_same_in_both_frameworks(worlds, case_id, entry, fw, expr):
    forward, back = worlds["translations"][case_id]
    assert not forward.flagged, "\n".join(d.format() for d in forward.diagnostics) + "\n" + forward.code
    target = entry.sides[OTHER[fw]]  # the example must exercise this entry, not another overload
    names = [target.name] if not target.is_template else FRAMEWORK_NAME.findall(target.text)[:1]
    assert all(n.rsplit(".", 1)[1] in forward.code for n in names), forward.code
    runs = worlds["runs"]
    source, translated = runs[case_id + ":source"], runs[case_id + ":translated"]
    # A27: an entry whose caveat states the None-vs-zero gradient difference may show exactly that one.
    none_is_zero = bool(entry.caveat and "A27" in entry.caveat)
    found = differences(source, translated, random=entry.random, none_is_zero=none_is_zero)
    assert not found, f"{expr}\n--> {forward.code}\n" + "\n".join(found)
    if back is not None:
        assert not back.flagged, "\n".join(d.format() for d in back.diagnostics) + "\n" + back.code
        found = differences(translated, runs[case_id + ":back"], random=entry.random, none_is_zero=none_is_zero)
        assert not found, f"round trip {forward.code}\n--> {back.code}\n" + "\n".join(found)
