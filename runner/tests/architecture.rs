//! The shape of the source itself: no import circle between the modules of a
//! crate, and no source file past 500 lines.
//!
//! The module graph is built from the source text, without a parser crate:
//! comments, string and character literals are dropped, `#[cfg(test)]` items
//! (and the files of `#[cfg(test)] mod name;`) are left out, and every path
//! that starts with `crate::`, `super::` or `self::` (in `use` trees, grouped
//! or not, and in expressions and types) becomes an edge to the longest module
//! path it names (`foo.rs` and `foo/mod.rs` are `foo`, `foo/bar.rs` is
//! `foo::bar`). A use between a module and its own ancestor or descendant is
//! no edge: a parent declaring its children and a child reaching up make no
//! circle. A path through a re-export (`crate::Fault` for
//! `crate::fault::Fault`) names the crate root, so it makes no edge either:
//! re-exports are not followed.
//!
//! A failure lists each circle (a strongly connected set of modules), every
//! edge inside it with the first place it is written, and the shortest cycle
//! through each of those edges.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt::Write;
use std::path::Path;

#[test]
fn reference_src_has_no_import_circle() {
    assert_no_circle("reference/src");
}

#[test]
fn runner_src_has_no_import_circle() {
    assert_no_circle("runner/src");
}

#[test]
fn reports_src_has_no_import_circle() {
    assert_no_circle("reports/src");
}

/// Longest a source file may grow before it should be split.
const MAX_LINES: usize = 500;

/// Files that may be longer: pure data tables, by repository path, with the reason.
const LONG_FILES: &[(&str, &str)] = &[(
    "reference/src/fault/table.rs",
    "the fault catalogue: one declaration per fault, data only (the macro and lookups are in fault/mod.rs)",
)];

#[test]
fn no_source_file_over_500_lines() {
    let mut long = BTreeMap::new();
    for dir in ["runner/src", "reference/src", "reports/src", "tls/src"] {
        for (path, text) in source_files(dir) {
            let lines = text.lines().count();
            if lines > MAX_LINES {
                long.insert(format!("{dir}/{path}"), lines);
            }
        }
    }
    let stale: Vec<_> = LONG_FILES.iter().filter(|(allowed, _)| !long.contains_key(*allowed)).collect();
    assert!(stale.is_empty(), "allowed long files that are no longer over {MAX_LINES} lines: {stale:?}");
    let over: Vec<_> = long
        .iter()
        .filter(|(path, _)| !LONG_FILES.iter().any(|(allowed, _)| allowed == path))
        .map(|(path, lines)| format!("{path}: {lines} lines"))
        .collect();
    assert!(
        over.is_empty(),
        "source files over {MAX_LINES} lines (split them; only a pure data table goes in LONG_FILES):\n{}",
        over.join("\n")
    );
}

/// Fails with every circle in the module graph of `dir` (relative to the workspace).
fn assert_no_circle(dir: &str) {
    let graph = ModuleGraph::build(&source_files(dir));
    let report = graph.circles_report();
    assert!(report.is_empty(), "import circles in {dir}:\n{report}");
}

/// Every `.rs` file below `dir`, as (path relative to `dir` with `/`, text), sorted.
fn source_files(dir: &str) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(dir);
    let mut files = Vec::new();
    let mut pending = vec![root.clone()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
                files.push((relative, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

/// A module path below the crate root; the root itself is empty.
type Module = Vec<String>;

fn display(module: &Module) -> String {
    if module.is_empty() { "crate".to_owned() } else { module.join("::") }
}

/// Whether `a` is `b`, or one is an ancestor of the other.
fn related(a: &Module, b: &Module) -> bool {
    a.starts_with(b) || b.starts_with(a)
}

/// The modules of one crate's `src/` (one per file) and the uses between them.
#[derive(Debug, Default)]
struct ModuleGraph {
    /// Each module that has a file of its own.
    modules: BTreeSet<Module>,
    /// Each edge with where it is first seen: `file:line crate::a::b`.
    edges: BTreeMap<Module, BTreeMap<Module, String>>,
}

impl ModuleGraph {
    /// The graph of `files`, given as (path relative to `src/`, text).
    fn build(files: &[(String, String)]) -> ModuleGraph {
        let mut graph = ModuleGraph::default();
        let mut scanned = Vec::new();
        let mut test_only = BTreeSet::new();
        for (path, text) in files {
            let module = module_of(path);
            let (tokens, test_modules) = strip_test_items(tokenize(text));
            test_only.extend(test_modules.into_iter().map(|name| [module.clone(), vec![name]].concat()));
            graph.modules.insert(module.clone());
            scanned.push((module, path, tokens));
        }
        for (module, path, tokens) in scanned {
            if test_only.iter().any(|t| module.starts_with(t)) {
                continue;
            }
            for (line, written, target) in paths(&module, &tokens) {
                let target = graph.resolve(&target);
                if !related(&module, &target) {
                    let edges = graph.edges.entry(module.clone()).or_default();
                    edges.entry(target).or_insert_with(|| format!("{path}:{line} {written}"));
                }
            }
        }
        graph
    }

    /// The longest module that starts `path`.
    fn resolve(&self, path: &[String]) -> Module {
        (0..=path.len()).rev().map(|n| path[..n].to_vec()).find(|m| self.modules.contains(m)).unwrap_or_default()
    }

    fn targets(&self, from: &Module) -> impl Iterator<Item = &Module> {
        self.edges.get(from).into_iter().flat_map(|e| e.keys())
    }

    /// The strongly connected components with more than one module (Tarjan).
    fn circles(&self) -> Vec<BTreeSet<Module>> {
        struct Walk<'g> {
            graph: &'g ModuleGraph,
            index: BTreeMap<&'g Module, usize>,
            low: BTreeMap<&'g Module, usize>,
            stack: Vec<&'g Module>,
            found: Vec<BTreeSet<Module>>,
        }
        impl<'g> Walk<'g> {
            fn visit(&mut self, m: &'g Module) {
                let n = self.index.len();
                self.index.insert(m, n);
                self.low.insert(m, n);
                self.stack.push(m);
                for t in self.graph.targets(m) {
                    if !self.index.contains_key(t) {
                        self.visit(t);
                        let low = self.low[m].min(self.low[t]);
                        self.low.insert(m, low);
                    } else if self.stack.contains(&t) {
                        let low = self.low[m].min(self.index[t]);
                        self.low.insert(m, low);
                    }
                }
                if self.low[m] == self.index[m] {
                    let at = self.stack.iter().position(|s| *s == m).unwrap();
                    let component: BTreeSet<Module> = self.stack.drain(at..).cloned().collect();
                    if component.len() > 1 {
                        self.found.push(component);
                    }
                }
            }
        }
        let mut walk =
            Walk { graph: self, index: BTreeMap::new(), low: BTreeMap::new(), stack: Vec::new(), found: Vec::new() };
        for m in &self.modules {
            if !walk.index.contains_key(m) {
                walk.visit(m);
            }
        }
        walk.found.sort();
        walk.found
    }

    /// The shortest way from `from` to `to` inside `within`, both ends included.
    fn shortest(&self, from: &Module, to: &Module, within: &BTreeSet<Module>) -> Option<Vec<Module>> {
        let mut came_from: BTreeMap<&Module, &Module> = BTreeMap::new();
        let mut queue = VecDeque::from([from]);
        while let Some(m) = queue.pop_front() {
            if m == to {
                let mut way = vec![m.clone()];
                while let Some(prev) = came_from.get(way.last().unwrap()) {
                    way.push((*prev).clone());
                }
                way.reverse();
                return Some(way);
            }
            for t in self.targets(m).filter(|t| within.contains(*t)) {
                if t != from && !came_from.contains_key(t) {
                    came_from.insert(t, m);
                    queue.push_back(t);
                }
            }
        }
        None
    }

    /// Every circle: its modules, each edge inside it with where it comes
    /// from, and the shortest cycle through each edge. Empty when there is none.
    fn circles_report(&self) -> String {
        let mut out = String::new();
        for component in self.circles() {
            let names: Vec<_> = component.iter().map(display).collect();
            writeln!(out, "circle of {} modules: {}", names.len(), names.join(", ")).unwrap();
            let mut cycles = BTreeSet::new();
            for from in &component {
                for (to, seen) in &self.edges[from] {
                    if component.contains(to) {
                        writeln!(out, "  {} -> {}    ({seen})", display(from), display(to)).unwrap();
                        let back = self.shortest(to, from, &component).expect("a circle leads back");
                        let mut cycle: Vec<_> = [vec![from.clone()], back].concat();
                        cycle.pop();
                        let first = (0..cycle.len()).min_by_key(|&i| &cycle[i]).unwrap();
                        cycle.rotate_left(first);
                        cycles.insert(cycle);
                    }
                }
            }
            for cycle in cycles {
                let names: Vec<_> = cycle.iter().chain([&cycle[0]]).map(display).collect();
                writeln!(out, "  cycle: {}", names.join(" -> ")).unwrap();
            }
        }
        out
    }
}

/// `lib.rs`, `main.rs` -> the root; `foo.rs`, `foo/mod.rs` -> `foo`; `foo/bar.rs` -> `foo::bar`.
fn module_of(path: &str) -> Module {
    let mut parts: Vec<String> = path.trim_end_matches(".rs").split('/').map(str::to_owned).collect();
    if matches!(parts.last().map(String::as_str), Some("mod"))
        || matches!(&parts[..], [one] if one == "lib" || one == "main")
    {
        parts.pop();
    }
    parts
}

/// An identifier, keyword or literal, or one punctuation character (`::` is one token).
#[derive(Debug, Clone, PartialEq)]
struct Token {
    text: String,
    line: usize,
}

/// The text of `tokens[i]`; empty past either end.
fn word(tokens: &[Token], i: usize) -> &str {
    tokens.get(i).map_or("", |t| t.text.as_str())
}

fn is_ident(text: &str) -> bool {
    text.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
}

/// The tokens of `source`, without comments; every string and character
/// literal becomes the token `""`.
fn tokenize(source: &str) -> Vec<Token> {
    let chars: Vec<char> = source.chars().collect();
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    let mut tokens = Vec::new();
    let (mut i, mut line) = (0, 1);
    let literal = |line| Token { text: "\"\"".to_owned(), line };
    while i < chars.len() {
        let c = chars[i];
        let start_line = line;
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            loop {
                match (at(i), at(i + 1)) {
                    ('\0', _) => break,
                    ('/', '*') => (depth, i) = (depth + 1, i + 2),
                    ('*', '/') => (depth, i) = (depth - 1, i + 2),
                    (c, _) => (line, i) = (line + usize::from(c == '\n'), i + 1),
                }
                if depth == 0 {
                    break;
                }
            }
        } else if c == '"' {
            i = skip_quoted(&chars, i + 1, '"', &mut line);
            tokens.push(literal(start_line));
        } else if c == '\'' {
            if at(i + 1) == '\\' || (at(i + 2) == '\'' && at(i + 1) != '\'') {
                i = skip_quoted(&chars, i + 1, '\'', &mut line);
                tokens.push(literal(start_line));
            } else {
                i += 1; // a lifetime or label: its name follows as an identifier
            }
        } else if c.is_alphanumeric() || c == '_' {
            let from = i;
            while at(i).is_alphanumeric() || at(i) == '_' {
                i += 1;
            }
            let word: String = chars[from..i].iter().collect();
            let raw = matches!(word.as_str(), "r" | "br" | "cr");
            let hashes = chars[i..].iter().take_while(|&&h| h == '#').count();
            if raw && at(i + hashes) == '"' {
                i = skip_raw(&chars, i + hashes + 1, hashes, &mut line);
                tokens.push(literal(start_line));
            } else if matches!(word.as_str(), "b" | "c") && at(i) == '"' {
                i = skip_quoted(&chars, i + 1, '"', &mut line);
                tokens.push(literal(start_line));
            } else if word == "b" && at(i) == '\'' {
                i = skip_quoted(&chars, i + 1, '\'', &mut line);
                tokens.push(literal(start_line));
            } else if word == "r" && hashes == 1 {
                i += 1; // a raw identifier: `r#type` reads as `type`
            } else {
                tokens.push(Token { text: word, line });
            }
        } else if c == ':' && at(i + 1) == ':' {
            tokens.push(Token { text: "::".to_owned(), line });
            i += 2;
        } else {
            tokens.push(Token { text: c.to_string(), line });
            i += 1;
        }
    }
    tokens
}

/// Past the literal whose body starts at `i` and ends with an unescaped `quote`.
fn skip_quoted(chars: &[char], mut i: usize, quote: char, line: &mut usize) -> usize {
    while i < chars.len() && chars[i] != quote {
        *line += usize::from(chars[i] == '\n');
        i += if chars[i] == '\\' { 2 } else { 1 };
    }
    i + 1
}

/// Past the raw string whose body starts at `i` and ends with `"` and `hashes` `#`.
fn skip_raw(chars: &[char], mut i: usize, hashes: usize, line: &mut usize) -> usize {
    while i < chars.len() {
        if chars[i] == '"' && chars[i + 1..].iter().take(hashes).filter(|&&c| c == '#').count() == hashes {
            return i + 1 + hashes;
        }
        *line += usize::from(chars[i] == '\n');
        i += 1;
    }
    i
}

/// `tokens` without the items marked `#[cfg(test)]`, and the names of the
/// modules declared `#[cfg(test)] mod name;` (their files are test code too).
fn strip_test_items(tokens: Vec<Token>) -> (Vec<Token>, Vec<String>) {
    const CFG_TEST: [&str; 7] = ["#", "[", "cfg", "(", "test", ")", "]"];
    let mut kept = Vec::new();
    let mut test_modules = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if !CFG_TEST.iter().enumerate().all(|(k, t)| word(&tokens, i + k) == *t) {
            kept.push(tokens[i].clone());
            i += 1;
            continue;
        }
        i += CFG_TEST.len();
        // The item ends at a `;` or at the `}` closing its first `{`, outside any brackets.
        let (mut nesting, item) = (0usize, i);
        while i < tokens.len() {
            match word(&tokens, i) {
                "(" | "[" => nesting += 1,
                ")" | "]" => nesting = nesting.saturating_sub(1),
                ";" if nesting == 0 => break,
                "{" if nesting == 0 => {
                    i = matching_brace(&tokens, i);
                    break;
                }
                _ => {}
            }
            i += 1;
        }
        let words: Vec<_> = (item..i).map(|k| word(&tokens, k)).filter(|t| is_ident(t)).collect();
        if let [.., "mod", name] = &words[..]
            && word(&tokens, i) == ";"
        {
            test_modules.push((*name).to_owned());
        }
        i += 1;
    }
    (kept, test_modules)
}

/// The index of the `}` that closes the `{` at `open`.
fn matching_brace(tokens: &[Token], open: usize) -> usize {
    let mut depth = 0;
    for (i, t) in tokens.iter().enumerate().skip(open) {
        match t.text.as_str() {
            "{" => depth += 1,
            "}" if depth == 1 => return i,
            "}" => depth -= 1,
            _ => {}
        }
    }
    tokens.len()
}

/// Every module path named in the file of `module`: (line, as written, absolute path).
fn paths(module: &Module, tokens: &[Token]) -> Vec<(usize, String, Vec<String>)> {
    let mut found = Vec::new();
    // Inline modules (`mod name { ... }`) with the brace depth inside them.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < tokens.len() {
        match word(tokens, i) {
            "{" => depth += 1,
            "}" => {
                depth = depth.saturating_sub(1);
                if inline.last().is_some_and(|(_, d)| *d > depth) {
                    inline.pop();
                }
            }
            "mod" if is_ident(word(tokens, i + 1)) && word(tokens, i + 2) == "{" => {
                inline.push((word(tokens, i + 1).to_owned(), depth + 1));
            }
            head @ ("crate" | "super" | "self")
                if word(tokens, i + 1) == "::" && word(tokens, i.wrapping_sub(1)) != "::" =>
            {
                let here: Module = module.iter().cloned().chain(inline.iter().map(|(n, _)| n.clone())).collect();
                let base = if head == "crate" { Vec::new() } else { here };
                let mut named = Vec::new();
                // `super` is read as a segment of the tree, so `super::super::` works too.
                let from = if head == "super" { i } else { i + 2 };
                let end = use_tree(tokens, from, base, &mut named);
                let written = (i..end).fold(String::new(), |mut text, k| {
                    let spaced = k > i && is_ident(word(tokens, k)) && is_ident(word(tokens, k - 1));
                    text.push_str(if spaced { " " } else { "" });
                    text.push_str(word(tokens, k));
                    text.push_str(if word(tokens, k) == "," { " " } else { "" });
                    text
                });
                found.extend(named.into_iter().map(|p| (tokens[i].line, written.clone(), p)));
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    found
}

/// Reads the use tree or path that starts at `tokens[i]` below `path`, adds
/// every path it names to `named`, and returns where it ends.
fn use_tree(tokens: &[Token], mut i: usize, mut path: Vec<String>, named: &mut Vec<Vec<String>>) -> usize {
    loop {
        match word(tokens, i) {
            "{" => {
                i += 1;
                while !matches!(word(tokens, i), "}" | "") {
                    let end = use_tree(tokens, i, path.clone(), named);
                    // Past the tree's `as alias` and its comma.
                    i = end.max(i + 1);
                    while !matches!(word(tokens, i), "," | "}" | "") {
                        i += 1;
                    }
                    if word(tokens, i) == "," {
                        i += 1;
                    }
                }
                return i + 1;
            }
            "super" => {
                path.pop();
            }
            "self" | "*" => {}
            word if is_ident(word) => path.push(word.to_owned()),
            _ => break,
        }
        i += 1;
        if word(tokens, i) != "::" {
            break;
        }
        i += 1;
    }
    named.push(path);
    i
}

/// The graph of files given as (path, text).
fn graph_of(files: &[(&str, &str)]) -> ModuleGraph {
    let files: Vec<(String, String)> = files.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect();
    ModuleGraph::build(&files)
}

fn edges_of(graph: &ModuleGraph) -> Vec<String> {
    let mut edges = Vec::new();
    for (from, to) in &graph.edges {
        edges.extend(to.keys().map(|to| format!("{} -> {}", display(from), display(to))));
    }
    edges
}

#[test]
fn a_circle_of_two_files_is_found() {
    let graph = graph_of(&[
        ("lib.rs", "mod a;\nmod b;\n"),
        ("a.rs", "use crate::b::B;\npub struct A;\n"),
        ("b.rs", "pub struct B;\nfn f() -> crate::a::A { crate::a::A }\n"),
    ]);
    let report = graph.circles_report();
    assert!(report.contains("circle of 2 modules: a, b"), "{report}");
    assert!(report.contains("a -> b    (a.rs:1 crate::b::B)"), "{report}");
    assert!(report.contains("b -> a    (b.rs:2 crate::a::A)"), "{report}");
    assert!(report.contains("cycle: a -> b -> a"), "{report}");
}

#[test]
fn a_circle_through_three_modules_in_folders_is_found() {
    let graph = graph_of(&[
        ("lib.rs", "pub mod engine;\npub mod set;\n"),
        ("engine/mod.rs", "pub mod content;\npub mod steps;\n"),
        ("engine/content.rs", "use super::steps;\n"),
        ("engine/steps.rs", "use crate::set::{keys::Alg, mint};\n"),
        ("set/mod.rs", "pub mod keys;\npub mod mint;\n"),
        ("set/keys.rs", "pub enum Alg {}\n"),
        ("set/mint.rs", "use crate::engine::content::rules;\n"),
    ]);
    assert_eq!(
        edges_of(&graph),
        [
            "engine::content -> engine::steps",
            "engine::steps -> set::keys",
            "engine::steps -> set::mint",
            "set::mint -> engine::content"
        ]
    );
    let report = graph.circles_report();
    assert!(report.contains("cycle: engine::content -> engine::steps -> set::mint -> engine::content"), "{report}");
}

#[test]
fn a_parent_and_its_child_are_not_a_circle() {
    let graph = graph_of(&[
        ("lib.rs", "pub mod set;\npub use set::Set;\nfn f() { crate::set::mint::go() }\n"),
        ("set/mod.rs", "mod mint;\npub use mint::go;\npub use self::mint::Set;\n"),
        ("set/mint.rs", "use super::super::Thing;\nuse crate::set::helper;\npub fn go() {}\n"),
    ]);
    assert!(edges_of(&graph).is_empty(), "{:?}", edges_of(&graph));
    assert!(graph.circles_report().is_empty());
}

#[test]
fn test_code_comments_and_strings_make_no_edges() {
    let graph = graph_of(&[
        ("lib.rs", "mod a;\nmod b;\n#[cfg(test)]\nmod tests;\n"),
        (
            "a.rs",
            "//! See [`crate::b`].\n/* crate::b::x */ const S: &str = \"crate::b::y\";\nconst R: &str = r#\"crate::b\"#;\n\
             fn f<'a>(c: char) -> bool { c == '{' }\n#[cfg(test)]\nmod tests {\n    use crate::b::B;\n}\n",
        ),
        ("b.rs", "use crate::a;\n"),
        ("tests.rs", "use crate::a;\nuse crate::b;\n"),
    ]);
    assert_eq!(edges_of(&graph), ["b -> a"]);
}

#[test]
fn grouped_uses_and_paths_in_expressions_are_followed() {
    let graph = graph_of(&[
        ("lib.rs", "mod a;\nmod b;\nmod c;\nmod d;\n"),
        ("a.rs", "use crate::{b::{self, B as Bee}, c::*};\nfn f() { let x = crate::d::D::<u8>::new(); }\n"),
        ("b.rs", ""),
        ("c.rs", ""),
        ("d.rs", ""),
    ]);
    assert_eq!(edges_of(&graph), ["a -> b", "a -> c", "a -> d"]);
}

#[test]
fn super_in_an_inline_module_names_the_file_module() {
    let graph = graph_of(&[
        ("lib.rs", "mod a;\nmod b;\n"),
        ("a.rs", "mod inner {\n    use super::super::b;\n}\nuse super::b::B;\n"),
        ("b.rs", ""),
    ]);
    assert_eq!(edges_of(&graph), ["a -> b"]);
}
