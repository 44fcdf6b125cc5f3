//! `setconform pair`: relay between an initiator and a responder, judge both,
//! and write the reports.

use super::args::PairArgs;
use super::{Error, finish, remove_earlier, say};
use setconform::output::Format;
use setconform::run::{self, PairRequest};
use setconform_reports::paint::Paint;

pub fn pair(args: PairArgs, paint: Paint) -> Result<i32, Error> {
    remove_earlier(&args.out);
    let request = PairRequest {
        initiator: args.initiator,
        responder: args.responder,
        fault_initiator: args.fault_initiator,
        fault_responder: args.fault_responder,
    };
    let record = run::pair_until_signalled(request).map_err(Error::Pairing)?;
    say(&setconform_reports::console::summary(&record, paint));
    Ok(finish(&record, &args.out, &Format::ALL, &[], paint))
}
