//! `setconform faults`: the reference's fault catalogue, one fault a line with
//! the requirements it breaks, then those it breaks as a consequence.

use setconform::run::exit;
use setconform_reference::Fault;

pub fn list() -> i32 {
    for f in Fault::ALL {
        let breaks = match f.breaks() {
            [] => "nothing judged".to_owned(),
            b => b.join(", "),
        };
        println!("{:<28} breaks {breaks:<24} {}", f.name(), f.description());
        if !f.consequences().is_empty() {
            println!("{:<28}   and so {}", "", f.consequences().join(", "));
        }
    }
    exit::CONFORMANT
}
