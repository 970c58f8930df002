fn main() {
    if let Err(e) = watchroom::cli::run() {
        eprintln!("watchroom: {e:#}");
        std::process::exit(1);
    }
}
