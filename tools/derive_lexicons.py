"""Derive the extraction engine's package data from the PETRARCH-2 and CAMEO material.

Usage: python tools/derive_lexicons.py [--shared ../shared] [--out analysis_worker/extraction/data]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
"""The project checkout this script lives in."""

ADDITIONS = Path(__file__).with_name("lexicon_additions.json")
"""Our own entries, merged over the derived ones (newer leaders, nominal triggers, aliases)."""

ACTOR_FILES = (
    "Phoenix.Countries.actors.txt",
    "Phoenix.International.actors.txt",
    "Phoenix.MilNonState.actors.txt",
)
"""The PETRARCH-2 actor dictionaries, in order of precedence (later ones do not override)."""

_CODE = re.compile(r"\[([^\]]*)\]")
_FORMS = re.compile(r"\{[^}]*\}")
_HEADER = re.compile(r"^---\s+(\S+)\s+\[([^\]]*)\]")
_PERIOD = re.compile(r"^(?:(\d{6,8})-(\d{6,8})|>(\d{6,8})|<(\d{6,8}))$")
MAX_ACTOR_WORDS = 6
"""Longer actor phrases (full titles with names) almost never occur verbatim in news text."""


def strip_comment(line: str) -> str:
    """Return the line without its '#' comment and surrounding blanks."""
    return line.split("#", 1)[0].strip()


def phrase_words(raw: str) -> str:
    """Turn a dictionary phrase ('NORTH_ATLANTIC_TREATY_ORGANIZATION_') into lower-case words."""
    text = raw.replace("_", " ").replace("+", " ").strip().lower()
    return " ".join(text.split())


def parse_code(raw: str) -> tuple[str | None, str | None]:
    """Split a verb code '[046:046]' into (forward, reverse); '---' means no event."""
    forward, _, reverse = raw.strip().partition(":")
    return (_clean_code(forward), _clean_code(reverse))


def _clean_code(raw: str) -> str | None:
    raw = raw.strip()
    return raw if raw and raw != "---" and raw.isdigit() else None


def read_synsets(lines: list[str]) -> dict[str, list[str]]:
    """Read the '&NAME' synonym sets of the verb dictionary."""
    synsets: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in map(strip_comment, lines):
        if line.startswith("&"):
            current = synsets.setdefault(line.rstrip("_").upper(), [])
        elif line.startswith("+") and current is not None:
            current.append(phrase_words(_FORMS.sub("", line)))
        elif line.startswith("---"):
            current = None
    return synsets


def pattern_slots(text: str, synsets: dict[str, list[str]]) -> list[list[str]]:
    """Turn pattern words ('{AIR SPACE} (ON &CURRENCY)') into slots of alternative phrases."""
    text = re.sub(r"[(){}]", " ", text).replace("_", " ")
    slots: list[list[str]] = []
    for word in text.split():
        if word.startswith("&"):
            slots.append(synsets.get(word.rstrip("_").upper(), []) or [word[1:].lower()])
        elif word.strip("*"):
            # 'FAVOUR/FAVOR' lists spellings; any other word is kept, so no pattern gets looser
            slots.append([spelling for spelling in word.lower().split("/") if spelling])
    return [slot for slot in slots if slot]


def read_verbs(path: Path) -> tuple[dict[str, object], dict[str, list[object]]]:
    """Read the verb dictionary into ({verb: {block, code, reverse}}, {block: [pattern, ...]})."""
    lines = path.read_text(encoding="latin-1").splitlines()
    synsets = read_synsets(lines)
    verbs: dict[str, object] = {}
    blocks: dict[str, list[object]] = {}
    block: dict[str, object] | None = None
    for line in map(strip_comment, lines):
        header = _HEADER.match(line)
        if header:
            code, reverse = parse_code(header.group(2))
            block = {"name": header.group(1), "code": code, "reverse": reverse}
            blocks[header.group(1)] = []
        elif block is None or not line or line.startswith("&"):
            continue
        elif line.startswith("-"):
            _add_pattern(blocks[str(block["name"])], line, synsets)
        elif line[0].isalpha() or line.startswith("+"):
            _add_verb(verbs, block, line)
    return verbs, blocks


def _add_pattern(patterns: list[object], line: str, synsets: dict[str, list[str]]) -> None:
    match = _CODE.search(line)
    if not match or "*" not in line:
        return
    before, _, after = line[1 : match.start()].partition("*")
    code, reverse = parse_code(match.group(1))
    patterns.append(
        {
            "before": pattern_slots(before, synsets),
            "after": pattern_slots(after, synsets),
            "code": code,
            "reverse": reverse,
        }
    )


def _add_verb(verbs: dict[str, object], block: dict[str, object], line: str) -> None:
    own = _CODE.search(line)
    name = phrase_words(_FORMS.sub("", _CODE.sub("", line)))
    if not name or name in verbs:
        return
    code, reverse = parse_code(own.group(1)) if own else (block["code"], block["reverse"])
    verbs[name] = {"block": block["name"], "code": code, "reverse": reverse}


def parse_period(raw: str) -> tuple[int, int]:
    """Turn '170120-210120', '>090702' or '<091231' into (start, end) as YYYYMMDD integers."""
    match = _PERIOD.match(raw)
    if not match:
        return (0, 99991231)
    start, end, after, before = match.groups()
    if after:
        return (_full_date(after), 99991231)
    if before:
        return (0, _full_date(before))
    return (_full_date(start), _full_date(end))


def _full_date(raw: str) -> int:
    if len(raw) == 8:
        return int(raw)
    century = 1900 if int(raw[:2]) >= 40 else 2000
    return (century + int(raw[:2])) * 10000 + int(raw[2:])


def read_actor_entries(path: Path) -> Iterator[tuple[list[str], list[list[object]]]]:
    """Yield (phrases, [[code, start, end], ...]) for each entry of an actor dictionary."""
    names: list[str] = []
    codes: list[list[object]] = []
    for line in map(strip_comment, path.read_text(encoding="latin-1").splitlines()):
        if not line:
            continue
        starts_entry = not line.startswith(("+", "["))
        if starts_entry and names and codes:
            yield names, codes
        if starts_entry:
            names, codes = [], []
        head = _CODE.sub("", line).lstrip("+")
        if head.strip():
            names.append(phrase_words(_FORMS.sub("", head)))
        codes.extend(_actor_codes(line))
    if names and codes:
        yield names, codes


def _actor_codes(line: str) -> Iterator[list[object]]:
    for raw in _CODE.findall(line):
        parts = raw.split()
        if parts and re.fullmatch(r"[A-Z0-9-]{3,}", parts[0]):
            yield [parts[0], *parse_period(parts[1] if len(parts) > 1 else "")]


def read_actors(folder: Path) -> dict[str, list[list[object]]]:
    """Read the actor dictionaries into {phrase: [[code, start, end], ...]}."""
    actors: dict[str, list[list[object]]] = {}
    for filename in ACTOR_FILES:
        for names, codes in read_actor_entries(folder / filename):
            for name in names:
                if 0 < len(name.split()) <= MAX_ACTOR_WORDS:
                    actors.setdefault(name, codes)
    return actors


def read_agents(path: Path) -> dict[str, str]:
    """Read the agents dictionary into {role phrase: role code}, expanding !SUBSTITUTIONS!."""
    lines = [strip_comment(line) for line in path.read_text(encoding="latin-1").splitlines()]
    subs = {
        name.strip(): [w.strip() for w in words.split(",")]
        for name, _, words in (line.partition("=") for line in lines if line.startswith("!"))
    }
    agents: dict[str, str] = {}
    for line in lines:
        match = _CODE.search(line)
        if not match or line.startswith("!"):
            continue
        role = match.group(1).replace("~", "").replace("}", "").strip()
        for phrase in _expand_subs(_FORMS.sub("", line[: match.start()]), subs):
            for variant in _expand_stems(phrase_words(phrase)):
                agents.setdefault(variant, role)
    return agents


def _expand_stems(phrase: str) -> list[str]:
    """Spell out the few stems the agents file leaves open ('DEFENSE_MINIST')."""
    if phrase.endswith(" minist"):
        return [phrase + "er", phrase + "ry"]
    return [phrase]


def _expand_subs(text: str, subs: dict[str, list[str]]) -> list[str]:
    for name, words in subs.items():
        if name in text:
            return [variant for w in words for variant in _expand_subs(text.replace(name, w), subs)]
    return [text]


def read_cameo(folder: Path) -> dict[str, dict[str, object]]:
    """Read the CAMEO code table with its PLOVER category."""
    plover = read_plover(folder / "CAMEO2PLOVER-2021.txt")
    with (folder / "cameo_merged.csv").open(encoding="utf-8") as handle:
        return {
            row["code"]: {
                "name": row["name"],
                "root": row["root_code"],
                "quad": int(row["quad_class"]),
                "goldstein": float(row["goldstein"]),
                "plover": _plover_of(row["code"], plover),
            }
            for row in csv.DictReader(handle)
        }


def read_plover(path: Path) -> dict[str, str]:
    """Read the CAMEO-to-PLOVER table into {cameo code: PLOVER event}."""
    table: dict[str, str] = {}
    for line in map(strip_comment, path.read_text(encoding="utf-8").splitlines()):
        code, sep, rest = line.partition(":")
        if sep and code.strip().isdigit():
            table[code.strip()] = rest.split(",")[0].strip()
    return table


PLOVER_FALLBACK = {"02": "REQUEST"}
"""Appeals (02), which the 2021 table leaves out, are requests in PLOVER's own definition."""


def _plover_of(code: str, plover: dict[str, str]) -> str | None:
    if code[:2] in PLOVER_FALLBACK:
        return PLOVER_FALLBACK[code[:2]]
    while code:
        if plover.get(code):
            return plover[code]
        code = code[:-1]
    return None


def merge_additions(data: dict[str, dict[str, object]]) -> None:
    """Merge our own lexicon additions over the derived data; patterns extend their block."""
    additions = json.loads(ADDITIONS.read_text(encoding="utf-8"))
    for block, patterns in additions.pop("patterns", {}).items():
        existing = data["blocks"].setdefault(block, [])
        assert isinstance(existing, list)
        existing[:0] = patterns
    for name, entries in additions.items():
        if not name.startswith("_") and name in data:
            data[name].update(entries)


def write_json(path: Path, payload: object) -> None:
    """Write compact, deterministic JSON."""
    path.write_text(json.dumps(payload, sort_keys=True, separators=(",", ":")), encoding="utf-8")


def derive(shared: Path, out: Path) -> None:
    """Write every data file of the extraction engine into out."""
    petrarch = shared / "data" / "petrarch2"
    verbs, blocks = read_verbs(petrarch / "CAMEO.2.0.txt")
    data: dict[str, dict[str, object]] = {
        "verbs": verbs,
        "blocks": dict(blocks),
        "actors": dict(read_actors(petrarch)),
        "agents": dict(read_agents(petrarch / "Phoenix.agents.txt")),
        "cameo": dict(read_cameo(shared / "data" / "cameo")),
        "nouns": {},
        "aliases": {},
        "canonical": {},
    }
    merge_additions(data)
    out.mkdir(parents=True, exist_ok=True)
    for name, payload in data.items():
        write_json(out / f"{name}.json", payload)
    shutil.copyfile(petrarch / "LICENSE", out / "LICENSE-petrarch2")


def main() -> None:
    """Parse the command line and derive the data."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=REPO_ROOT.parent / "shared")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "analysis_worker/extraction/data")
    args = parser.parse_args()
    derive(args.shared, args.out)


if __name__ == "__main__":
    main()
