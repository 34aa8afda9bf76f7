//! What each command does between its parsed arguments and its report, for the commands
//! whose work spans several modules: the no-argument run (`auto`), `token` and `verify`.
//! The CLI parses arguments, calls one function here or in the module of the command's
//! noun (`check::run`, `explain`, `workflow::check`, `login::run`), and renders the report.

pub mod auto;
pub mod token;
pub mod verify;
