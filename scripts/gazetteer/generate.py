#!/usr/bin/env python3
"""Regenerate chiso's gazetteer (rules/gazetteer/units.tsv) from `vietnamadminunits`.

Source: the MIT-licensed PyPI package `vietnamadminunits` 1.0.4 by Hieu Tran
(https://github.com/tranngocminhhieu/vietnamadminunits). Its legacy (63-province,
pre-July-2025) table `admin_units_legacy` in `data/dataset.db` gives the provinces,
districts and wards/communes with their unit types; its 2025 converter data
(`data/converter_2025.json`, key `DICT_PROVINCE`: new province -> legacy provinces) and the
new 34-province table `admin_units` give each legacy province's successor province.

Install the exact version (its own dependencies shapely/geopy/... are not needed: this
script reads the package's data files and never imports the package):

    python3 -m venv /tmp/gazvenv
    /tmp/gazvenv/bin/pip install --no-deps vietnamadminunits==1.0.4
    /tmp/gazvenv/bin/python scripts/gazetteer/generate.py            # writes rules/gazetteer/
    /tmp/gazvenv/bin/python scripts/gazetteer/generate.py --check    # compares, writes nothing

The output is deterministic (same package version -> byte-identical files): a UTF-8 TSV
with one `#` comment line, a header line, then one unit per line, sorted by level
(province, district, commune), then province, district, district kind, name and kind
(code-point order of the NFC strings). Columns:

    level                    province | district | commune
    name                     the name as reports write it, without the unit-type word
                             ("Lạng Giang", "Hòa Bình"); number-named units keep their
                             type word ("Quận 1", "Phường 12", "Phường VII")
    kind                     tỉnh | thành phố trung ương | huyện | quận | thị xã |
                             thành phố | xã | phường | thị trấn
    province                 the legacy province's name (the unit's own name for a province)
    district                 the district's name, for communes only (empty otherwise)
    district_kind            the district's kind, for communes only: six district names occur
                             twice in one province ("huyện Kỳ Anh" and "thị xã Kỳ Anh")
    successor_province_2025  the province it belongs to since 1 July 2025 (34-province map)

Five island districts (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo) have no communes
in the package's data; they appear as districts only.

The licence notice of the package is copied to rules/gazetteer/LICENSE-vietnamadminunits.txt.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import re
import sqlite3
import sys
import unicodedata
from pathlib import Path

PACKAGE = "vietnamadminunits"
EXPECTED_VERSION = "1.0.4"

REPO = Path(__file__).resolve().parents[2]
OUT_DIR = REPO / "rules" / "gazetteer"
UNITS = "units.tsv"
UNITS_2025 = "units-2025.tsv"
LICENSE_OUT = "LICENSE-vietnamadminunits.txt"

HEADER = [
    "level", "name", "kind", "province", "district", "district_kind", "successor_province_2025",
]
LEVEL_ORDER = {"province": 0, "district": 1, "commune": 2}
HEADER_2025 = [
    "level", "name", "kind", "province", "legacy_provinces", "legacy_communes",
    "legacy_communes_part",
]
COMMUNE_KINDS_2025 = {"xã", "phường", "đặc khu"}
DISTRICT_KINDS = {"huyện", "quận", "thị xã", "thành phố"}
COMMUNE_KINDS = {"xã", "phường", "thị trấn"}
# A remainder like "1", "12", "VII" is a number-named unit: it keeps its type word.
NUMBER_NAME = re.compile(r"[0-9]+|[IVXLC]+")


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s.strip())


def strip_kind(full: str, kind: str) -> str:
    """'Huyện Lạng Giang' + 'Huyện' -> 'Lạng Giang'; 'Phường 1' stays 'Phường 1'."""
    full, kind = nfc(full), nfc(kind)
    if not full.lower().startswith(kind.lower() + " "):
        raise SystemExit(f"unit {full!r} does not start with its type {kind!r}")
    rest = full[len(kind) + 1 :].strip()
    if not rest:
        raise SystemExit(f"unit {full!r} has an empty name")
    if NUMBER_NAME.fullmatch(rest):
        # keep the type word, normalising its case ("Phường 1", "Quận 10")
        return f"{kind[0].upper()}{kind[1:].lower()} {rest}"
    return rest


def kind_of(full: str, declared: str, kinds: set[str], fixes: list[str]) -> str:
    """The unit type, read from the full name's leading type word.

    The package's type column disagrees with the full name for a few units (1.0.4:
    "Thị trấn Ngọc Lặc" and Phú Nhuận's "Phường 5" / "Phường 15" are typed "Xã"); the
    full name wins and the fix is reported."""
    low = nfc(full).lower()
    found = next(
        (k for k in sorted(kinds, key=len, reverse=True) if low.startswith(k + " ")), None
    )
    if found is None:
        raise SystemExit(f"unit {full!r} starts with no known type word")
    if found != nfc(declared).lower():
        fixes.append(f"{full}: type {declared!r} -> {found!r}")
    return found


def package_files():
    try:
        dist = importlib.metadata.distribution(PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        raise SystemExit(
            f"{PACKAGE} is not installed: pip install --no-deps {PACKAGE}=={EXPECTED_VERSION}"
        )
    files = {str(f): f for f in dist.files or []}

    def locate(rel: str) -> Path:
        if rel not in files:
            raise SystemExit(f"{PACKAGE} {dist.version} lacks {rel}")
        return Path(dist.locate_file(files[rel]))

    license_rel = next(
        (r for r in files if r.endswith("LICENSE") and ".dist-info/" in r), None
    )
    if license_rel is None:
        raise SystemExit(f"{PACKAGE} {dist.version} ships no LICENSE in its metadata")
    return dist, locate(f"{PACKAGE}/data/dataset.db"), locate(
        f"{PACKAGE}/data/converter_2025.json"
    ), locate(license_rel)


def build(db_path: Path, converter_path: Path):
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    legacy = con.execute(
        "SELECT province, provinceShort, provinceKey, district, districtType, districtKey,"
        " ward, wardType, wardKey FROM admin_units_legacy"
    ).fetchall()
    new_names = dict(
        con.execute("SELECT DISTINCT provinceKey, provinceShort FROM admin_units").fetchall()
    )
    con.close()
    conv = json.loads(converter_path.read_text(encoding="utf-8"))

    # legacy province key -> successor (2025) province short name
    successor: dict[str, str] = {}
    for new_key, old_keys in conv["DICT_PROVINCE"].items():
        for old in old_keys:
            if old in successor:
                raise SystemExit(f"legacy province {old} has two successors")
            successor[old] = nfc(new_names[new_key])

    # Cross-check at ward level: every legacy ward the converter maps must land in the
    # successor province of its own legacy province.
    ward_new_prov: dict[str, set[str]] = {}
    for new_key, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for olds in wards.values():
            for old in olds:
                ward_new_prov.setdefault(old, set()).add(new_key)
    for new_key, olds in conv["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old in olds:
            ward_new_prov.setdefault(old, set()).add(new_key)

    provinces: dict[str, tuple] = {}
    districts: dict[tuple, tuple] = {}
    communes: set[tuple] = set()
    checked = 0
    fixes: list[str] = []
    for (prov, prov_short, prov_key, dist, dist_type, dist_key, ward, ward_type, ward_key) in legacy:
        prov_name = nfc(prov_short)
        if nfc(prov).lower().startswith("thành phố "):
            prov_kind = "thành phố trung ương"
        elif nfc(prov).lower().startswith("tỉnh "):
            prov_kind = "tỉnh"
        else:
            raise SystemExit(f"unknown province type: {prov!r}")
        if strip_kind(prov, prov_kind.replace(" trung ương", "")) != prov_name:
            raise SystemExit(f"province {prov!r} vs short name {prov_short!r}")
        succ = successor.get(prov_key)
        if succ is None:
            raise SystemExit(f"no 2025 successor for {prov!r}")
        provinces[prov_name] = ("province", prov_name, prov_kind, prov_name, "", "", succ)

        dist_kind = kind_of(dist, dist_type, DISTRICT_KINDS, fixes)
        dist_name = strip_kind(dist, dist_kind)
        districts[(prov_name, dist_name, dist_kind)] = (
            "district", dist_name, dist_kind, prov_name, "", "", succ,
        )

        if ward is None:
            continue  # island districts without communes
        ward_kind = kind_of(ward, ward_type, COMMUNE_KINDS, fixes)
        ward_name = strip_kind(ward, ward_kind)
        communes.add(("commune", ward_name, ward_kind, prov_name, dist_name, dist_kind, succ))

        mapped = ward_new_prov.get(f"{prov_key}_{dist_key}_{ward_key}")
        if mapped is not None:
            if {nfc(new_names[k]) for k in mapped} != {succ}:
                raise SystemExit(f"ward-level successor of {ward}, {dist}, {prov} disagrees")
            checked += 1

    def sort_key(row):
        return (LEVEL_ORDER[row[0]], row[3], row[4], row[5], row[1], row[2])

    rows = sorted(
        list(provinces.values()) + list(districts.values()) + list(communes), key=sort_key
    )
    if len(provinces) != 63:
        raise SystemExit(f"expected 63 legacy provinces, got {len(provinces)}")
    keys = [r[:6] for r in rows]
    if len(set(keys)) != len(keys):
        raise SystemExit("duplicate units")
    for r in rows:
        for field in r:
            if "\t" in field or "\n" in field:
                raise SystemExit(f"field with a tab or newline: {field!r}")
    stats = {
        "provinces": len(provinces),
        "districts": len(districts),
        "communes": len(communes),
        "successors": len(set(successor.values())),
        "wards_cross_checked": checked,
        "type_fixes": sorted(set(fixes)),
    }
    return rows, stats


def build_2025(db_path: Path, converter_path: Path):
    """The 34-province map since 1 July 2025: provinces and communes (no district level),
    each with the legacy units it was formed from. A legacy commune that went whole into one
    new commune is listed in `legacy_communes`; one split between several new communes is
    listed, in each, in `legacy_communes_part`. Entries are `name|kind|district|district_kind|
    province`, joined by `; `."""
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    new_rows = con.execute(
        "SELECT province, provinceShort, provinceKey, ward, wardType, wardKey FROM admin_units"
    ).fetchall()
    legacy = con.execute(
        "SELECT provinceShort, provinceKey, district, districtType, districtKey, ward,"
        " wardType, wardKey FROM admin_units_legacy WHERE ward IS NOT NULL"
    ).fetchall()
    con.close()
    conv = json.loads(converter_path.read_text(encoding="utf-8"))
    fixes: list[str] = []

    old_units: dict[str, str] = {}
    for (prov_short, prov_key, dist, dist_type, dist_key, ward, ward_type, ward_key) in legacy:
        dk = kind_of(dist, dist_type, DISTRICT_KINDS, fixes)
        wk = kind_of(ward, ward_type, COMMUNE_KINDS, fixes)
        old_units[f"{prov_key}_{dist_key}_{ward_key}"] = "|".join(
            [strip_kind(ward, wk), wk, strip_kind(dist, dk), dk, nfc(prov_short)]
        )
    old_province = {k.split("_")[0]: v.split("|")[4] for k, v in old_units.items()}

    provinces: dict[str, tuple] = {}
    communes: dict[tuple, list] = {}
    for (prov, prov_short, prov_key, ward, ward_type, ward_key) in new_rows:
        name = nfc(prov_short)
        kind = "thành phố trung ương" if nfc(prov).lower().startswith("thành phố ") else "tỉnh"
        olds = sorted(old_province[k] for k in conv["DICT_PROVINCE"][prov_key])
        provinces[prov_key] = ("province", name, kind, name, "; ".join(olds), "", "")
        wk = kind_of(ward, ward_type, COMMUNE_KINDS_2025, fixes)
        communes[(prov_key, ward_key)] = [strip_kind(ward, wk), wk, name, set(), set()]

    unknown = 0
    for new_prov, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_ward, olds in wards.items():
            for old in olds:
                if old in old_units and (new_prov, new_ward) in communes:
                    communes[(new_prov, new_ward)][3].add(old_units[old])
                else:
                    unknown += 1
    for new_prov, olds in conv["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, pieces in olds.items():
            for piece in pieces:
                key = (new_prov, piece["newWardKey"])
                if old in old_units and key in communes:
                    communes[key][4].add(old_units[old])
                else:
                    unknown += 1

    rows = sorted(provinces.values(), key=lambda r: r[1])
    rows += sorted(
        (
            ("commune", c[0], c[1], c[2], "; ".join(sorted({u.split("|")[4] for u in c[3] | c[4]})),
             "; ".join(sorted(c[3])), "; ".join(sorted(c[4] - c[3])))
            for c in communes.values()
        ),
        key=lambda r: (r[3], r[1], r[2]),
    )
    if len(provinces) != 34:
        raise SystemExit(f"expected 34 provinces since 2025, got {len(provinces)}")
    keys = [r[:4] for r in rows]
    if len(set(keys)) != len(keys):
        raise SystemExit("duplicate 2025 units")
    stats = {"provinces": len(provinces), "communes": len(communes), "unmapped": unknown}
    return rows, stats


def render_2025(rows, dist) -> str:
    lines = [
        f"# chiso gazetteer: Vietnam's administrative units since 1 July 2025 (34 provinces,"
        f" no district level) with the legacy units each was formed from, generated by"
        f" scripts/gazetteer/generate.py from {PACKAGE} {dist.version} (MIT,"
        f" see LICENSE-vietnamadminunits.txt)",
        "\t".join(HEADER_2025),
    ]
    lines += ["\t".join(r) for r in rows]
    return "\n".join(lines) + "\n"


def render(rows, dist) -> str:
    lines = [
        f"# chiso gazetteer: Vietnam's legacy (63-province) administrative units, generated by"
        f" scripts/gazetteer/generate.py from {PACKAGE} {dist.version} (MIT,"
        f" see LICENSE-vietnamadminunits.txt)",
        "\t".join(HEADER),
    ]
    lines += ["\t".join(r) for r in rows]
    return "\n".join(lines) + "\n"


def render_license(dist, license_path: Path) -> str:
    text = license_path.read_text(encoding="utf-8").strip()
    md = dist.metadata
    return (
        f"The data in units.tsv and units-2025.tsv is derived from the Python package {PACKAGE} version"
        f" {dist.version}\n"
        f"by {md['Author']} <{md['Author-email']}>, {md['Home-page']}\n"
        f"(PyPI: https://pypi.org/project/{PACKAGE}/), distributed under the MIT licence"
        f" below.\n"
        f"It was converted by scripts/gazetteer/generate.py.\n\n{text}\n"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT_DIR, help="output folder")
    ap.add_argument("--check", action="store_true", help="fail if the files would change")
    ap.add_argument(
        "--any-version",
        action="store_true",
        help=f"allow a package version other than {EXPECTED_VERSION}",
    )
    args = ap.parse_args()

    dist, db_path, converter_path, license_path = package_files()
    if dist.version != EXPECTED_VERSION and not args.any_version:
        raise SystemExit(
            f"{PACKAGE} {dist.version} installed, expected {EXPECTED_VERSION}"
            " (pass --any-version to accept it)"
        )
    rows, stats = build(db_path, converter_path)
    rows_2025, stats_2025 = build_2025(db_path, converter_path)
    outputs = {
        UNITS: render(rows, dist),
        UNITS_2025: render_2025(rows_2025, dist),
        LICENSE_OUT: render_license(dist, license_path),
    }
    changed = []
    for name, text in outputs.items():
        path = args.out / name
        old = path.read_bytes() if path.exists() else None
        if old != text.encode("utf-8"):
            changed.append(name)
            if not args.check:
                args.out.mkdir(parents=True, exist_ok=True)
                path.write_bytes(text.encode("utf-8"))
    size = len(outputs[UNITS].encode("utf-8"))
    print(
        f"{PACKAGE} {dist.version}: {stats['provinces']} provinces, {stats['districts']}"
        f" districts, {stats['communes']} communes; {stats['successors']} successor"
        f" provinces; {stats['wards_cross_checked']} communes cross-checked against the"
        f" ward-level 2025 map; {UNITS} {size} bytes",
        file=sys.stderr,
    )
    print(
        f"since 2025: {stats_2025['provinces']} provinces, {stats_2025['communes']} communes;"
        f" {stats_2025['unmapped']} converter entries without a unit (left out);"
        f" {UNITS_2025} {len(outputs[UNITS_2025].encode('utf-8'))} bytes",
        file=sys.stderr,
    )
    for fix in stats["type_fixes"]:
        print(f"  type taken from the full name: {fix}", file=sys.stderr)
    if args.check and changed:
        print(f"out of date: {', '.join(changed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
