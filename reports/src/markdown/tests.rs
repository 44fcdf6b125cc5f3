//! The Markdown summary's escaping, bounds and sections.

use super::*;

#[test]
fn sut_text_cannot_break_a_table_or_open_a_tag() {
    let hostile = "a|b\n| x |<img src=x onerror=alert(1)>`code`[link](http://e)&amp;\r\u{7}";
    let e = md(hostile);
    assert!(!e.contains('\n') && !e.contains('\r') && !e.contains('<') && !e.contains('>'));
    assert!(!e.replace("\\|", "").contains('|'));
    assert!(!e.replace("\\`", "").contains('`'));
    assert_eq!(md("a&b"), "a&amp;b");
    assert_eq!(md("[x](y)"), "\\[x\\](y)");
}

fn fixture() -> Run {
    serde_json::from_str(include_str!("../../tests/fixtures/run-mixed.json")).unwrap()
}

/// A finding citing an ambiguity the record explains refers to its
/// footnote; the footnotes, escaped, close the summary.
#[test]
fn a_cited_ambiguity_is_a_footnote_defined_at_the_end() {
    let run = fixture();
    let text = summary(&run);
    let row = text.lines().find(|l| l.contains("max-response-events.fraction")).unwrap();
    assert!(row.contains("| PP-HTTP-006 (step 2), AMB-06[^AMB-06] |"), "{row}");
    let last = text.trim_end().lines().last().unwrap();
    assert!(last.starts_with("[^AMB-06]: **AMB-06** (pushpull §6.1): \\`maxResponseEvents\\` is"), "{last}");
    for part in
        ["Readings: (1) Zero asks", " (4) A fraction", "**Suite's reading:** Only a positive", "Why: A positive"]
    {
        assert!(last.contains(part), "{part} in {last}");
    }
    assert!(last.contains("&lt;b&gt;Not&lt;/b&gt; a \\| cell &amp; \\[link\\](x) ."), "escaped: {last}");

    // Without the record's entry the id stays, with no reference to a missing footnote.
    let mut old = run;
    old.ambiguities.clear();
    let text = summary(&old);
    assert!(text.contains("| PP-HTTP-006 (step 2), AMB-06 |") && !text.contains("[^"), "{text}");
}

#[test]
fn code_spans_stay_and_cannot_break_a_table_or_open_a_tag() {
    assert_eq!(md_inline("the `typ` is `secevent+jwt`"), "the `typ` is `secevent+jwt`");
    assert_eq!(md_inline("`<script>` <script>"), "`<script>` &lt;script&gt;");
    assert_eq!(md_inline("`a|b` c|d"), "`a\\|b` c\\|d");
    assert_eq!(md_inline("`a `b` c`"), "`a `b` c`");
    assert_eq!(md_inline("one ` alone & *x*"), "one \\` alone &amp; \\*x\\*");
    assert_eq!(md_inline("`a\\|b`"), "\\`a\\\\\\|b\\`");
    assert_eq!(md_inline("`x\ny` z\r\n"), "`x y` z  ");
    // Outside the code spans nothing is left that opens a tag or ends a cell.
    for hostile in ["`x`<img src=x onerror=alert(1)>`|`|", "``|`` `\\`|", "`\n| a | b |`"] {
        let e = md_inline(hostile);
        assert!(!e.contains('\n') && !e.replace("\\|", "").contains('|'), "{hostile}: {e}");
        assert!(!outside_code(&e).contains(['<', '>']), "{hostile}: {e}");
    }
}

/// The Markdown text outside its code spans, backslash escapes skipped.
fn outside_code(markdown: &str) -> String {
    let (mut out, mut in_code, mut chars) = (String::new(), false, markdown.chars());
    while let Some(c) = chars.next() {
        match c {
            '\\' if !in_code => {
                chars.next();
            }
            '`' => in_code = !in_code,
            c if !in_code => out.push(c),
            _ => {}
        }
    }
    out
}

#[test]
fn a_finding_names_its_rule_and_links_only_web_addresses() {
    let mut r: RequirementResult = serde_json::from_value(serde_json::json!({
        "id": "SET-021", "level": "SHOULD", "spec": "rfc8417", "section": "2.3",
        "text": "`typ` is <short> | not long", "link": "https://e.example/a|b(c)#s",
        "verdict": "WARN", "scenarios": []
    }))
    .unwrap();
    assert_eq!(
        rule_line(&r),
        "Rule (SHOULD): `typ` is &lt;short&gt; \\| not long · [rfc8417 §2.3](<https://e.example/a%7Cb(c)#s>)"
    );
    r.link = Some("javascript:alert(1)".into());
    assert!(rule_line(&r).ends_with(" · rfc8417 §2.3"), "{}", rule_line(&r));
}

#[test]
fn a_failing_scenario_gets_a_command_no_backticks_can_break_out_of() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/run-mixed.json");
    let mut run = crate::json::read(&path).expect("the fixture reads");
    run.scenarios.retain(|sc| matches!(sc.verdict, Verdict::Fail | Verdict::Pass));
    let mut hostile = run.scenarios[0].clone();
    (hostile.id, hostile.verdict) = ("a```b <i>".into(), Verdict::Fail);
    run.scenarios.push(hostile);
    let out = summary(&run);
    let section = &out[out.find("### Reproduce").expect("a Reproduce section")..];
    let fail = &run.scenarios.iter().find(|sc| sc.verdict == Verdict::Fail).unwrap().id;
    let made = crate::reproduce::command(&run, &run.scenarios[2]).unwrap().unwrap();
    assert!(section.contains(&format!("  ```sh\n  setconform run --exact {fail} --seed 1234567890")), "{section}");
    assert!(section.contains(&format!("- a\\`\\`\\`b &lt;i&gt; (FAIL):\n\n  ````sh\n  {made}\n  ````\n")), "{section}");
    assert_eq!(section.matches("```sh").count(), 2, "one per failing scenario, none for a passing one");
}

#[test]
fn cells_are_bounded() {
    let long = "x".repeat(1000);
    assert_eq!(cell(&long).chars().count(), MAX_CELL + 1);
}
