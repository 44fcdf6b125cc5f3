//! The page of one run: summary, requirements, scenarios, waivers, then every
//! scenario in detail with its expectations and wire transcript.

use super::escape::{clip, esc, web_link};
use super::page::{badge, document, millis, needs_attention, verdict_class};
use super::{requirement_anchor, scenario_anchor};
use crate::{Body, Exchange, Run, ScenarioResult, Verdict, WaiverStatus};
use std::collections::{BTreeSet, HashSet};
use std::fmt::Write;

/// Most characters of an expectation's `actual` shown in the summary's findings.
const FINDING_TEXT: usize = 240;

pub(super) fn render(run: &Run) -> String {
    let tags: Vec<&str> = run
        .scenarios
        .iter()
        .flat_map(|s| s.tags.iter().map(String::as_str))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let verdicts: Vec<Verdict> =
        Verdict::ALL.into_iter().filter(|v| run.scenarios.iter().any(|s| s.verdict == *v)).collect();
    let mut out = String::with_capacity(256 * 1024);
    filter_inputs(&mut out, &verdicts, tags.len());
    top(&mut out, run);
    filter_bar(&mut out, run, &verdicts, &tags);
    out.push_str("<main>\n");
    summary(&mut out, run);
    requirements(&mut out, run);
    scenario_table(&mut out, run, &tags);
    waivers(&mut out, run);
    details(&mut out, run, &tags);
    out.push_str("</main>\n");
    let fails = run.summary.fail;
    let title = format!(
        "setconform: {} — {}",
        run.sut.name,
        if fails > 0 { format!("{fails} FAIL") } else { format!("exit {}", run.summary.exit_code) }
    );
    document(&title, &filter_css(&verdicts, tags.len()), &out)
}

/// The radio buttons the filters are made of. They come first, so that
/// `:checked ~` selectors reach everything after them; no script is needed.
fn filter_inputs(out: &mut String, verdicts: &[Verdict], tags: usize) {
    out.push_str(
        "<input class=\"flt\" type=\"radio\" name=\"fv\" id=\"fv-all\" checked aria-label=\"all verdicts\">\n",
    );
    for v in verdicts {
        let c = verdict_class(*v);
        let _ =
            writeln!(out, "<input class=\"flt\" type=\"radio\" name=\"fv\" id=\"f{c}\" aria-label=\"{}\">", v.as_str());
    }
    out.push_str("<input class=\"flt\" type=\"radio\" name=\"ft\" id=\"ft-all\" checked aria-label=\"all tags\">\n");
    for i in 0..tags {
        let _ = writeln!(out, "<input class=\"flt\" type=\"radio\" name=\"ft\" id=\"ft-{i}\" aria-label=\"tag {i}\">");
    }
}

/// The filter rules, from fixed verdict words and tag indices only.
fn filter_css(verdicts: &[Verdict], tags: usize) -> String {
    let mut css = String::new();
    let on = "{ background: #1f2937; color: #fff; border-color: #1f2937; }";
    let _ = writeln!(
        css,
        "#fv-all:checked ~ .filters label[for=fv-all], #ft-all:checked ~ .filters label[for=ft-all] {on}"
    );
    for v in verdicts {
        let c = verdict_class(*v);
        let _ = writeln!(css, "#f{c}:checked ~ main .fv:not(.{c}) {{ display: none; }}");
        let _ = writeln!(css, "#f{c}:checked ~ .filters label[for=f{c}] {on}");
    }
    for i in 0..tags {
        let _ = writeln!(css, "#ft-{i}:checked ~ main .ft:not(.t{i}) {{ display: none; }}");
        let _ = writeln!(css, "#ft-{i}:checked ~ .filters label[for=ft-{i}] {on}");
    }
    css
}

fn top(out: &mut String, run: &Run) {
    let _ = write!(
        out,
        "<header class=\"top\">\n<h1>setconform report: {}</h1>\n<div class=\"sub\">{} {} · {} · {} scenarios</div>\n<nav>\
         <a href=\"#summary\">Summary</a><a href=\"#requirements\">Requirements</a><a href=\"#scenarios\">Scenarios</a>",
        esc(&run.sut.name),
        esc(&run.tool.name),
        esc(&run.tool.version),
        esc(&run.started_at),
        run.scenarios.len()
    );
    if !run.waivers.is_empty() {
        out.push_str("<a href=\"#waivers\">Waivers</a>");
    }
    out.push_str("<a href=\"#details\">Scenario details</a></nav>\n</header>\n");
}

fn filter_bar(out: &mut String, run: &Run, verdicts: &[Verdict], tags: &[&str]) {
    out.push_str("<div class=\"filters\">\n<div class=\"grp\"><span>Verdict:</span><label for=\"fv-all\">all</label>");
    for v in verdicts {
        let n = run.scenarios.iter().filter(|s| s.verdict == *v).count();
        let _ = write!(out, "<label for=\"f{}\">{} ({n})</label>", verdict_class(*v), esc(v.as_str()));
    }
    out.push_str("</div>\n");
    if !tags.is_empty() {
        out.push_str("<div class=\"grp\"><span>Tag:</span><label for=\"ft-all\">all</label>");
        for (i, t) in tags.iter().enumerate() {
            let _ = write!(out, "<label for=\"ft-{i}\">{}</label>", esc(t));
        }
        out.push_str("</div>\n");
    }
    out.push_str("</div>\n");
}

fn summary(out: &mut String, run: &Run) {
    let sut = &run.sut;
    out.push_str("<section id=\"summary\">\n<h2>Summary</h2>\n<dl class=\"facts\">\n");
    let mut fact = |name: &str, value: String| {
        let _ = writeln!(out, "<dt>{name}</dt><dd>{value}</dd>");
    };
    fact(
        "System under test",
        format!("<strong>{}</strong> <span class=\"muted\">({})</span>", esc(&sut.name), esc(&sut.kind)),
    );
    if sut.insecure {
        fact("Certifiable", format!("<strong>{}</strong>", esc(crate::run::NOT_CERTIFIABLE)));
    }
    if let Some(fault) = &sut.fault {
        fact("Reference fault", format!("<code>{}</code>", esc(fault)));
    }
    for (role, url) in &sut.endpoints {
        fact("Endpoint", format!("{}: <code>{}</code>", esc(role), esc(url)));
    }
    let profiles: Vec<String> = run.profiles.iter().map(|p| format!("<span class=\"tag\">{}</span>", esc(p))).collect();
    fact("Profiles", profiles.join(" "));
    fact("Tool", format!("{} {}", esc(&run.tool.name), esc(&run.tool.version)));
    fact("Started", esc(&run.started_at));
    fact("Duration", millis(run.duration_ms));
    fact(
        "Seed",
        format!(
            "<code>{}</code> <span class=\"muted\">(repeat with <code>--seed {}</code>)</span>",
            run.seed, run.seed
        ),
    );
    let code = run.summary.exit_code;
    let (class, meaning) = match code {
        0 => ("ok", "conformant: nothing failed"),
        1 => ("bad", "the SUT failed at least one scenario"),
        3 => ("inc", "incomplete: ERROR or TIMEOUT, and nothing failed"),
        _ => ("inc", "the run did not complete"),
    };
    fact("Exit status", format!("<span class=\"exit {class}\">exit code {code}</span> {meaning}"));
    out.push_str("</dl>\n<div class=\"cards\">\n");
    let s = &run.summary;
    let _ =
        writeln!(out, "<div class=\"card\"><div class=\"n\">{}</div><div class=\"l\">scenarios</div></div>", s.total);
    for (v, n) in [
        (Verdict::Pass, s.pass),
        (Verdict::Fail, s.fail),
        (Verdict::Warn, s.warn),
        (Verdict::Info, s.info),
        (Verdict::NotApplicable, s.not_applicable),
        (Verdict::Error, s.error),
        (Verdict::Timeout, s.timeout),
        (Verdict::Waived, s.waived),
    ] {
        let zero = if n == 0 { " zero" } else { "" };
        let _ = writeln!(
            out,
            "<div class=\"card {}{zero}\"><div class=\"n\">{n}</div><div class=\"l\">{}</div></div>",
            verdict_class(v),
            esc(v.as_str())
        );
    }
    out.push_str("</div>\n");
    for w in run.waivers.iter().filter(|w| w.status != WaiverStatus::Applied) {
        let (class, what) = match w.status {
            WaiverStatus::Expired => ("alert expired", "Expired waiver: not applied, the findings stand"),
            _ => ("alert", "Stale waiver: nothing it names failed any more; it can be removed"),
        };
        let _ = writeln!(out, "<div class=\"{class}\"><strong>{what}</strong>: <code>{}</code></div>", esc(&w.target));
    }
    findings(out, run);
    out.push_str("</section>\n");
}

/// The scenarios to look at first, each with its broken expectations (h2spec style).
fn findings(out: &mut String, run: &Run) {
    let open: Vec<&ScenarioResult> = run.scenarios.iter().filter(|s| needs_attention(s.verdict)).collect();
    if open.is_empty() {
        return;
    }
    out.push_str("<h4>Findings</h4>\n<ul class=\"findings\">\n");
    for s in open {
        let _ = write!(
            out,
            "<li>{} <a href=\"#{}\"><code>{}</code></a> {}",
            badge(s.verdict),
            scenario_anchor(&s.id),
            esc(&s.id),
            esc(&s.title)
        );
        if let Some(reason) = &s.reason {
            let _ = write!(out, "<div class=\"ex\">{}</div>", esc(&clip(reason, FINDING_TEXT)));
        }
        for e in s.expectations.iter().filter(|e| needs_attention(e.verdict)) {
            let _ = write!(
                out,
                "<div class=\"ex\">{} <a href=\"#{}\">{}</a>: expected {}; actual <strong>{}</strong></div>",
                esc(e.verdict.as_str()),
                requirement_anchor(&e.requirement),
                esc(&e.requirement),
                esc(&clip(&e.expected, FINDING_TEXT)),
                esc(&clip(&e.actual, FINDING_TEXT))
            );
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ul>\n");
}

fn requirements(out: &mut String, run: &Run) {
    let _ = write!(
        out,
        "<section id=\"requirements\">\n<h2>Requirements ({})</h2>\n<table>\n<thead><tr><th>Verdict</th><th>Id</th>\
         <th>Level</th><th>Spec</th><th>Role</th><th>Rule</th><th>Scenarios</th></tr></thead>\n<tbody>\n",
        run.requirements.len()
    );
    for r in &run.requirements {
        let spec = if r.section.is_empty() { esc(&r.spec) } else { format!("{} §{}", esc(&r.spec), esc(&r.section)) };
        let spec = match r.link.as_deref().and_then(web_link) {
            Some(href) => format!("<a href=\"{href}\" rel=\"noreferrer\">{spec}</a>"),
            None => spec,
        };
        let mut scenarios: Vec<String> = r
            .scenarios
            .iter()
            .map(|id| format!("<a href=\"#{}\"><code>{}</code></a>", scenario_anchor(id), esc(id)))
            .collect();
        // Coverage: a requirement no scenario tests says why.
        if let Some(why) = &r.untestable {
            scenarios.push(format!("<span class=\"untested\">no scenario: {}</span>", esc(why)));
        }
        let _ = writeln!(
            out,
            "<tr id=\"{}\" class=\"fv {}\"><td>{}</td><td class=\"nowrap\"><code>{}</code></td><td>{}</td>\
             <td class=\"nowrap\">{spec}</td><td>{}</td><td class=\"rule\">{}</td><td class=\"refs\">{}</td></tr>",
            requirement_anchor(&r.id),
            verdict_class(r.verdict),
            badge(r.verdict),
            esc(&r.id),
            esc(&r.level),
            esc(&r.role),
            esc(&r.text),
            scenarios.join("<br>")
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

/// Classes a scenario is filtered by: its verdict, and the index of each tag.
fn filter_classes(s: &ScenarioResult, tags: &[&str]) -> String {
    let mut c = format!("fv ft {}", verdict_class(s.verdict));
    for t in &s.tags {
        if let Ok(i) = tags.binary_search(&t.as_str()) {
            let _ = write!(c, " t{i}");
        }
    }
    c
}

fn tag_list(tags: &[String]) -> String {
    tags.iter().map(|t| format!("<span class=\"tag\">{}</span>", esc(t))).collect::<Vec<_>>().join("")
}

fn scenario_table(out: &mut String, run: &Run, tags: &[&str]) {
    let _ = write!(
        out,
        "<section id=\"scenarios\">\n<h2>Scenarios ({})</h2>\n<table>\n<thead><tr><th>Verdict</th><th>Id</th><th>Title</th>\
         <th>Profile</th><th>Tags</th><th class=\"num\">Duration</th></tr></thead>\n<tbody>\n",
        run.scenarios.len()
    );
    for s in &run.scenarios {
        let _ = writeln!(
            out,
            "<tr class=\"{}\"><td>{}</td><td><a href=\"#{}\"><code>{}</code></a></td><td>{}</td><td class=\"nowrap\">{}</td>\
             <td>{}</td><td class=\"num\">{}</td></tr>",
            filter_classes(s, tags),
            badge(s.verdict),
            scenario_anchor(&s.id),
            esc(&s.id),
            esc(&s.title),
            esc(&s.profile),
            tag_list(&s.tags),
            millis(s.duration_ms)
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

fn waivers(out: &mut String, run: &Run) {
    if run.waivers.is_empty() {
        return;
    }
    out.push_str(
        "<section id=\"waivers\">\n<h2>Waivers</h2>\n<table>\n<thead><tr><th>Status</th><th>Target</th><th>Reason</th>\
         <th>Expires</th></tr></thead>\n<tbody>\n",
    );
    let scenarios: HashSet<&str> = run.scenarios.iter().map(|s| s.id.as_str()).collect();
    let requirements: HashSet<&str> = run.requirements.iter().map(|r| r.id.as_str()).collect();
    for w in &run.waivers {
        let (class, word) = match w.status {
            WaiverStatus::Applied => ("applied", "applied"),
            WaiverStatus::Stale => ("stale", "stale: remove it"),
            WaiverStatus::Expired => ("expired", "expired: not applied"),
        };
        let target = if scenarios.contains(w.target.as_str()) {
            format!("<a href=\"#{}\"><code>{}</code></a>", scenario_anchor(&w.target), esc(&w.target))
        } else if requirements.contains(w.target.as_str()) {
            format!("<a href=\"#{}\"><code>{}</code></a>", requirement_anchor(&w.target), esc(&w.target))
        } else {
            format!("<code>{}</code>", esc(&w.target))
        };
        let _ = writeln!(
            out,
            "<tr><td><span class=\"status {class}\">{word}</span></td><td>{target}</td><td>{}</td><td class=\"nowrap\">{}</td></tr>",
            esc(&w.reason),
            w.expires.as_deref().map(esc).unwrap_or_else(|| "<span class=\"muted\">never</span>".to_owned())
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

fn details(out: &mut String, run: &Run, tags: &[&str]) {
    out.push_str("<section id=\"details\">\n<h2>Scenario details</h2>\n");
    for s in &run.scenarios {
        scenario(out, s, tags);
    }
    out.push_str("</section>\n");
}

fn scenario(out: &mut String, s: &ScenarioResult, tags: &[&str]) {
    let attention = needs_attention(s.verdict);
    let _ = write!(
        out,
        "<details class=\"scn {}\" id=\"{}\"{}>\n<summary>{} <h3>{}</h3> <code class=\"muted\">{}</code> \
         <span class=\"muted\">· {}</span></summary>\n<div class=\"inner\">\n",
        filter_classes(s, tags),
        scenario_anchor(&s.id),
        if attention { " open" } else { "" },
        badge(s.verdict),
        esc(&s.title),
        esc(&s.id),
        millis(s.duration_ms)
    );
    if let Some(d) = &s.description {
        let _ = writeln!(out, "<p>{}</p>", esc(d));
    }
    out.push_str("<dl class=\"facts\">\n");
    let _ = writeln!(out, "<dt>Profile</dt><dd><code>{}</code></dd>", esc(&s.profile));
    if !s.tags.is_empty() {
        let _ = writeln!(out, "<dt>Tags</dt><dd>{}</dd>", tag_list(&s.tags));
    }
    let reqs: Vec<String> = s
        .requirements
        .iter()
        .map(|r| format!("<a href=\"#{}\"><code>{}</code></a>", requirement_anchor(r), esc(r)))
        .collect();
    let _ = writeln!(out, "<dt>Requirements</dt><dd>{}</dd>", reqs.join(", "));
    if let Some(reason) = &s.reason {
        let _ = writeln!(out, "<dt>Reason</dt><dd><strong>{}</strong></dd>", esc(reason));
    }
    out.push_str("</dl>\n");
    if !s.steps.is_empty() {
        out.push_str("<h4>Steps</h4>\n<ol class=\"steps\">\n");
        for st in &s.steps {
            let _ = write!(
                out,
                "<li value=\"{}\"><strong>{}</strong> <code>{}</code>",
                st.step,
                esc(&st.action),
                esc(&st.detail)
            );
            if let Some(note) = &st.note {
                let _ = write!(out, " <span class=\"muted\">— {}</span>", esc(note));
            }
            out.push_str("</li>\n");
        }
        out.push_str("</ol>\n");
    }
    if !s.expectations.is_empty() {
        out.push_str(
            "<h4>Expectations</h4>\n<table class=\"expect\">\n<thead><tr><th class=\"num\">Step</th><th>Verdict</th>\
             <th>Requirement</th><th>Expected</th><th>Actual</th></tr></thead>\n<tbody>\n",
        );
        for e in &s.expectations {
            let _ = write!(
                out,
                "<tr class=\"{}\"><td class=\"num\">{}</td><td>{}</td><td class=\"nowrap\"><a href=\"#{}\"><code>{}</code></a></td>\
                 <td class=\"ev\">{}</td><td class=\"ev\">{}",
                verdict_class(e.verdict),
                e.step,
                badge(e.verdict),
                requirement_anchor(&e.requirement),
                esc(&e.requirement),
                esc(&e.expected),
                esc(&e.actual)
            );
            if let Some(a) = &e.ambiguity {
                let _ = write!(out, "<div class=\"note\">Ambiguity: {}</div>", esc(a));
            }
            if let Some(w) = &e.waiver {
                let _ = write!(out, "<div class=\"note\">Waived: {}</div>", esc(w));
            }
            out.push_str("</td></tr>\n");
        }
        out.push_str("</tbody>\n</table>\n");
    }
    transcript(out, s, attention);
    out.push_str("</div>\n</details>\n");
}

/// The wire log, one collapsible entry per exchange (Autobahn's case pages):
/// for a scenario to look at, the exchanges of its broken steps start open.
fn transcript(out: &mut String, s: &ScenarioResult, attention: bool) {
    if s.transcript.is_empty() {
        out.push_str("<p class=\"muted\">No exchanges were recorded.</p>\n");
        return;
    }
    let broken: HashSet<usize> = s.expectations.iter().filter(|e| needs_attention(e.verdict)).map(|e| e.step).collect();
    let _ = writeln!(
        out,
        "<details class=\"wire\"{}><summary>Wire transcript ({} exchanges)</summary>",
        if attention { " open" } else { "" },
        s.transcript.len()
    );
    for x in &s.transcript {
        let open = attention && (broken.contains(&x.step) || x.error.is_some());
        exchange(out, x, open);
    }
    out.push_str("</details>\n");
}

fn channel_class(channel: &str) -> &'static str {
    match channel {
        "sut" => "ch-sut",
        "trigger" => "ch-trigger",
        "harness" => "ch-harness",
        _ => "ch-other",
    }
}

fn status_class(status: u16) -> &'static str {
    match status {
        200..=299 => "s2",
        300..=399 => "s3",
        400..=499 => "s4",
        _ => "s5",
    }
}

fn exchange(out: &mut String, x: &Exchange, open: bool) {
    let _ = write!(
        out,
        "<details class=\"x{}\"{}><summary>#{} <span class=\"ch {}\">{}</span> step {} · +{} · {} · ",
        if x.error.is_some() { " err" } else { "" },
        if open { " open" } else { "" },
        x.seq,
        channel_class(&x.channel),
        esc(&x.channel),
        x.step,
        millis(x.at_ms),
        millis(x.duration_ms)
    );
    match &x.frame {
        Some(f) => {
            let arrow = if f.direction == "sent" { "→" } else { "←" };
            let _ = write!(out, "{arrow} {} frame {} ({} bytes)", esc(&f.direction), esc(&f.opcode), f.size);
        }
        None => {
            let _ = write!(out, "{} {}", esc(&x.request.method), esc(&x.request.url));
        }
    }
    if let Some(r) = &x.response {
        let _ = write!(out, " → <span class=\"st {}\">{}</span>", status_class(r.status), r.status);
    }
    if let Some(p) = &x.process {
        match p.exit_code {
            Some(code) => {
                let _ = write!(out, " → exit {code}");
            }
            None => out.push_str(" → killed"),
        }
    }
    if x.error.is_some() {
        out.push_str(" → <span class=\"st s5\">error</span>");
    }
    out.push_str("</summary>\n<div class=\"xb\">\n");
    if let Some(f) = &x.frame {
        let _ = writeln!(
            out,
            "<div class=\"lblx\">WebSocket frame: {}, opcode {}, {} bytes</div>",
            esc(&f.direction),
            esc(&f.opcode),
            f.size
        );
        message(out, None, &[], &x.request.body);
    } else {
        let line = format!("{} {}", x.request.method, x.request.url);
        let headers: Vec<(&str, &str)> =
            x.request.headers.iter().map(|h| (h.name.as_str(), h.value.as_str())).collect();
        out.push_str("<div class=\"lblx\">Request</div>\n");
        message(out, Some(&line), &headers, &x.request.body);
    }
    if let Some(r) = &x.response {
        let headers: Vec<(&str, &str)> = r.headers.iter().map(|h| (h.name.as_str(), h.value.as_str())).collect();
        out.push_str("<div class=\"lblx\">Response</div>\n");
        message(out, Some(&format!("HTTP {}", r.status)), &headers, &r.body);
    }
    if let Some(p) = &x.process {
        let how = match (p.exit_code, p.timed_out) {
            (_, true) => "killed after its deadline".to_owned(),
            (Some(code), false) => format!("exit code {code}"),
            (None, false) => "ended by a signal".to_owned(),
        };
        let _ = writeln!(out, "<div class=\"lblx\">Process: {how} — stdout</div>");
        message(out, None, &[], &p.stdout);
        out.push_str("<div class=\"lblx\">stderr</div>\n");
        message(out, None, &[], &p.stderr);
    }
    if let Some(e) = &x.error {
        let _ = writeln!(out, "<p class=\"xerr\">Error: {}</p>", esc(e));
    }
    out.push_str("</div>\n</details>\n");
}

/// One message as on the wire: start line, headers, blank line, body; then the
/// SETs found in the body, decoded.
fn message(out: &mut String, line: Option<&str>, headers: &[(&str, &str)], body: &Body) {
    out.push_str("<pre class=\"w\">");
    if let Some(line) = line {
        let _ = writeln!(out, "<span class=\"rl\">{}</span>", esc(line));
    }
    for (name, value) in headers {
        let _ = writeln!(out, "<span class=\"hn\">{}</span>: {}", esc(name), esc(value));
    }
    if line.is_some() || !headers.is_empty() {
        out.push('\n');
    }
    if body.text.is_empty() {
        let _ = write!(out, "<span class=\"hn\">({} bytes of body)</span>", body.size);
    } else {
        out.push_str(&esc(&body.text));
    }
    out.push_str("</pre>\n");
    if body.truncated {
        let _ =
            writeln!(out, "<div class=\"note\">Body cut at the capture limit: {} bytes on the wire.</div>", body.size);
    }
    if body.sets.is_empty() {
        return;
    }
    out.push_str("<div class=\"sets\">\n");
    for set in &body.sets {
        let _ = writeln!(
            out,
            "<div class=\"k\"><span class=\"lblx\">Decoded SET</span> <code>{}</code></div>",
            esc(&set.key)
        );
        let pretty = |v: &Option<serde_json::Value>| match v {
            Some(v) => esc(&serde_json::to_string_pretty(v).unwrap_or_default()),
            None => "<span class=\"muted\">(none)</span>".to_owned(),
        };
        let _ = writeln!(
            out,
            "<pre class=\"j\">{}</pre><pre class=\"j\">{}</pre>",
            pretty(&set.header),
            pretty(&set.claims)
        );
        if let Some(e) = &set.error {
            let _ = writeln!(out, "<p class=\"xerr k\">{}</p>", esc(e));
        }
    }
    out.push_str("</div>\n");
}
