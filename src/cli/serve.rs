//! `tejun serve`: the live preview; see the `serve` module.

use std::net::{IpAddr, Ipv4Addr};
use std::process::ExitCode;

use super::BookArg;
use crate::serve::{self, Options};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub book: BookArg,
    /// Port to listen on; the next free one is used when it is taken (0: any free port)
    #[arg(long, default_value_t = 3000)]
    pub port: u16,
    /// Address to listen on (only this machine by default); requests are answered only
    /// when their Host is this address, the one they reached, a loopback one or localhost
    #[arg(long, value_name = "ADDR", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub bind: IpAddr,
    /// Open the served book in the default browser
    #[arg(long)]
    pub open: bool,
    /// How long a connection may take to send its request before it gets 408, in ms.
    /// Hidden: the tests of slow and idle connections shorten it rather than wait 10 s.
    #[arg(long, hide = true, value_name = "MS", default_value_t = serve::REQUEST_TIMEOUT.as_millis() as u64)]
    pub request_timeout_ms: u64,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    serve::run(Options {
        root: args.book.book,
        bind: args.bind,
        port: args.port,
        open: args.open,
        request_timeout: std::time::Duration::from_millis(args.request_timeout_ms.max(1)),
    })
}
