//! `setconform faults`: the reference's fault catalogue, one fault a line with
//! the requirements it breaks.

use setconform::run::exit;
use setconform_reference::Fault;

pub fn list() -> i32 {
    for f in Fault::ALL {
        println!("{:<28} breaks {:<24} {}", f.name(), f.breaks().join(", "), f.description());
    }
    exit::CONFORMANT
}
