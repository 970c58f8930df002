fn main() {
    if let Err(e) = watchroom::cli::run() {
        // an error may quote a file, a template or the store: never raw to the terminal
        let message = format!("{e:#}");
        let safe: Vec<_> = message
            .lines()
            .map(|l| watchroom::domain::text::clean(l).into_owned())
            .collect();
        eprintln!("watchroom: {}", safe.join("\n"));
        std::process::exit(1);
    }
}
