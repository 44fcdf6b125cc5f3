#!/usr/bin/env bash
# Renders the reports of saved runs with two builds of setconform and compares
# what they say, not how they are written:
#   report.html, the matrix page  as parsed HTML: element names, attributes (any order),
#                                 text with whitespace runs made one space (exact inside <pre>)
#   junit.xml                     as parsed XML: elements, attributes (any order), text;
#                                 indentation between elements ignored
#   summary.md                    as text, line by line
#   run.json                      as parsed JSON
# Exits 0 when every document agrees, 1 listing the first differences of each one
# that does not, 2 when a build cannot render at all.
#
# Usage: bench/compare-reports.sh BASE_BINARY [NEW_BINARY] [RUN.json ...]
#   NEW_BINARY  default: target/debug/setconform, built first
#   RUN.json    default: tests/fixtures/run-mixed.json of the reports crate (every verdict,
#               markup and control characters in SUT text), and runs made now with
#               BASE_BINARY --seed 1: the reference, and faults never-ack,
#               hostile-markup, success-202
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [[ $# -lt 1 || "$1" == -h || "$1" == --help ]]; then
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
  exit 2
fi
base="$(realpath "$1")"
if [[ $# -ge 2 ]]; then
  new="$(realpath "$2")"
  shift 2
else
  (cd "$root" && cargo build --quiet -p setconform)
  new="$root/target/debug/setconform"
  shift 1
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

runs=("$@")
if [[ ${#runs[@]} -eq 0 ]]; then
  runs=("$root/reports/tests/fixtures/run-mixed.json")
  for fault in "" never-ack hostile-markup success-202; do
    name="${fault:-default}"
    # A faulted run exits 1 (the SUT failed something); only the record matters here.
    "$base" run --seed 1 ${fault:+--fault "$fault"} --out "$work/made/$name" --quiet >/dev/null 2>&1 || true
    [[ -f "$work/made/$name/run.json" ]] || { echo "could not make the $name run with $base" >&2; exit 2; }
    runs+=("$work/made/$name/run.json")
  done
fi

exec python3 - "$base" "$new" "$work" "${runs[@]}" <<'PY'
import difflib, html.parser, json, os, re, shutil, subprocess, sys
import xml.etree.ElementTree as ET

base, new, work, runs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
MAX_SHOWN = 8  # differences listed per document
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SPACE = re.compile(r"[ \t\n\f\r]+")


class Tokens(html.parser.HTMLParser):
    """A page as a flat list of (where, token): start tags with sorted attributes,
    end tags and merged text, each with the path of elements it sits in."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out, self.stack, self.text = [], [], []

    def where(self):
        return "/".join(self.stack) or "/"

    def flush(self):
        if self.text:
            text = "".join(self.text)
            if not any(s.startswith("pre") for s in self.stack):
                text = SPACE.sub(" ", text)
            self.out.append((self.where(), ("text", text)))
            self.text = []

    def handle_starttag(self, tag, attrs):
        self.flush()
        attrs = tuple(sorted(attrs, key=lambda a: (a[0], a[1] or "")))
        self.out.append((self.where(), ("start", tag, attrs)))
        if tag not in VOID:
            label = dict(attrs).get("id") or dict(attrs).get("class") or ""
            self.stack.append(f"{tag}[{label}]" if label else tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        self.flush()
        if tag in VOID:
            return
        if self.stack:
            self.stack.pop()
        self.out.append((self.where(), ("end", tag)))

    def handle_data(self, data):
        self.text.append(data)

    def handle_decl(self, decl):
        self.flush()
        self.out.append(("/", ("decl", decl)))

    def handle_comment(self, data):
        self.flush()
        self.out.append((self.where(), ("comment", data)))

    def handle_pi(self, data):
        self.flush()
        self.out.append((self.where(), ("pi", data)))


def html_tokens(path):
    p = Tokens()
    with open(path, encoding="utf-8") as f:
        p.feed(f.read())
    p.close()
    p.flush()
    return p.out


def xml_tokens(path):
    out = []

    def walk(el, where):
        here = f"{where}/{el.tag}"
        name = el.get("name")
        label = f"{here}[{name}]" if name else here
        out.append((where or "/", ("start", el.tag, tuple(sorted(el.attrib.items())))))
        children = list(el)
        # Between child elements whitespace is indentation; a leaf's text is content.
        if el.text and (not children or el.text.strip()):
            out.append((label, ("text", el.text)))
        for child in children:
            walk(child, label)
            if child.tail and child.tail.strip():
                out.append((label, ("text", child.tail)))
        out.append((where or "/", ("end", el.tag)))

    walk(ET.parse(path).getroot(), "")
    return out


def text_tokens(path):
    with open(path, encoding="utf-8") as f:
        return [(f"line {i}", ("line", line)) for i, line in enumerate(f.read().split("\n"), 1)]


def json_tokens(path):
    out = []

    def walk(v, where):
        if isinstance(v, dict):
            out.append((where or "/", ("object", tuple(v.keys()))))
            for k, x in v.items():
                walk(x, f"{where}/{k}")
        elif isinstance(v, list):
            out.append((where or "/", ("array", len(v))))
            for i, x in enumerate(v):
                walk(x, f"{where}/{i}")
        else:
            out.append((where or "/", ("value", v)))

    with open(path, encoding="utf-8") as f:
        walk(json.load(f), "")
    return out


def show(token):
    text = repr(token)
    return text if len(text) <= 300 else text[:300] + "…"


def compare(kind, a_path, b_path):
    """None when the two documents agree, else lines naming the first differences."""
    read = {"html": html_tokens, "xml": xml_tokens, "text": text_tokens, "json": json_tokens}[kind]
    try:
        a, b = read(a_path), read(b_path)
    except (ET.ParseError, ValueError, OSError) as e:
        return None, [f"    cannot read: {e}"]
    if [t for _, t in a] == [t for _, t in b]:
        return len(a), None
    lines = []
    matcher = difflib.SequenceMatcher(None, [t for _, t in a], [t for _, t in b], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        where = a[i1][0] if i1 < len(a) else b[j1][0] if j1 < len(b) else "end"
        lines.append(f"    {op} at {where}:")
        for _, t in a[i1:min(i2, i1 + 3)]:
            lines.append(f"      base: {show(t)}")
        for _, t in b[j1:min(j2, j1 + 3)]:
            lines.append(f"      new:  {show(t)}")
        if len(lines) >= MAX_SHOWN * 4:
            lines.append("    … (more differences not shown)")
            break
    return None, lines


def render(binary, args, cwd):
    done = subprocess.run([binary, *args], cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{binary} {' '.join(args)} exited {done.returncode}:\n{done.stderr}")


DOCS = [("report.html", "html"), ("junit.xml", "xml"), ("summary.md", "text"), ("run.json", "json")]
failed = False


def report(label, pairs):
    global failed
    print(label)
    for name, kind, a, b in pairs:
        count, diff = compare(kind, a, b)
        if diff is None:
            print(f"  same     {name} ({count} {'lines' if kind == 'text' else 'nodes'})")
        else:
            failed = True
            print(f"  DIFFERS  {name}")
            print("\n".join(diff))


copies = {"base": [], "new": []}
for n, run in enumerate(runs):
    out = {}
    for side, binary in (("base", base), ("new", new)):
        out[side] = os.path.join(work, side, "report", str(n))
        render(binary, ["report", os.path.abspath(run), "--out", out[side]], work)
        # The matrix writes each run's page beside its record: merge copies, not the originals.
        copy = os.path.join(work, side, "merge", str(n))
        os.makedirs(copy)
        shutil.copy(run, os.path.join(copy, "run.json"))
        copies[side].append(os.path.join(copy, "run.json"))
    report(run, [(d, k, os.path.join(out["base"], d), os.path.join(out["new"], d)) for d, k in DOCS])

pages = {}
for side, binary in (("base", base), ("new", new)):
    # The same layout on both sides, so the pages' relative links are the same.
    pages[side] = os.path.join(work, side, "matrix.html")
    render(binary, ["merge", *copies[side], "--html", pages[side]], work)
report(f"matrix of the {len(runs)} runs", [("matrix.html", "html", pages["base"], pages["new"])])

print("\nRESULT:", "documents differ" if failed else "every document agrees")
sys.exit(1 if failed else 0)
PY
